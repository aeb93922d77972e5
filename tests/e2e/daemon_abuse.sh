#!/bin/sh
# daemon_abuse.sh: hostile viewers against a running cimheadd (issue #7,
# part 5).  Oversized heads, bad methods, path traversal in every spelling,
# invalid or overlong titles and request bodies each get exactly one reply
# and never a redirect; a slowloris client is cut off at
# viewer-header-timeout while other viewers are answered; idle connections
# beyond max-viewer-connections are closed, the rest at the head timeout,
# and the daemon's descriptors come back to where they were.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
[ -d /proc/self/fd ] || skip_all "needs /proc"
CLIENT="$PYTHON3 $top_srcdir/tests/e2e/abuse_client.py"

start_cluster '{ "nodes": [ { "name": "a" } ] }'
# The head timeout stays above the decision-timeout, which daemon-lib.sh
# scales by SLOW (sanitizer builds): so do the timings that follow it.
HT=$((3 * SLOW))
write_conf "$TEST_TMP/c.conf" "viewer-header-timeout = ${HT}s
max-viewer-connections = 40"
start_daemon "$TEST_TMP/c.conf"
nfds() { ls "/proc/$DAEMON_PID/fd" | wc -l; }
metric() {
	curl -s "http://$ADMIN/metrics" | awk -v k="$1" '$1 == k {print $2}'
}
r=$(watch warm.mp4)
is "${r%% *}" 302 "a normal viewer is sent to the node"
base=$(nfds)

# raw CASE CODE [closed]: exactly one reply with that code, no Location
raw() {
	set -- "$1" "$2" "$($CLIENT raw "$VIEWER" "$1")" "${3:-}"
	set -- "$1" "$2" "$3" "$4" $3
	is "$5 $6 $9" "$2 1 -" "$1: one $2 reply, no redirect"
	[ -z "$4" ] || is "$7" closed "$1: the connection is closed at once"
}
raw bighdr 400 closed
raw manyhdr 400 closed
raw nonhttp 400 closed
raw bigbody 413 closed
for m in post put delete options trace connect; do
	r=$($CLIENT raw "$VIEWER" "$m")
	is "$(echo "$r" | awk '{print $1, $2, $4, $5}')" "405 1 GET,HEAD -" \
	    "$m: one 405 naming GET, HEAD in Allow"
done
# libevent answers a method it does not know itself: 501 (RFC 9110 15.6.2)
raw garbage 501
for c in trav travenc travmid backslash backslashenc nul badutf8 rawutf8 \
    overlong longtitle crlf; do
	raw "$c" 400
done
raw travup 404
raw longuri 414
r=$($CLIENT raw "$VIEWER" body)
is "$(echo "$r" | awk '{print $1, $2}')" "302 1" \
    "a GET with a small body still gets one redirect"
r=$($CLIENT raw "$VIEWER" pipeline)
is "$(echo "$r" | awk '{print $1, $2}')" "302 2" \
    "two pipelined requests: two replies"

# Slowloris: a head dribbled a byte every 250 ms never completes.
c0=$(metric cimheadd_viewer_connections)
$CLIENT slowloris "$VIEWER" $((15 * SLOW)) >"$TEST_TMP/slow" &
slow=$!
# once the daemon holds the slowloris connection open
wait_for 5 eval '[ "$(metric cimheadd_viewer_connections)" -gt "$c0" ]'
t0=$(ms)
r=$(watch during-slow.mp4)
t1=$(ms)
is "${r%% *}" 302 "a viewer is answered while the slowloris client dribbles"
ok $([ $((t1 - t0)) -lt $((3000 * SLOW)) ] && echo 0 || echo 1) \
    "... without waiting for it ($((t1 - t0)) ms)"
wait "$slow"
read secs got <"$TEST_TMP/slow"
ok $(awk -v s="$secs" -v k="$SLOW" 'BEGIN {exit !(s >= 2.5 * k && s < 7 * k)}' &&
    echo 0 || echo 1) "slowloris: cut off at the $HT s head timeout (after $secs s)"
is "$got" 0 "slowloris: no reply sent to the unfinished request"

