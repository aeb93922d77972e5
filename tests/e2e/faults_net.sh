#!/bin/sh
# faults_net.sh: the fault matrix's rows of a node that refuses
# connections or resets them in the middle of a reply (tests/FAULTS.md) --
# on a CIM-XML and a WS-Management node at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

# label | fault | error kind in the API and metrics | last_error says
matrix_rows <<'ROWS'
refused|{"kind": "refuse"}|transport|connect|refused
reset mid-reply|{"kind": "reset"}|transport|reset|recv|closed
ROWS
