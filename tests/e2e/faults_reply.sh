#!/bin/sh
# faults_reply.sh: the fault matrix's rows of a node whose replies are
# binary garbage, XML cut in half, or over the response cap
# (tests/FAULTS.md) -- on a CIM-XML and a WS-Management node at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

start_cluster '{ "nodes": [ { "name": "good1" }, { "name": "good2" },
  { "name": "bad" }, { "name": "wsbad" } ] }'
NODEWSMAN_wsbad=1
FAULTY="bad wsbad"
fault_conf "$TEST_TMP/c.conf"
start_daemon "$TEST_TMP/c.conf"
for n in $NODES; do wait_field "$n" state up 10 || echo "# $n not up"; done

# label | fault | error kind in the API and metrics | last_error says
while IFS='|' read -r label json kind re; do
	[ -n "$label" ] || continue
	matrix_row "$label" "$json" "$kind" "$re"
done <<'ROWS'
garbage|{"kind": "garbage"}|protocol|xml|parse|content-type
truncated XML|{"kind": "truncate"}|protocol|xml|parse|premature|end
oversize reply|{"kind": "oversize", "mbytes": 2}|toobig|larger than
ROWS

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
