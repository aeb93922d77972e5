#!/bin/sh
# pegasus_replay.sh: the raw half of the differential test of the "pegasus"
# suite (tests/PEGASUS.md): every OpenPegasus capture request of
# tests/fixtures/openpegasus, and the requests of tests/pegasus/mkrequests.py
# for operations the captures lack, byte for byte, to a live OpenPegasus and to
# cimmockd holding the same data (with and without Basic authentication),
# the two answers compared by tests/pegasus/livereplay.py.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/pegasus-lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -x "$CIMMOCKD" ] || skip_all "cimmockd not built"

pg_start open --data "$PG_DATASET" NODE01; r=$?
[ $r -eq 0 ] || { ok $r "OpenPegasus with the data set starts"; bail; }
pg_start auth --data "$PG_DATASET" NODE01 --auth; r=$?
[ $r -eq 0 ] || { ok $r "OpenPegasus with authentication starts"; bail; }
start_mock --scenario "$PG_DATASET" || { ok 1 "cimmockd starts"; bail; }
"$PYTHON3" "$PG_DIR/mkrequests.py" "$TEST_TMP/requests" || { ok 1 "mkrequests.py"; bail; }
timeout $((120 * SLOW)) "$PYTHON3" "$PG_DIR/livereplay.py" \
    "$top_srcdir/tests/fixtures/openpegasus:$TEST_TMP/requests" "$(mock_port NODE01)" \
    "$(mock_port NODE01AUTH)" "$PGHTTP_open" "$PGHTTP_auth" "$top_srcdir/tests/PEGASUS.md"
