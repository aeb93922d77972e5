#!/bin/sh
# faults_http.sh: the fault matrix's rows of a node that serves a good
# reply as text/html without CIMOperation, answers 401 or 500
# (tests/FAULTS.md) -- on a CIM-XML and a WS-Management node at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

# label | fault | error kind in the API and metrics | last_error says
matrix_rows <<'ROWS'
wrong content-type|{"kind": "ctype"}|protocol|content-type
HTTP 401|{"kind": "http401"}|auth|401|auth
HTTP 500|{"kind": "http500"}|http|500
ROWS
