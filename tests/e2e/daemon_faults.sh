#!/bin/sh
# daemon_faults.sh: a hung, refusing or garbage-speaking node
# changes only its own state, never delays a viewer past the decision
# deadline, and gets no viewers; all nodes saturated gives 503 with
# Retry-After, never a saturated node.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

start_cluster '{ "nodes": [ { "name": "good" }, { "name": "hung" },
  { "name": "refusing" }, { "name": "garbage" } ] }'
# The faults are set before cimheadd starts: its first probes meet them.
node_ctl hung fault '{"kind": "hang"}' >/dev/null
node_ctl refusing fault '{"kind": "refuse"}' >/dev/null
node_ctl garbage fault '{"kind": "garbage"}' >/dev/null
# The decision deadline leaves room for a loaded test machine yet stays far
# under the query deadline: a viewer held by the hung node would wait 3 s.
# The strict model (freshness = 0): every viewer probes the faulty nodes,
# which is what takes them down here (re-checks are 5 s apart).
write_conf "$TEST_TMP/c.conf" "freshness = 0
decision-timeout = 800ms
query-timeout = 3s
suspect-after = 3
recheck = 5s"
start_daemon "$TEST_TMP/c.conf"

slow=0; wrong=0
i=0
while [ $i -lt 8 ]; do
	r=$(curl -s -o /dev/null --max-time 10 \
	    -w '%{http_code} %{redirect_url} %{time_total}\n' \
	    "http://$VIEWER/watch/f$i.mp4")
	echo "# viewer $i: $r s"
	dt=$(echo "$r" | awk '{printf "%d", $3 * 1000}')
	[ "$dt" -gt 1500 ] && slow=$((slow + 1))
	loc=$(echo "$r" | cut -d' ' -f2)
	[ "$(node_of "$loc")" = good ] || wrong=$((wrong + 1))
	i=$((i + 1))
done
is "$slow" 0 "no viewer waited past the 800 ms decision deadline (+700 ms slack)"
is "$wrong" 0 "every viewer went to the good node"
is "$(field good state)" up "the good node stays up"
is "$(field garbage state)" down "garbage replies: that node is down"
field garbage last_error | grep -q protocol; ok $? "its last error says protocol"
# Its first query times out after query-timeout (3 s), off every viewer's path.
wait_for 10 eval '[ "$(field hung state)" != up ]'
st=$(field hung state)
[ "$st" = suspect ] || [ "$st" = down ]; ok $? "the hung node is suspect or down after its query deadline ($st)"
is "$(field refusing state)" down "the refusing node is down"
kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"

node_ctl garbage clear >/dev/null
node_ctl refusing clear >/dev/null
node_ctl hung clear >/dev/null

# Everybody saturated (100 % busy: the default thresholds fill a node to
# its capacity): 503 with Retry-After, never a saturated node.
stop_daemon
# The strict model, and a probe of each node a second before the viewer:
# its round then reads rates over a second (the mock cooks its formatted
# counters from its first query on, so a first contact reads them idle).
write_conf "$TEST_TMP/c2.conf" "retry-after = 7
freshness = 0"
for n in good hung refusing garbage; do
	node_ctl $n load '{"base_cpu": 100}' >/dev/null
done
start_daemon "$TEST_TMP/c2.conf"
wait_for 5 all_sampled
# Time at the new load: a load is a rate over a second of the node's
# counters.
for n in good hung refusing garbage; do admin_post $n probe >/dev/null; done
sleep 1.2
hdr=$(curl -s -D - -o /dev/null --max-time 5 "http://$VIEWER/watch/busy.mp4")
echo "$hdr" | head -1 | grep -q " 503 "; ok $? "all saturated: 503"
echo "$hdr" | grep -qi "^Retry-After: 7"; ok $? "with Retry-After: 7"
echo "$hdr" | grep -qi "^Location:"; ok $((!$?)) "and no Location"
node_ctl good load '{"base_cpu": 5}' >/dev/null
# Not a wait for an event: CPU is a rate between two reads of the node's
# counters (or its ~1 s formatted average), so the next round must cover
# about a second at the new 5 %.
sleep 1.2
r=$(watch ok-again.mp4)
is "$(node_of "${r#* }")" good "the one node under its thresholds gets the viewer"
curl -s "http://$ADMIN/metrics" | grep -q '^cimheadd_unavailable_total 1$'
ok $? "the 503 is counted in /metrics"

done_testing
