#!/bin/sh
# harden_viewer.sh: hostile viewers of issue 17 against a running cimheadd.
# Two connections that pipeline requests for 5 s and never read a reply
# leave the daemon's memory bounded (17.3).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
[ -r /proc/self/status ] || skip_all "needs /proc"
CLIENT="$PYTHON3 $top_srcdir/tests/e2e/harden_client.py"

start_cluster '{ "nodes": [ { "name": "a" } ] }'
write_conf "$TEST_TMP/c.conf"
start_daemon "$TEST_TMP/c.conf"
rss_kb() { awk '/^VmRSS:/ {print $2}' "/proc/$DAEMON_PID/status"; }
r=$(watch warm.mp4)
is "${r%% *}" 302 "a normal viewer is sent to the node"
base=$(rss_kb)

# 17.3: before, RSS grew by about 300 MB a second (4.4 GB in 6 s).
$CLIENT flood "$VIEWER" 5 2 >"$TEST_TMP/flood.out" &
fpid=$!
TEST_PIDS="$TEST_PIDS $fpid"
peak=$base
i=0
while [ $i -lt 10 ]; do
	sleep 0.5
	r=$(rss_kb)
	[ "$r" -gt "$peak" ] && peak=$r
	i=$((i + 1))
done
wait $fpid
echo "# flood: $(cat "$TEST_TMP/flood.out") (bytes sent, connections" \
    "closed); RSS ${base} kB at the start, peak ${peak} kB"
# Sanitizer builds carry shadow memory: the bound scales with SLOW.
[ $((peak - base)) -lt $((50000 * SLOW)) ]
ok $? "two connections pipelining for 5 s, never reading: RSS grows < 50 MB"
r=$(curl -s --max-time 5 "http://$VIEWER/healthz")
is "$r" ok "/healthz is answered after the flood"
r=$(watch after.mp4)
is "${r%% *}" 302 "and viewers are still sent to the node"

stop_daemon
done_testing
