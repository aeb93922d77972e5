#!/bin/sh
# faults_hang.sh: the fault matrix's rows of a node that accepts and never
# answers, or answers a few bytes at a time (tests/FAULTS.md) -- on a
# CIM-XML and a WS-Management node at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

# label | fault | error kind in the API and metrics | last_error says
matrix_rows <<'ROWS'
accept-then-hang|{"kind": "hang"}|timeout|timeout|timed out
slow drip|{"kind": "drip", "drip_bytes": 8, "drip_ms": 200}|timeout|timeout|timed out
ROWS
