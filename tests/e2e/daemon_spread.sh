#!/bin/sh
# daemon_spread.sh: viewers spread as the policy says; unequal nodes fill in
# proportion to their capacity; a burst does not herd onto one node.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

# waits for the background viewers (not the daemon or the nodes)
wait_viewers() {
	_n=0
	while [ "$(ls "$TEST_TMP"/burst.* 2>/dev/null | xargs -r cat | grep -c .)" -lt 40 ] &&
	    [ $_n -lt 100 ]; do
		sleep 0.1; _n=$((_n + 1))
	done
}

start_node a 50
start_node b 100
start_node c 100
start_node d 200
write_conf "$TEST_TMP/c.conf" "stream-cost = 1"
start_daemon "$TEST_TMP/c.conf"

is "$(watch first.mp4 | cut -d' ' -f1)" 302 "a viewer gets a 302"
loc=$(watch "My%20Movie.mp4" | cut -d' ' -f2)
case "$loc" in
http://127.0.0.1:*/vod/My%20Movie.mp4) r=0 ;; *) r=1 ;;
esac
ok $r "Location is the node's stream URL with the title escaped ($loc)"

# 90 viewers one after another, each following the redirect, so every
# stream loads the node it went to.  Capacities 50:100:100:200.
i=0
while [ $i -lt 90 ]; do
	watch_follow "t$i.mp4" >/dev/null
	i=$((i + 1))
done
sa=$(node_ctl a state | sed 's/.*streams=\([0-9]*\).*/\1/')
sb=$(node_ctl b state | sed 's/.*streams=\([0-9]*\).*/\1/')
sc=$(node_ctl c state | sed 's/.*streams=\([0-9]*\).*/\1/')
sd=$(node_ctl d state | sed 's/.*streams=\([0-9]*\).*/\1/')
echo "# streams a=$sa b=$sb c=$sc d=$sd (capacity 50:100:100:200)"
# Expected about 10:20:20:40; allow some slack for the samples' timing.
[ "$sa" -ge 6 ] && [ "$sa" -le 15 ]; ok $? "small node: $sa of 90 (about 10)"
[ "$sd" -ge 32 ] && [ "$sd" -le 48 ]; ok $? "big node: $sd of 90 (about 40)"
[ "$sb" -ge 14 ] && [ "$sb" -le 26 ] && [ "$sc" -ge 14 ] && [ "$sc" -le 26 ]
ok $? "middle nodes: $sb and $sc (about 20 each)"
[ "$sd" -gt "$sb" ] && [ "$sb" -gt "$sa" ]; ok $? "more capacity, more viewers"

# A burst: 40 viewers decided on the same samples (freshness 5s, so no
# new round in between).  The expected load of the streams just sent keeps
# them from all landing on the node that looked emptiest.
# Node a looks clearly emptiest (0%), the others 10%.
preset() {
	node_ctl a streams/0 >/dev/null; node_ctl b streams/10 >/dev/null
	node_ctl c streams/10 >/dev/null; node_ctl d streams/20 >/dev/null
}
burst() {	# burst CONF-LINES: how many of 40 went to each node, in $got
	kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
	preset
	write_conf "$TEST_TMP/burst.conf" "freshness = 5s
$1"
	start_daemon "$TEST_TMP/burst.conf"
	watch warmup >/dev/null
	rm -f "$TEST_TMP"/burst.*
	i=0
	while [ $i -lt 40 ]; do
		watch "burst$i.mp4" >"$TEST_TMP/burst.$i" &
		i=$((i + 1))
	done
	wait_viewers
	got=$(for f in "$TEST_TMP"/burst.*; do node_of "$(cut -d' ' -f2 "$f")"; done |
	    sort | uniq -c | awk '{printf "%s=%s ", $2, $1}')
}
burst "stream-cost = 1"
echo "# burst with stream-cost 1: $got"
top=$(echo "$got" | tr ' ' '\n' | cut -d= -f2 | sort -n | tail -1)
[ "$top" -le 20 ]; ok $? "no node took more than half of a 40-viewer burst"
is "$(echo "$got" | tr ' ' '\n' | grep -c =)" 4 "every node took part in the burst"
burst "stream-cost = 0"
echo "# burst with stream-cost 0: $got"
case "$got" in *"a=40 "*) r=0 ;; *) r=1 ;; esac
ok $r "control: without the expected load the burst herds onto a"

# round-robin: even spread whatever the load.
kill "$DAEMON_PID"; wait "$DAEMON_PID" 2>/dev/null
write_conf "$TEST_TMP/rr.conf" "policy = round-robin"
start_daemon "$TEST_TMP/rr.conf"
: >"$TEST_TMP/rr"
i=0
while [ $i -lt 20 ]; do
	node_of "$(watch "rr$i" | cut -d' ' -f2)" >>"$TEST_TMP/rr"
	i=$((i + 1))
done
is "$(sort "$TEST_TMP/rr" | uniq -c | awk '{print $1}' | sort -u | tr '\n' ' ')" "5 " \
    "round-robin: 5 viewers per node out of 20"

done_testing
