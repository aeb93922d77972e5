#!/bin/sh
# daemon_recovery.sh: a killed streaming server is seen by the next viewer's
# probe, the node leaves service, cimheadd restarts it with
# Win32_Process.Create and the node serves again; a restart that keeps
# failing stops at the limit and the node stays down, reported.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

start_cluster '{ "nodes": [
  { "name": "n1", "start_delay_ms": 200 },
  { "name": "n2", "start_delay_ms": 200 } ] }'
# The strict model (freshness = 0): the viewer right after a kill finds
# it, where the probe pool would notice at the node's next refresh.
write_conf "$TEST_TMP/c.conf" "restart-limit = 3
restart-window = 1m
freshness = 0"
start_daemon "$TEST_TMP/c.conf"
wait_field n1 state up 5; ok $? "n1 up"
pid0=$(node_get n1 pid)

node_ctl n1 kill >/dev/null
is "$(node_get n1 process)" stopped "n1's vodstream.exe killed"
# The next viewer's probe sees it missing: that viewer goes to n2.
r=$(watch after-kill.mp4)
is "$(node_of "${r#* }")" n2 "the viewer after the kill is sent to n2"
wait_field n1 process running 5; ok $? "cimheadd restarted it (process running)"
wait_field n1 state up 5; ok $? "n1 back up"
is "$(field n1 restarts)" 1 "one restart counted"
pid1=$(node_get n1 pid)
[ "$pid1" != "$pid0" ]; ok $? "a new process ($pid0 -> $pid1)"
grep -q "node n1: restarting vodstream.exe" "$TEST_TMP/daemon.log"
ok $? "the restart is logged at info"
grep -q "restart verified" "$TEST_TMP/daemon.log"; ok $? "and verified"
# n1 serves again: with n2 loaded it gets the next viewer.
node_ctl n2 load '{"base_cpu": 60}' >/dev/null
# Time at the new load, not a wait for an event: a load is a rate over
# a second of the node's counters.
sleep 1.2
r=$(watch back.mp4)
is "$(node_of "${r#* }")" n1 "n1 takes viewers again"
node_ctl n2 load '{"base_cpu": 5}' >/dev/null

# A restart that keeps failing: Create answers 9 (path not found) because
# the node's command is wrong; after restart-limit attempts it stops.
stop_daemon
NODECONF_n2='command = C:\nowhere\vodstream.exe'
write_conf "$TEST_TMP/bad.conf" "restart-limit = 3
restart-window = 1m
restart-backoff = 50ms
freshness = 0"
start_daemon "$TEST_TMP/bad.conf"
wait_field n2 state up 5; ok $? "n2 up"
node_ctl n2 kill >/dev/null
watch trigger.mp4 >/dev/null
wait_field n2 state down 10; ok $? "n2 ends down"
is "$(field n2 restarts)" 3 "exactly restart-limit (3) attempts"
field n2 last_error | grep -q "restart limit"; ok $? "last_error reports the limit"
sleep 1	# the test: a second in which nothing may happen
is "$(field n2 restarts)" 3 "no further attempts after the limit"
r=$(watch while-down.mp4)
is "$(node_of "${r#* }")" n1 "viewers go to n1 only"
grep -q "Create returned 9" "$TEST_TMP/daemon.log"; ok $? "Create's return code 9 logged"
# The operator fixes it by hand; the re-check brings the node back.
node_ctl n2 start >/dev/null
wait_field n2 state up 10; ok $? "a process started by hand: n2 returns"

done_testing
