#!/bin/sh
# mock_ops.sh: cimmockd's classes, associations, instance edits,
# properties, qualifiers and pull operations, as raw CIM-XML requests
# (tests/e2e/mock_ops.py).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

start_mock ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
timeout 120 "$PYTHON3" "$top_srcdir/tests/e2e/mock_ops.py" "$(mock_port NODE01)"
