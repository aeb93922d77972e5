#!/bin/sh
# mock_ops.sh: cimmockd's classes, associations, instance edits,
# properties, qualifiers and pull operations, as raw CIM-XML requests
# (tests/e2e/mock_ops.py).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

printf '{"nodes": [{"name": "BARE", "model": false}]}\n' >"$TEST_TMP/bare.json"
start_mock --scenario "$TEST_TMP/bare.json" ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
BARE=$(mock_port BARE)
mv "$MOCK_READY" "$TEST_TMP/bare.ready"
start_mock ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
timeout 120 "$PYTHON3" "$top_srcdir/tests/e2e/mock_ops.py" "$(mock_port NODE01)" \
    "$(mock_control NODE01)" "$BARE"
