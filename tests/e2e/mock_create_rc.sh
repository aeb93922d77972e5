#!/bin/sh
# mock_create_rc.sh: Win32_Process.Create return codes set per program by
# a scenario's create_rc (exact path, "PREFIX*", "*"), and the defaults
# without it (2 under C:\Windows\, 9 for an unknown program); scenario
# errors in create_rc and model.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

create() {	# PORT COMMANDLINE: prints "rc=N ..."
	"$PYTHON3" "$top_srcdir/tests/e2e/mock_cim.py" "$1" invoke \
	    Win32_Process Create "CommandLine=$2"
}

start_mock || { echo "not ok 1 - cimmockd did not start"; echo 1..1; exit 1; }
P=$(mock_port NODE01)
case $(create "$P" 'C:\Windows\System32\notepad.exe') in
"rc=2 "*) ok 0 "default: a program under C:\\Windows\\ is 2" ;;
*) ok 1 "default: a program under C:\\Windows\\ is 2" ;;
esac
case $(create "$P" 'D:\nosuch.exe -x') in
"rc=9 "*) ok 0 "default: an unknown program is 9" ;;
*) ok 1 "default: an unknown program is 9" ;;
esac
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null

cat >"$TEST_TMP/rc.json" <<'JSON'
{"nodes": [{"name": "NODE01", "port": 0, "create_rc": {
  "C:\\Windows\\System32\\notepad.exe": 0,
  "C:\\Tools\\*": 5,
  "C:\\Tools\\ok.exe": 0,
  "vodstream.exe": 15,
  "*": 1
}}]}
JSON
start_mock --scenario "$TEST_TMP/rc.json" ||
    { echo "not ok 3 - cimmockd did not start"; cat "$TEST_TMP/mock.err"; echo 1..3; exit 1; }
P=$(mock_port NODE01)
out=$(create "$P" 'c:\windows\system32\NOTEPAD.EXE foo.txt')
case $out in
"rc=0 ProcessId="[0-9]*) ok 0 "create_rc 0: a program under C:\\Windows\\ starts" ;;
*) ok 1 "create_rc 0: a program under C:\\Windows\\ starts ($out)" ;;
esac
pid=${out#*ProcessId=}
"$PYTHON3" "$top_srcdir/tests/e2e/mock_cim.py" "$P" ei Win32_Process |
    grep -q "ProcessId=$pid;.*NOTEPAD.EXE foo.txt"
ok $? "... and runs as a process with its command line"
case $(create "$P" '"C:\Tools\bad.exe" -q') in
"rc=5 "*) ok 0 "create_rc PREFIX*: its code" ;;
*) ok 1 "create_rc PREFIX*: its code" ;;
esac
case $(create "$P" 'C:\Tools\ok.exe') in
"rc=0 ProcessId="*) ok 0 "create_rc: an exact path wins over a prefix" ;;
*) ok 1 "create_rc: an exact path wins over a prefix" ;;
esac
case $(create "$P" 'D:\nosuch.exe') in
"rc=1 "*) ok 0 "create_rc \"*\": any other program" ;;
*) ok 1 "create_rc \"*\": any other program" ;;
esac
case $(create "$P" 'vodstream.exe --port 1') in
"rc=15 "*) ok 0 "create_rc: even the streaming server's program" ;;
*) ok 1 "create_rc: even the streaming server's program" ;;
esac
case $(create "$P" '"C:\Program Files\VodStream\vodstream.exe" --port 8554') in
"rc=0 ProcessId="*) ok 0 "a wildcard rule never stops the streaming server" ;;
*) ok 1 "a wildcard rule never stops the streaming server" ;;
esac
kill "$MOCK_PID"; wait "$MOCK_PID" 2>/dev/null

printf '{"nodes": [{"name": "N1", "create_rc": {"x.exe": -1}}]}\n' \
    >"$TEST_TMP/bad.json"
"$CIMMOCKD" --schema "$MOCK_SCHEMA" --scenario "$TEST_TMP/bad.json" \
    2>"$TEST_TMP/err"
is $? 1 "create_rc with a bad code: exit 1"
grep -q 'create_rc "x.exe"' "$TEST_TMP/err"
ok $? "... naming the program"
printf '{"nodes": [{"name": "N1", "model": 1}]}\n' >"$TEST_TMP/bad.json"
"$CIMMOCKD" --schema "$MOCK_SCHEMA" --scenario "$TEST_TMP/bad.json" \
    2>"$TEST_TMP/err"
is $? 1 "model not a boolean: exit 1"
grep -q 'node N1: model must be true or false' "$TEST_TMP/err"
ok $? "... saying so"
done_testing
