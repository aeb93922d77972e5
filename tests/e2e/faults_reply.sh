#!/bin/sh
# faults_reply.sh: the fault matrix's rows of a node whose replies are
# binary garbage, XML cut in half, or over the response cap
# (tests/FAULTS.md) -- on a CIM-XML and a WS-Management node at once.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

# label | fault | error kind in the API and metrics | last_error says
matrix_rows <<'ROWS'
garbage|{"kind": "garbage"}|protocol|xml|parse|content-type
truncated XML|{"kind": "truncate"}|protocol|xml|parse|premature|end
oversize reply|{"kind": "oversize", "mbytes": 2}|toobig|larger than
ROWS
