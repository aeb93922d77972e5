#!/bin/sh
# daemon_mixed.sh: one cluster of two CIM-XML and two WS-Management nodes.
# Every node is probed to up with its figures, viewers go to both kinds,
# and a killed streaming server is restarted with Win32_Process.Create over
# WS-Man as over CIM-XML; a plain-http WS-Man node without
# allow-unencrypted is refused at config-check time.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

start_cluster '{ "nodes": [
  { "name": "cx1", "start_delay_ms": 200 },
  { "name": "cx2", "start_delay_ms": 200 },
  { "name": "ws1", "start_delay_ms": 200 },
  { "name": "ws2", "start_delay_ms": 200 } ] }'

# Refused: WS-Man over plain http without allow-unencrypted.
NODEWSMAN_ws1=1
write_conf "$TEST_TMP/refused.conf"
sed '/^allow-unencrypted/d' "$TEST_TMP/refused.conf" >"$TEST_TMP/r.conf"
line=$(grep -n '^\[node ws1\]' "$TEST_TMP/r.conf" | cut -d: -f1)
"$CIMHEADD" -n -f "$TEST_TMP/r.conf" >"$TEST_TMP/n.out" 2>&1
ok $((! $?)) "cimheadd -n refuses plain-http wsman without allow-unencrypted"
grep -q "r.conf:$line: node ws1: WS-Management over plain http is refused" \
    "$TEST_TMP/n.out"
ok $? "with a file:line message"
"$CIMHEADD" -n -f "$TEST_TMP/refused.conf" >"$TEST_TMP/n2.out" 2>&1
ok $? "cimheadd -n accepts it with allow-unencrypted = yes"
grep -q "refused.conf:$line: .*plain http (allow-unencrypted)" \
    "$TEST_TMP/n2.out"
ok $? "and warns about it"

NODEWSMAN_ws2=1
# The strict model (freshness = 0): each viewer's round sees a kill or a
# load change at once, where the probe pool sees it at the next refresh.
write_conf "$TEST_TMP/c.conf" "restart-limit = 3
restart-window = 1m
freshness = 0"
start_daemon "$TEST_TMP/c.conf"
# The first viewer's round probes every node.
watch first.mp4 >/dev/null
for n in cx1 cx2 ws1 ws2; do
	wait_field "$n" state up 5; ok $? "$n up"
done
api >"$TEST_TMP/nodes.json"
"$PYTHON3" - "$TEST_TMP/nodes.json" >"$TEST_TMP/figs" <<'PY'
import json, sys
for n in json.load(open(sys.argv[1]))["nodes"]:
    print(n["name"], n["protocol"], *(
        "ok" if isinstance(n.get(k), (int, float)) and
        not isinstance(n.get(k), bool) else "missing:%r" % n.get(k)
        for k in ("cpu", "mem", "net")))
PY
for n in cx1 cx2; do
	is "$(grep "^$n " "$TEST_TMP/figs")" "$n cimxml ok ok ok" \
	    "$n: cimxml, cpu/mem/net values"
done
for n in ws1 ws2; do
	is "$(grep "^$n " "$TEST_TMP/figs")" "$n wsman ok ok ok" \
	    "$n: wsman, cpu/mem/net values"
done

# Viewers are dispatched to both kinds of node.
i=0; : >"$TEST_TMP/to"
while [ $i -lt 16 ]; do
	r=$(watch "spread$i.mp4")
	node_of "${r#* }" >>"$TEST_TMP/to"
	i=$((i + 1))
done
grep -q '^cx' "$TEST_TMP/to"; ok $? "viewers go to CIM-XML nodes"
grep -q '^ws' "$TEST_TMP/to"; ok $? "viewers go to WS-Man nodes"
grep -q none "$TEST_TMP/to"; ok $((! $?)) "every viewer is redirected"

# cycle NODE: kill its process; the next viewer's probe sees it missing,
# the daemon restarts it and the node serves again.
cycle() {
	pid0=$(node_get "$1" pid)
	node_ctl "$1" kill >/dev/null
	is "$(node_get "$1" process)" stopped "$1's vodstream.exe killed"
	r=$(watch "after-kill-$1.mp4")
	n=$(node_of "${r#* }")
	[ "$n" != "$1" ] && [ "$n" != none ]
	ok $? "the viewer after the kill goes elsewhere ($n)"
	wait_field "$1" process running 5
	ok $? "$1: cimheadd restarted it (process running)"
	wait_field "$1" state up 5; ok $? "$1 back up"
	is "$(field "$1" restarts)" 1 "$1: one restart counted"
	is "$(node_get "$1" process)" running "$1: the mock runs it again"
	pid1=$(node_get "$1" pid)
	[ "$pid1" != "$pid0" ] && [ "${pid1:-0}" != 0 ]
	ok $? "$1: a new process ($pid0 -> $pid1)"
	grep -q "node $1: restarting vodstream.exe" "$TEST_TMP/daemon.log"
	ok $? "$1: the restart is logged"
	# It serves again: with the others loaded it gets the next viewer.
	for o in cx1 cx2 ws1 ws2; do
		[ "$o" = "$1" ] || node_ctl "$o" load '{"base_cpu": 70}' >/dev/null
	done
	# Time at the new load, not a wait for an event: a load is a rate
	# over a second of the node's counters.
	sleep 1.3
	r=$(watch "back-$1.mp4")
	is "$(node_of "${r#* }")" "$1" "$1 takes viewers again"
	for o in cx1 cx2 ws1 ws2; do
		[ "$o" = "$1" ] || node_ctl "$o" load '{"base_cpu": 5}' >/dev/null
	done
	sleep 0.3	# time at the restored load (as above)
}
cycle ws1
cycle cx2
grep -q "node ws1: restart verified" "$TEST_TMP/daemon.log"
ok $? "ws1's restart verified"
grep -q "node cx2: restart verified" "$TEST_TMP/daemon.log"
ok $? "cx2's restart verified"

done_testing
