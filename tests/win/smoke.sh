#!/bin/sh
# smoke.sh: the Windows build end to end under wine (make check of the
# cross build only).  cimmockd.exe serves a node, cimhead.exe queries it,
# cimheadd.exe redirects a viewer (Linux curl on loopback) to it, and
# Ctrl-C (SIGINT, which wine turns into CTRL_C_EVENT for the console
# control handler) drains and stops each server with status 0.  Also the
# argument errors of --service, --service install and remove through the
# SCM, and a credential file open to Everyone refused from its DACL.
. "$top_srcdir/tests/lib.sh"
: "${WINE:=wine}"
: "${WINEPREFIX:=$top_builddir/wineprefix}"
WINEDEBUG=-all
export WINEPREFIX WINEDEBUG
command -v "$WINE" >/dev/null 2>&1 || skip_all "wine not found"
[ -f "$top_builddir/cimheadd.exe" ] || skip_all "no cimheadd.exe (not a Windows build)"
command -v curl >/dev/null || skip_all "curl needed"
[ -n "${PYTHON3:-}" ] || PYTHON3=$(command -v python3)
[ -n "$PYTHON3" ] || skip_all "python3 needed"
EXE=$top_builddir
OUT=$TEST_TMP/out
ERR=$TEST_TMP/err

# Windows paths for the programs: wine maps drive Z: to /.
winpath() { printf 'Z:%s' "$1"; }

# The first wine start in a fresh prefix runs wineboot (tens of seconds);
# tests/wine-run.sh does it under a lock shared with the unit tests.
sh "$top_srcdir/tests/wine-run.sh" "$EXE/cimheadd.exe" --version >"$OUT" 2>"$ERR"
is "$?" 0 "cimheadd.exe --version: exit 0"
grep -q '^cimheadd [0-9]' "$OUT"
ok $? "cimheadd.exe --version: the version"

"$WINE" "$EXE/cimheadd.exe" --help >"$OUT" 2>"$ERR"
is "$?" 0 "cimheadd.exe --help: exit 0"
grep -q 'service install|remove|run' "$OUT"
ok $? "--help: names --service"
grep -q 'ProgramData.cimhead.cimheadd.conf' "$OUT"
ok $? "--help: the default config is under %ProgramData%"

"$WINE" "$EXE/cimheadd.exe" --service bogus >"$OUT" 2>"$ERR"
is "$?" 2 "--service bogus: exit 2"
grep -q 'expected install, remove or run' "$ERR"
ok $? "--service bogus: says what is expected"
"$WINE" "$EXE/cimheadd.exe" --service >"$OUT" 2>"$ERR"
is "$?" 2 "--service without an action: exit 2"
grep -q '^usage:' "$ERR"
ok $? "--service without an action: usage"
"$WINE" "$EXE/cimheadd.exe" --service run -f 'C:\nonexistent.conf' \
    >"$OUT" 2>"$ERR"
is "$?" 1 "--service run from a console: exit 1"
grep -q 'service control manager' "$ERR"
ok $? "--service run from a console: not started by the SCM"

# --service install|remove through wine's service control manager: the
# command line the SCM stores, absolute paths, automatic start; no twice.
SVCKEY='HKLM\System\CurrentControlSet\Services\cimheadd'
(cd "$TEST_TMP" && "$WINE" "$EXE/cimheadd.exe" --service install \
    -f smoke.conf --log-file smoke.log) >"$OUT" 2>"$ERR"
is "$?" 0 "--service install: exit 0"
"$WINE" reg query "$SVCKEY" /v ImagePath 2>/dev/null | tr -d '\r' >"$OUT.reg"
WINTMP=$(printf 'Z:%s' "$TEST_TMP" | tr / '\\')
grep -qF -- "--service run -f \"$WINTMP\\smoke.conf\" --log-file \"$WINTMP\\smoke.log\"" \
    "$OUT.reg"
ok $? "--service install: the SCM runs it as --service run -f ABSOLUTE --log-file ABSOLUTE" ||
    sed 's/^/#   /' "$OUT.reg"
"$WINE" reg query "$SVCKEY" /v Start 2>/dev/null | tr -d '\r' | grep -q 'REG_DWORD *0x2'
ok $? "--service install: automatic start"
"$WINE" "$EXE/cimheadd.exe" --service install -f "$TEST_TMP/smoke.conf" \
    >"$OUT" 2>"$ERR"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'cannot create the service' "$ERR"
ok $? "--service install twice: refused, exit 1"
"$WINE" "$EXE/cimheadd.exe" --service remove >"$OUT" 2>"$ERR"
is "$?" 0 "--service remove: exit 0"
"$WINE" reg query "$SVCKEY" >/dev/null 2>&1
ok $((! $?)) "--service remove: the service is gone"
"$WINE" "$EXE/cimheadd.exe" --service remove >"$OUT" 2>"$ERR"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'cannot open the service' "$ERR"
ok $? "--service remove when not installed: exit 1, says so"

