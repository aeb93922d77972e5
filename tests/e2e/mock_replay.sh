#!/bin/sh
# mock_replay.sh: replays every OpenPegasus capture in
# tests/fixtures/openpegasus against cimmockd loaded with the captures' data
# set and compares the answers case by case (tests/e2e/mock_replay.py).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

# the create-* captures loaded OpenPegasus's empty repository and the
# im-create-static*/on-instance ones met no method provider: a bare node
# (no modelled instances, no method provider) takes them
printf '{"nodes": [{"name": "BARE", "host": "vm", "model": false}]}\n' \
    >"$TEST_TMP/bare.json"
start_mock --scenario "$TEST_TMP/bare.json" ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
BARE=$(mock_port BARE)
mv "$MOCK_READY" "$TEST_TMP/bare.ready"
start_mock --scenario "$top_srcdir/tests/fixtures/openpegasus-dataset.json" ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
timeout 60 "$PYTHON3" "$top_srcdir/tests/e2e/mock_replay.py" \
    "$top_srcdir/tests/fixtures/openpegasus" "$(mock_port NODE01)" \
    "$(mock_port NODE01AUTH)" "$(mock_control NODE01)" "$BARE"
