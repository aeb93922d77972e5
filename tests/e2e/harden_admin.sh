#!/bin/sh
# harden_admin.sh: hostile clients of the admin listener (issue 17.5).
# Connections held open beyond max-admin-connections are closed, so that
# viewers, /healthz and the API are still answered at once under a low
# descriptor limit; when accept() does fail for want of descriptors the
# daemon pauses the listener instead of spinning and logging each failure.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
[ -r /proc/self/stat ] || skip_all "needs /proc"
CLIENT="$PYTHON3 $top_srcdir/tests/e2e/harden_client.py"

start_cluster '{ "nodes": [ { "name": "a" } ] }'
# cpu_ticks: the daemon's user + system CPU time, in clock ticks
cpu_ticks() { awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat"; }
nfds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
# start_limited CONF LIMIT: the daemon under "ulimit -n LIMIT"
start_limited() {
	rm -f "$TEST_TMP/ports"
	(ulimit -n "$2" && exec "$CIMHEADD" -f "$1" -P "$TEST_TMP/ports") \
	    2>>"$TEST_TMP/daemon.log" &
	DAEMON_PID=$!
	TEST_PIDS="$TEST_PIDS $DAEMON_PID"
	wait_for_file "$TEST_TMP/ports" 10 ||
	    { echo "# cimheadd did not start"; cat "$TEST_TMP/daemon.log"; exit 1; }
	VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
	ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
}
# timed URL: "CODE SECONDS" for one GET
timed() {
	curl -s -o /dev/null --max-time 10 -w '%{http_code} %{time_total}\n' "$1"
}
fast() { awk -v t="$1" -v m="$2" 'BEGIN { exit !(t < m) }'; }

# 1. The cap: 120 descriptors, max-admin-connections 64 (the default), 114
# held (the cap + 50).  Before: nothing closed them, the descriptors ran
# out, and accept() failed for viewers too.
write_conf "$TEST_TMP/c1.conf" "max-viewer-connections = 16"
start_limited "$TEST_TMP/c1.conf" 120
r=$(watch warm.mp4)
is "${r%% *}" 302 "a viewer is sent to the node"
$CLIENT hold "$ADMIN" 114 6 >"$TEST_TMP/held" &
hpid=$!
TEST_PIDS="$TEST_PIDS $hpid"
wait_for 10 test -s "$TEST_TMP/held"
echo "# admin connections opened: $(cat "$TEST_TMP/held")"
set -- $(timed "http://$VIEWER/healthz")
is "$1" 200 "114 admin connections held: /healthz answered"
fast "$2" $((2 * SLOW)); ok $? "within 2 s ($2 s)"
set -- $(timed "http://$VIEWER/watch/during.mp4")
is "$1" 302 "a viewer is sent to the node"
fast "$2" $((2 * SLOW)); ok $? "within 2 s ($2 s)"
set -- $(timed "http://$ADMIN/api/v1/nodes")
is "$1" 200 "the node table is answered"
fast "$2" $((2 * SLOW)); ok $? "within 2 s ($2 s)"
n=$(nfds)
[ "$n" -lt 100 ]; ok $? "the daemon holds $n descriptors (< 100)"
kill "$hpid" 2>/dev/null
wait "$hpid" 2>/dev/null
stop_daemon

# 2. accept() out of descriptors: 40 of them, 60 connections waiting to be
# accepted for 4 s.  Before: accept() in a loop at 100 % CPU, a log line
# per failure (2.1 GB in a minute).
: >"$TEST_TMP/daemon.log"
write_conf "$TEST_TMP/c2.conf" "max-viewer-connections = 16"
start_limited "$TEST_TMP/c2.conf" 40
$CLIENT hold "$ADMIN" 60 4 >"$TEST_TMP/held" &
hpid=$!
TEST_PIDS="$TEST_PIDS $hpid"
sleep 1
t0=$(cpu_ticks)
sleep 2
t1=$(cpu_ticks)
echo "# CPU ticks over 2 s: $((t1 - t0)) ($(getconf CLK_TCK) a second)"
[ $((t1 - t0)) -lt $(($(getconf CLK_TCK) / 5 * SLOW)) ]
ok $? "descriptors exhausted: the daemon does not spin (< 10 % CPU)"
wait "$hpid" 2>/dev/null
lines=$(grep -c 'accept' "$TEST_TMP/daemon.log")
[ "$lines" -le 3 ]; ok $? "the accept failure is logged $lines times (<= 3)"
grep -q 'admin listener: accept: .*descriptor' "$TEST_TMP/daemon.log"
ok $? "naming the listener and the cause"
set -- $(timed "http://$VIEWER/healthz")
is "$1" 200 "once the connections are gone, /healthz is answered"
stop_daemon

# 3. Unread node tables: 1,000 nodes (half a megabyte of JSON), 150
# connections each asking for it and never reading.  Before: each reply
# stayed in memory (200 of 3 MB took RSS to 949 MB).
{
	printf '[cimheadd]\nlisten = 127.0.0.1:0\nadmin-listen = 127.0.0.1:0\n'
	printf 'max-admin-output = 1048576\n'
	i=0
	while [ $i -lt 1000 ]; do
		printf '[node n%d]\nurl = http://127.0.0.1:9/cimom\n' $i
		printf 'stream-url = http://{host}/vod/{title}\nenabled = no\n'
		i=$((i + 1))
	done
} >"$TEST_TMP/c3.conf"
: >"$TEST_TMP/daemon.log"
start_daemon "$TEST_TMP/c3.conf"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status"; }
base=$(rss_kb)
$CLIENT unread "$ADMIN" 150 /api/v1/nodes 4 >"$TEST_TMP/held" &
hpid=$!
TEST_PIDS="$TEST_PIDS $hpid"
wait_for 10 test -s "$TEST_TMP/held"
sleep 1
peak=$(rss_kb)
echo "# $(cat "$TEST_TMP/held") connections; RSS $base kB, then $peak kB"
[ $((peak - base)) -lt $((40000 * SLOW)) ]
ok $? "150 unread node tables: RSS grows < 40 MB"
grep -q 'replies unread: refusing another (max-admin-output)' \
    "$TEST_TMP/daemon.log"
ok $? "past max-admin-output a node table is refused, not rendered"
set -- $(timed "http://$VIEWER/healthz")
is "$1" 200 "/healthz is answered meanwhile"
fast "$2" $((1 * SLOW)); ok $? "within 1 s ($2 s)"
wait "$hpid" 2>/dev/null

stop_daemon
done_testing