# --- cimmockd.exe ------------------------------------------------------
READY=$TEST_TMP/ready
"$WINE" "$EXE/cimmockd.exe" --schema "$(winpath "$top_srcdir/schemas/win32.mof")" \
    --ready-file "$(winpath "$READY")" --log-level info \
    >"$TEST_TMP/mock.out" 2>"$TEST_TMP/mock.err" &
MOCK_PID=$!
TEST_PIDS="$TEST_PIDS $MOCK_PID"
wait_for_file "$READY" 40
ok $? "cimmockd.exe: ready file written" ||
    { echo "# mock stderr:"; sed 's/^/#   /' "$TEST_TMP/mock.err"; }
MURL=$(awk '$1 == "node" { print $4; exit }' "$READY" | tr -d '\r')
MPORT=$(printf '%s' "$MURL" | sed 's|.*:\([0-9]*\)/cimom|\1|')
case "$MPORT" in
''|*[!0-9]*) ok 1 "cimmockd.exe: a real port in the ready file ($MURL)";;
0) ok 1 "cimmockd.exe: a real port, not 0";;
*) ok 0 "cimmockd.exe: bound 127.0.0.1:0, real port $MPORT read back";;
esac

# --- cimhead.exe against the mock --------------------------------------
"$WINE" "$EXE/cimhead.exe" --timeout 10000 enum "$MURL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 0 "cimhead.exe enum Win32_Process: exit 0"
tr -d '\r' <"$OUT" >"$OUT.json"
is "$("$PYTHON3" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(sorted(set(i["properties"]["Name"]["value"] for i in j)))' "$OUT.json" \
    2>&1 | grep -o "'vodstream.exe'")" "'vodstream.exe'" \
    "cimhead.exe enum: JSON, the node's vodstream.exe among the processes"
"$WINE" "$EXE/cimhead.exe" --timeout 10000 query "$MURL" \
    'SELECT Name, ProcessId FROM Win32_Process WHERE Name = "vodstream.exe"' \
    >"$OUT" 2>"$ERR"
is "$?" 0 "cimhead.exe query (WQL): exit 0"
tr -d '\r' <"$OUT" >"$OUT.json"
is "$("$PYTHON3" -c 'import json, sys
j = json.load(open(sys.argv[1]))
print(len(j), j[0]["properties"]["Name"]["value"],
    j[0]["properties"]["ProcessId"]["type"])' "$OUT.json" 2>&1)" \
    "1 vodstream.exe uint32" "cimhead.exe query: the one match, typed"
"$WINE" "$EXE/cimhead.exe" --timeout 3000 enum "http://127.0.0.1:1/cimom" \
    Win32_Process >"$OUT" 2>"$ERR"
rc=$?
[ "$rc" -ne 0 ] && [ -s "$ERR" ]
ok $? "cimhead.exe: a refused connection is an error ($rc), with a message"

# --- HTTPS: verified by default.  The Windows libcurl has no CA bundle
# file: without --cacert it checks the system store, which does not hold
# a certificate made here, so the node is refused; --cacert accepts it.
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=node" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$TEST_TMP/node.key" \
    -out "$TEST_TMP/node.pem" >/dev/null 2>&1; then
	"$PYTHON3" "$top_srcdir/tests/replay.py" \
	    --base "$top_srcdir/tests/fixtures/replay" \
	    --tls "$TEST_TMP/node.pem" "$TEST_TMP/node.key" \
	    "$TEST_TMP/tlsport" "$TEST_TMP" \
	    ei-process.response ei-process.response &
	TEST_PIDS="$TEST_PIDS $!"
	wait_for_file "$TEST_TMP/tlsport" 10
	TURL="https://127.0.0.1:$(cat "$TEST_TMP/tlsport")/root/cimv2"
	"$WINE" "$EXE/cimhead.exe" --timeout 10000 enum "$TURL" \
	    Win32_Process >"$OUT" 2>"$ERR"
	is "$?" 3 "cimhead.exe: a self-signed HTTPS node is refused (exit 3)"
	grep -qi 'certificate' "$OUT" "$ERR"
	ok $? "cimhead.exe: the refusal names the certificate"
	"$WINE" "$EXE/cimhead.exe" --timeout 10000 \
	    --cacert "$(winpath "$TEST_TMP/node.pem")" enum "$TURL" \
	    Win32_Process >"$OUT" 2>"$ERR"
	is "$?" 0 "cimhead.exe --cacert: the self-signed node is accepted"
else
	ok 0 "# SKIP openssl cannot make a certificate"
fi

