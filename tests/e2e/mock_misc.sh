#!/bin/sh
# mock_misc.sh: cimmockd's command line, ready lines, many nodes in one
# process, scenario errors, the windows WQL dialect, and a clean SIGTERM.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

"$CIMMOCKD" --help | grep -q '^usage: cimmockd'
ok $? "--help prints usage and exits 0"
"$CIMMOCKD" --nodes 0 >/dev/null 2>&1
is $? 2 "bad --nodes: exit 2"
"$CIMMOCKD" --bogus >/dev/null 2>&1
is $? 2 "unknown option: exit 2"

# --token-secret-file: the rule of every secret file (lib/secret.c)
printf '0123456789abcdef0123\n' >"$TEST_TMP/secret"
chmod 644 "$TEST_TMP/secret"
"$CIMMOCKD" --token-secret-file "$TEST_TMP/secret" --help >/dev/null \
    2>"$TEST_TMP/err"
is $? 1 "token secret readable by others: exit 1"
grep -q "readable or writable by others" "$TEST_TMP/err"
ok $? "... saying so"
printf '0123456789abcde\n\r\n' >"$TEST_TMP/secret"
chmod 600 "$TEST_TMP/secret"
"$CIMMOCKD" --token-secret-file "$TEST_TMP/secret" --help >/dev/null \
    2>"$TEST_TMP/err"
is $? 1 "token secret of 15 bytes before its line ends: exit 1"
grep -q "at least 16 bytes" "$TEST_TMP/err"
ok $? "... saying so"
mkfifo "$TEST_TMP/secret.fifo"
bounded 10 "$CIMMOCKD" --token-secret-file "$TEST_TMP/secret.fifo" --help \
    >/dev/null 2>"$TEST_TMP/err"
is $? 1 "token secret a FIFO: exit 1, without blocking"

echo '{ "nodes": [ { "name": "A", "cpus": "x" } ] }' >"$TEST_TMP/bad.json"
"$CIMMOCKD" --schema "$MOCK_SCHEMA" --scenario "$TEST_TMP/bad.json" 2>"$TEST_TMP/err"
is $? 1 "bad scenario: exit 1"
grep -q "node A: cpus" "$TEST_TMP/err"
ok $? "bad scenario: the message names node and field"
printf '{ "nodes": [\n { "name": "A", }\n] }\n' >"$TEST_TMP/bad2.json"
"$CIMMOCKD" --schema "$MOCK_SCHEMA" --scenario "$TEST_TMP/bad2.json" 2>"$TEST_TMP/err"
grep -q "bad2.json:2:" "$TEST_TMP/err"
ok $? "JSON syntax error: file:line"
printf 'class X {\n  bogus Y;\n};\n' >"$TEST_TMP/bad.mof"
"$CIMMOCKD" --schema "$TEST_TMP/bad.mof" 2>"$TEST_TMP/err"
grep -q "bad.mof:2: unknown type 'bogus'" "$TEST_TMP/err"
ok $? "bad MOF: file:line error"

# many nodes, replicated from a scenario, with pinned instances
cat >"$TEST_TMP/many.json" <<'JSON'
{ "nodes": [ { "name": "N", "count": 120, "dialect": "windows",
  "instances": [ { "class": "Win32_ComputerSystem",
    "properties": { "Name": "PINNED", "TotalPhysicalMemory": "99",
    "Model": null } } ] } ] }
JSON
start_mock --scenario "$TEST_TMP/many.json"; ok $? "120 nodes ready"
is "$(wc -l <"$MOCK_READY")" 120 "one ready line per node"
is "$(awk '{print $4}' "$MOCK_READY" | sort -u | wc -l)" 120 "120 distinct ports"
grep -q '^node N120 cimom http://127.0.0.1:[0-9]*/cimom control http://127.0.0.1:[0-9]*/nodes/N120 stream http://127.0.0.1:[0-9]*/vod/$' "$MOCK_READY"
ok $? "ready line format"
P=$(mock_port N77)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
is "$($CIM query "SELECT Caption FROM Win32_Process WHERE Caption = 'vodstream.exe'")" \
    "Caption=vodstream.exe" "windows dialect: single quotes accepted"
is "$($CIM ei Win32_ComputerSystem)" \
    "NumberOfLogicalProcessors=<null>;Name=PINNED;TotalPhysicalMemory=99;Model=<null>" \
    "pinned instance: the properties given (null is NULL), the class's others first, NULL"
$CIM query 'SELECT Name FROM Win32_OperatingSystem WHERE FreePhysicalMemory > 0' |
    grep -q '^Name=Microsoft Windows Server 2019'
ok $? "Win32_OperatingSystem"
is "$($CIM query 'SELECT Nope FROM Win32_Process')" "error=15" "unknown property in SELECT: 15"
is "$($CIM ei CIM_Fan)" "" "class without instances: empty"
kill -TERM "$MOCK_PID"
wait_for 5 eval '! kill -0 "$MOCK_PID" 2>/dev/null'
wait "$MOCK_PID"
is $? 0 "SIGTERM: clean exit 0"

# default nodes on the pegasus dialect
start_mock --nodes 2; ok $? "--nodes 2 ready"
P=$(mock_port NODE02)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
is "$($CIM query "SELECT Caption FROM Win32_Process WHERE Caption = 'vodstream.exe'")" \
    "error=15" "pegasus dialect: single quotes are CIM error 15"
# the HTTP server's caps: head size, header count, body size
caps=$(timeout 20 "$PYTHON3" - "$(mock_port NODE01)" <<'PY'
import socket, sys
port = int(sys.argv[1])
def ask(data):
    s = socket.create_connection(("127.0.0.1", port), timeout=2)
    try:
        s.sendall(data)
    except OSError:
        pass
    out, state = b"", "open"
    try:
        while True:
            d = s.recv(4096)
            if not d:
                state = "closed"
                break
            out += d
    except socket.timeout:
        pass
    except OSError:
        state = "closed"
    return out.split(b"\r\n")[0].decode() + "|" + state
print(ask(b"POST /cimom HTTP/1.1\r\nX-Big: " + b"a" * 40000 + b"\r\n\r\n"))
print(ask(b"POST /cimom HTTP/1.1\r\n" + b"".join(b"X-%d: y\r\n" % i for i in range(80)) + b"\r\n"))
print(ask(b"POST /cimom HTTP/1.1\r\nContent-Length: 99999999999\r\n\r\n"))
print(ask(b"GARBAGE\r\n\r\n"))
PY
)
is "$caps" "HTTP/1.1 400 Bad Request|closed
HTTP/1.1 400 Bad Request|closed
HTTP/1.1 400 Bad Request|closed
HTTP/1.1 400 Bad Request|closed" "oversized head, too many headers, huge body, bad request line: 400 and close"

# malformed requests never kill it
r=$(timeout 60 "$PYTHON3" "$top_srcdir/tests/e2e/mock_fuzz.py" \
    "$top_srcdir/tests/fixtures/openpegasus" "$(mock_port NODE01)" 300)
is "$r" ok "300 mutated requests: still answering"
kill -INT "$MOCK_PID"; wait "$MOCK_PID"
is $? 0 "SIGINT: clean exit 0"
done_testing
