# lib.sh: shared helpers for the shell tests; they speak TAP.
# Sourced by tests/e2e/*.sh.  Every process a test starts is killed on exit.
: "${top_srcdir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${top_builddir:=$top_srcdir}"
: "${SHARED_DIR:=$top_srcdir/../shared}"
TAP_N=0
TAP_FAILED=0
TEST_PIDS=""
TEST_TMP=$(mktemp -d "${TMPDIR:-/tmp}/cimhead-test.XXXXXX")
# How much slower than a plain build this one runs (scripts/sanitize sets
# CIMHEAD_TEST_SLOWDOWN=3 for ASan): waits and upper time bounds are
# multiplied by it; unset, every bound stays as written.
case ${CIMHEAD_TEST_SLOWDOWN:-1} in
[1-9]|1[0-9]|20) SLOW=${CIMHEAD_TEST_SLOWDOWN:-1} ;;
*) SLOW=1 ;;
esac

# Tests write passwords and tokens: like a user's, they are private, and
# cimhead and cimheadd refuse a secret file others can read.
umask 077

cleanup() {
	for p in $TEST_PIDS; do kill "$p" 2>/dev/null; done
	for p in $TEST_PIDS; do wait "$p" 2>/dev/null; done
	rm -rf "$TEST_TMP"
}
trap cleanup EXIT INT TERM

# No test's curl may wait forever (a stream endpoint never ends by itself):
# a default deadline; a test's own --max-time comes later and wins.  A
# backgrounded curl that a test kills by pid must be "command curl", or the
# kill reaches this function's subshell and not curl.
curl() {
	command curl --max-time "${CURL_MAX_TIME:-$((20 * SLOW))}" "$@"
}

ok() {	# ok CONDITION-EXIT-STATUS DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" -eq 0 ]; then
		echo "ok $TAP_N - $2"
	else
		echo "not ok $TAP_N - $2"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

is() {	# is GOT WANT DESCRIPTION
	TAP_N=$((TAP_N + 1))
	if [ "$1" = "$2" ]; then
		echo "ok $TAP_N - $3"
	else
		echo "not ok $TAP_N - $3"
		echo "#   got: '$1'"
		echo "#  want: '$2'"
		TAP_FAILED=$((TAP_FAILED + 1))
	fi
}

skip_all() {
	echo "1..0 # SKIP $1"
	exit 0
}

done_testing() {
	echo "1..$TAP_N"
	[ "$TAP_FAILED" -eq 0 ]
}

# wait_for SECONDS CMD [ARGS...]: runs CMD every 0.1 s until it succeeds
# (status 0), for at most SECONDS (whole seconds) x SLOW on the clock; if
# it never does, a TAP diagnostic naming CMD and status 1.  Tests wait for
# the event they need (a port file, a state, a log line) with it, never
# with a fixed sleep, and assert the condition afterwards, so a wait that
# gives up shows as that assertion failing.  A shell condition:
# wait_for 5 eval '[ "$(field n1 state)" = down ]'.
wait_for() {
	_wf_s=$(($1 * SLOW))
	_wf_end=$(($(date +%s) + _wf_s))
	shift
	until "$@"; do
		if [ "$(date +%s)" -gt "$_wf_end" ]; then
			echo "# wait_for: still false after ${_wf_s} s: $*"
			return 1
		fi
		sleep 0.1
	done
}

# wait_for_file FILE [SECONDS]: waits until FILE is non-empty.
wait_for_file() {
	wait_for "${2:-10}" test -s "$1"
}

# bounded SECONDS CMD...: runs CMD, killed after SECONDS (times SLOW); its
# status, or 124 when it had to be killed, so a hang fails a test instead
# of stalling the suite.
bounded() {
	_bs=$1
	shift
	"$@" &
	_bp=$!
	_n=0
	while kill -0 "$_bp" 2>/dev/null && [ $_n -lt $((_bs * 10 * SLOW)) ]; do
		sleep 0.1; _n=$((_n + 1))
	done
	if kill -0 "$_bp" 2>/dev/null; then
		kill "$_bp" 2>/dev/null
		wait "$_bp" 2>/dev/null
		return 124
	fi
	wait "$_bp"
}
