#!/bin/sh
# faults_hang.sh: the fault matrix's rows of a node that accepts and never
# answers, or answers a few bytes at a time (tests/FAULTS.md) -- on a
# CIM-XML and a WS-Management node at once.
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
accept-then-hang|{"kind": "hang"}|timeout|timeout|timed out
slow drip|{"kind": "drip", "drip_bytes": 8, "drip_ms": 200}|timeout|timeout|timed out
ROWS

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
