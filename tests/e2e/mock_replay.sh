#!/bin/sh
# mock_replay.sh: replays every OpenPegasus capture in
# tests/fixtures/openpegasus against cimmockd loaded with the captures' data
# set and compares the answers case by case (tests/e2e/mock_replay.py).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

start_mock --scenario "$top_srcdir/tests/fixtures/openpegasus-dataset.json" ||
    { echo "not ok 1 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..1; exit 1; }
timeout 60 "$PYTHON3" "$top_srcdir/tests/e2e/mock_replay.py" \
    "$top_srcdir/tests/fixtures/openpegasus" "$(mock_port NODE01)" \
    "$(mock_port NODE01AUTH)" "$(mock_control NODE01)"
