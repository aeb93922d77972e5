#!/bin/sh
# mock_wsman_epr.sh: WS-Man EnumerationMode EnumerateObjectAndEPR against
# cimmockd: w:Item with the object and its EndpointReference, as WinRM
# answers wsmancli's "enumerate -M objepr" (tests/e2e/mock_wsman_epr.py).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

start_mock ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
timeout 60 "$PYTHON3" "$top_srcdir/tests/e2e/mock_wsman_epr.py" "$(mock_port NODE01)"
