# conform-lib.sh: what the conform_*.sh wrappers share.  Sourced; defines
# conform_run, which hands the test over to tests/conform.py (it prints the
# TAP, starts tests/replay.py and cimhead itself and kills what it started).
: "${PYTHON3:=python3}"

# conform_run ARG...: runs conform.py ARG... in place of the caller.
conform_run() {
	if ! command -v "$PYTHON3" >/dev/null 2>&1; then
		echo "1..0 # SKIP python3 not found"
		exit 0
	fi
	exec "$PYTHON3" "$top_srcdir/tests/conform.py" "$@"
}