# Idle connections: 150 against a cap of 40.
$CLIENT idle "$VIEWER" 150 $((HT + 2)) >"$TEST_TMP/idle" &
idle=$!
# Viewers come once the idle ones are in: the cap closes the oldest first.
wait_for_file "$TEST_TMP/idle" 5
n=0
for i in 1 2 3; do
	r=$(watch "idle$i.mp4")
	[ "${r%% *}" = 302 ] && n=$((n + 1))
done
is "$n" 3 "150 idle connections: other viewers are still answered"
c=$(metric cimheadd_viewer_connections)
ok $([ "$c" -le 41 ] && echo 0 || echo 1) \
    "at most max-viewer-connections are open ($c)"
wait "$idle"
is "$(sed -n 2p "$TEST_TMP/idle")" "closed 150 of 150" \
    "every idle connection was closed by the daemon (limit, then timeout)"
ok $([ "$(metric 'cimheadd_viewer_closed_total{reason="limit"}')" -gt 0 ] &&
    echo 0 || echo 1) "metrics count the connections closed at the limit"
ok $([ "$(metric 'cimheadd_viewer_closed_total{reason="header-timeout"}')" \
    -gt 0 ] && echo 0 || echo 1) "... and at the head timeout"
wait_for 5 eval '[ "$(nfds)" -le "$base" ]'
ok $([ "$(nfds)" -le "$base" ] && echo 0 || echo 1) \
    "the daemon's descriptors are back to the baseline ($(nfds), was $base)"
is "$(metric cimheadd_viewer_connections)" 0 "no viewer connection is open"

r=$(watch after.mp4)
is "${r%% *}" 302 "after all that, a viewer is still sent to the node"
kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"

# A descriptor limit below the cap: the soft limit cannot be raised past
# the hard one, so the cap is lowered (a warning) and accept() never runs
# out of descriptors, which would make libevent retry it in a loop.
stop_daemon
write_conf "$TEST_TMP/fd.conf" "viewer-header-timeout = ${HT}s"
rm -f "$TEST_TMP/ports"
(ulimit -n 300 && exec "$CIMHEADD" -f "$TEST_TMP/fd.conf" \
    -P "$TEST_TMP/ports") 2>"$TEST_TMP/fd.log" &
DAEMON_PID=$!
TEST_PIDS="$TEST_PIDS $DAEMON_PID"
wait_for_file "$TEST_TMP/ports" 10
VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
grep -q "at most [0-9]* viewer connections" "$TEST_TMP/fd.log"
ok $? "ulimit -n 300: the connection cap is lowered, with a warning"
rm -f "$TEST_TMP/idle"
$CLIENT idle "$VIEWER" 400 2 >"$TEST_TMP/idle" &
idle=$!
wait_for_file "$TEST_TMP/idle" 5
r=$(watch fdcap.mp4)
is "${r%% *}" 302 "400 idle connections under ulimit -n 300: a viewer is answered"
cpu0=$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")
sleep 0.5	# the test: CPU ticks over half a second while the 400 wait
cpu1=$(awk '{print $14 + $15}' "/proc/$DAEMON_PID/stat")
ok $([ $((cpu1 - cpu0)) -lt 25 ] && echo 0 || echo 1) \
    "... and the daemon is not spinning ($((cpu1 - cpu0)) ticks in 0.5 s)"
wait "$idle"
kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"

# The limits are checked.
badconf() {	# badconf KEY-LINES WORD...: cimheadd -n refuses, naming them
	write_conf "$TEST_TMP/bad.conf" "$1"
	_what=$(echo "$1" | tr '\n' ' ')
	"$CIMHEADD" -n -f "$TEST_TMP/bad.conf" 2>"$TEST_TMP/bad.err"
	is $? 1 "cimheadd -n refuses a bad $_what"
	shift
	for k; do
		grep -q "$k" "$TEST_TMP/bad.err"; ok $? "... naming $k"
	done
}
badconf "max-viewer-connections = 0" max-viewer-connections
badconf "viewer-header-timeout = 1s
viewer-idle-timeout = 10ms" viewer-header-timeout viewer-idle-timeout

done_testing
