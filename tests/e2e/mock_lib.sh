# mock_lib.sh: starts cimmockd for the mock_*.sh tests and reads its ports
# back from the ready file.  Sourced after tests/lib.sh.
CIMMOCKD="$top_builddir/cimmockd"
MOCK_SCHEMA="$top_srcdir/schemas/win32.mof"

# start_mock [ARGS...]: starts cimmockd; sets MOCK_READY, MOCK_PID.
start_mock() {
	MOCK_READY="$TEST_TMP/ready.$$.$TAP_N"
	"$CIMMOCKD" --schema "$MOCK_SCHEMA" --ready-file "$MOCK_READY" \
	    --log-level warn "$@" >"$TEST_TMP/mock.out" 2>"$TEST_TMP/mock.err" &
	MOCK_PID=$!
	TEST_PIDS="$TEST_PIDS $MOCK_PID"
	wait_for_file "$MOCK_READY" 10
}

# mock_port NODE / mock_control NODE: from the ready file
mock_port() {
	awk -v n="$1" '$2 == n { sub(/.*:/, "", $4); sub(/\/cimom/, "", $4); print $4 }' "$MOCK_READY"
}
mock_control() {
	awk -v n="$1" '$2 == n { print $6 }' "$MOCK_READY"
}
