# replay-lib.sh: starts tests/replay.py for the cimhead CLI tests.  Sourced
# after tests/lib.sh.  Sets CIMHEAD and FIX; start_replay sets PORT and REQ.
CIMHEAD="$top_builddir/cimhead"
FIX="$top_srcdir/tests/fixtures/replay"
: "${PYTHON3:=python3}"
# a proxy from the environment must not see the tests' 127.0.0.1 traffic
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY all_proxy ALL_PROXY
unset CIMHEAD_PASSWORD
REPLAY_N=0

[ -x "$CIMHEAD" ] || skip_all "cimhead not built"
command -v "$PYTHON3" >/dev/null 2>&1 || skip_all "python3 not found"

# start_replay [--tls CERT KEY] SCRIPT...: one SCRIPT per TCP connection.
start_replay() {
	REPLAY_N=$((REPLAY_N + 1))
	REQ="$TEST_TMP/req$REPLAY_N"
	mkdir -p "$REQ"
	_pf="$TEST_TMP/port$REPLAY_N"
	if [ "$1" = --tls ]; then
		_cert=$2 _key=$3
		shift 3
		"$PYTHON3" "$top_srcdir/tests/replay.py" --base "$FIX" \
		    --tls "$_cert" "$_key" "$_pf" "$REQ" "$@" &
	else
		"$PYTHON3" "$top_srcdir/tests/replay.py" --base "$FIX" \
		    "$_pf" "$REQ" "$@" &
	fi
	TEST_PIDS="$TEST_PIDS $!"
	if ! wait_for_file "$_pf" 10; then
		echo "Bail out! replay.py did not start"
		exit 1
	fi
	PORT=$(cat "$_pf")
	URL="http://127.0.0.1:$PORT/root/cimv2"
}

now_ms() {
	echo $(($(date +%s%N) / 1000000))
}

# json_get FILE EXPR: evaluates a Python expression on the parsed JSON `j`.
json_get() {
	"$PYTHON3" -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else json.dumps(v, ensure_ascii=False))' "$1" "$2"
}
