#!/bin/sh
# cli_ctl.sh: cimhead's control commands against a real cimheadd (issue 15):
# they return as soon as the reply is read (not when the kept-alive
# connection times out, 10 s), and take the global options and --format
# values of the WBEM operations, before or after the command.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
CIMHEAD=$top_builddir/cimhead
[ -x "$CIMHEAD" ] || skip_all "cimhead not built"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

start_cluster '{ "nodes": [ { "name": "n1" }, { "name": "n2" } ] }'
write_conf "$TEST_TMP/c.conf"
start_daemon "$TEST_TMP/c.conf"
for n in n1 n2; do wait_field $n state up 5; done

# timed ARGS...: runs cimhead, sets RC and MS (wall time, process start
# included; the old wait ended at the 10 s connection timeout, so no hang)
timed() {
	_t0=$(now_ms)
	"$CIMHEAD" "$@" >"$OUT" 2>"$ERR"
	RC=$?
	MS=$(($(now_ms) - _t0))
}

timed status -a "$ADMIN"
is "$RC" 0 "status: exit 0"
ok $([ "$MS" -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
    "status returned in $MS ms, not at the kept-alive connection's 10 s"
echo "# cimhead status: $MS ms (process start included)"
grep -q '^n1 *up' "$OUT"
ok $? "status: the table"
for c in drain enable probe; do
	timed "$c" -a "$ADMIN" n2
	is "$RC" 0 "$c n2: exit 0"
	ok $([ "$MS" -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
	    "$c returned in $MS ms"
done
timed drain -a "$ADMIN" nosuch
is "$RC" 1 "drain of an unknown node: exit 1"
ok $([ "$MS" -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
    "a refusal returned in $MS ms"
timed status -a 127.0.0.1:9
is "$RC" 3 "status of nothing: exit 3"
grep -q -- '-a HOST:PORT' "$ERR"
ok $? "cannot reach: the message names -a"


# one grammar: global options before or after the command, --format for all
timed --format json status -a "$ADMIN"
is "$RC" 0 "--format json before status: exit 0"
is "$(json_get "$OUT" '[n["name"] for n in j["nodes"]]')" '["n1", "n2"]' \
    "--format json: the daemon's JSON"
timed status -j -a "$ADMIN"
is "$(json_get "$OUT" 'len(j["nodes"])')" 2 "-j after status: JSON"
timed -v status -a "$ADMIN"
is "$RC" 0 "-v before status: exit 0"
grep -q "> GET http://$ADMIN/api/v1/nodes" "$ERR"
ok $? "-v: the request on stderr"
grep -q '^n2 ' "$OUT"
ok $? "-v: the table still on stdout"
timed status -a "$ADMIN" --format text
is "$RC" 0 "--format text after status: exit 0"
grep -q '^  state = "up"$' "$OUT"
ok $? "--format text: name = value lines"
grep -q '^  probe_errors.timeout = [0-9]' "$OUT"
ok $? "--format text: an object's members by name"
timed --format table status -a "$ADMIN"
grep -q '^NODE  *STATE  *CPU' "$OUT"
ok $? "--format table: the table"
timed --format table drain n2 -a "$ADMIN"
is "$RC" 0 "--format table drain: exit 0"
is "$(sed -n 2p "$OUT" | tr -s ' ')" "n2 draining draining" "... a table row"
timed enable -a "$ADMIN" --format text n2
is "$(cat "$OUT")" "n2: enabled (state suspect)" "--format text enable"
timed drain --format json -a "$ADMIN" nosuch
is "$RC" 1 "refusal in JSON: exit 1"
is "$(json_get "$OUT" 'j["error"]')" "no such node" "... the daemon's error on stdout"
grep -q 'cimheadd says 404: no such node' "$ERR"
ok $? "... and on stderr"
timed -u root status -a "$ADMIN"
is "$RC" 2 "a WBEM option on status: usage error"
grep -q -- '-u is for the WBEM operations' "$ERR"
ok $? "... naming the option"
timed --format xml status -a "$ADMIN"
is "$RC" 2 "bad --format on status: usage error"
timed status -a "$ADMIN" extra
is "$RC" 2 "status with an argument: usage error"

# --timeout: a listener that never answers
"$PYTHON3" -c 'import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
held = []
while True:
    held.append(s.accept())' "$TEST_TMP/hang.port" &
TEST_PIDS="$TEST_PIDS $!"
wait_for_file "$TEST_TMP/hang.port" 10
timed --timeout 500 status -a "127.0.0.1:$(cat "$TEST_TMP/hang.port")"
is "$RC" 3 "--timeout on status: exit 3"
ok $([ "$MS" -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
    "--timeout 500: gave up after $MS ms"
grep -q 'within 500 ms' "$ERR"
ok $? "... saying so"

# memcheck over the control paths (skipped without valgrind): every
# format, an action, a refusal, the timeout; any error or definite leak
# is exit 99
VALGRIND=${VALGRIND:-$(command -v valgrind)}
if [ -n "$VALGRIND" ]; then
	HANG="127.0.0.1:$(cat "$TEST_TMP/hang.port")"
	for args in "status -a $ADMIN" "--format text status -a $ADMIN" \
	    "-j status -a $ADMIN" "--format table probe n1 -a $ADMIN" \
	    "--format text drain nosuch -a $ADMIN" \
	    "--timeout 300 status -a $HANG"; do
		# shellcheck disable=SC2086
		"$VALGRIND" --tool=memcheck --leak-check=full \
		    --errors-for-leak-kinds=definite --error-exitcode=99 -q \
		    "$CIMHEAD" $args >"$OUT" 2>"$ERR"
		rc=$?
		ok $([ "$rc" -ne 99 ] && echo 0 || echo 1) \
		    "memcheck: cimhead $args: clean (exit $rc)"
	done
else
	echo "# valgrind not installed: memcheck of the control paths skipped"
fi

# a token the daemon wants: the refusal names -t
printf 'admin-token-0123456789abcdef\n' >"$TEST_TMP/admin.tok"
stop_daemon
write_conf "$TEST_TMP/c.conf" "admin-token-file = $TEST_TMP/admin.tok"
start_daemon "$TEST_TMP/c.conf"
timed status -a "$ADMIN"
is "$RC" 1 "status without the token: exit 1"
grep -q -- '-t TOKENFILE' "$ERR"
ok $? "... the message names -t TOKENFILE"
timed -t "$TEST_TMP/admin.tok" status -a "$ADMIN"
is "$RC" 0 "-t before status: exit 0"

done_testing