# --- cimheadd.exe: a config on the mock, a viewer redirected ------------
CONF=$TEST_TMP/cimheadd.conf
PORTS=$TEST_TMP/ports
LOG=$TEST_TMP/daemon.log
cat >"$CONF" <<EOF
[cimheadd]
listen = 127.0.0.1:0
admin-listen = 127.0.0.1:0
decision-timeout = 3s
query-timeout = 5s
idle-check = 0

[node n1]
url = $MURL
process = vodstream.exe
stream-url = http://{host}:$MPORT/vod/{title}
EOF
"$WINE" "$EXE/cimheadd.exe" -n -f "$(winpath "$CONF")" >"$OUT" 2>"$ERR"
is "$?" 0 "cimheadd.exe -n: the config checks out"
"$WINE" "$EXE/cimheadd.exe" -f "$(winpath "$CONF")" -P "$(winpath "$PORTS")" \
    --log-file "$(winpath "$LOG")" >"$TEST_TMP/daemon.out" \
    2>"$TEST_TMP/daemon.err" &
DAEMON_PID=$!
TEST_PIDS="$TEST_PIDS $DAEMON_PID"
wait_for_file "$PORTS" 40
ok $? "cimheadd.exe: port file written" ||
    { echo "# daemon log:"; sed 's/^/#   /' "$LOG" "$TEST_TMP/daemon.err"; }
VIEWER=$(awk '/^viewer/ { print $2 }' "$PORTS" | tr -d '\r')
ADMIN=$(awk '/^admin/ { print $2 }' "$PORTS" | tr -d '\r')
case "$VIEWER" in
127.0.0.1:0|'') ok 1 "cimheadd.exe: a real viewer port ($VIEWER)";;
*) ok 0 "cimheadd.exe: bound 127.0.0.1:0, viewer on $VIEWER";;
esac
# The first round may still be probing: a few tries, each a full answer.
i=0
while :; do
	R=$(curl -s -o /dev/null --max-time 15 \
	    -w '%{http_code} %{redirect_url}' "http://$VIEWER/watch/smoke.mp4")
	case "$R" in 302*) break;; esac
	i=$((i + 1)); [ $i -ge 10 ] && break
	sleep 1
done
is "$R" "302 http://127.0.0.1:$MPORT/vod/smoke.mp4" \
    "viewer: 302 to the mock node's stream URL"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/api/v1/nodes")" \
    200 "admin API answers"
grep -q 'listening for viewers on 127.0.0.1:' "$LOG"
ok $? "--log-file: the daemon logs to the file"

# --- Ctrl-C: drain and stop ---------------------------------------------
# alive PID: not gone and not a zombie waiting for our wait.
alive() {
	case "$(ps -o stat= -p "$1" 2>/dev/null)" in
	''|Z*) return 1;;
	esac
	return 0
}
# stopped PID SECONDS: waits for PID to end; STATUS is its exit status
# ("running" if it did not).  Not in $(...): a subshell cannot wait.
stopped() {
	_i=0
	while alive "$1" && [ $_i -lt $(($2 * 10)) ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	if alive "$1"; then
		STATUS=running
	else
		wait "$1"
		STATUS=$?
	fi
}
kill -INT "$DAEMON_PID"
stopped "$DAEMON_PID" 20
is "$STATUS" 0 "cimheadd.exe: Ctrl-C stops it, exit 0"
grep -q 'Ctrl-C: drain, then stop' "$LOG"
ok $? "cimheadd.exe: Ctrl-C took the drain path"
grep -q 'info: stopping' "$LOG"
ok $? "cimheadd.exe: left its loop and logged stopping"
kill -INT "$MOCK_PID"
stopped "$MOCK_PID" 20
is "$STATUS" 0 "cimmockd.exe: Ctrl-C stops it, exit 0"
grep -q 'Ctrl-C: stopping' "$TEST_TMP/mock.err"
ok $? "cimmockd.exe: through its console control handler"

# --- a credential file open to Everyone is refused -----------------------
printf 'vod\npw\n' >"$TEST_TMP/creds"
chmod 644 "$TEST_TMP/creds"
printf '[node a]\nurl = http://h:1/cimom\nallow-unencrypted = yes\ncredentials = %s\n' \
    "$(winpath "$TEST_TMP/creds")" >"$TEST_TMP/c2.conf"
"$WINE" "$EXE/cimheadd.exe" -n -f "$(winpath "$TEST_TMP/c2.conf")" \
    >"$OUT" 2>"$ERR"
rc=$?
[ "$rc" -eq 1 ] && grep -q 'by others' "$ERR"
ok $? "credentials readable by Everyone (DACL): refused"
chmod 600 "$TEST_TMP/creds"
"$WINE" "$EXE/cimheadd.exe" -n -f "$(winpath "$TEST_TMP/c2.conf")" \
    >"$OUT" 2>"$ERR"
is "$?" 0 "credentials private to their owner: accepted"

done_testing
