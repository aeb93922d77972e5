#!/bin/sh
# cli_errors.sh: what the server refuses -> exit 1 (CIM status in the body,
# in trailers only, or a CIMError header), 401 -> exit 3, with the JSON error
# object on stdout and one line on stderr.  The bodiless 400 on a connection
# OpenPegasus keeps open must be answered at once, not at the deadline.
# Common mistakes get a second line, and error.hint, that says the fix.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

start_replay gi-not-found.response
"$CIMHEAD" get "$URL" Win32_Process 'Handle="9999"' >"$OUT" 2>"$ERR"
is "$?" 1 "CIM error in the body: exit 1"
is "$(json_get "$OUT" '[j["error"]["code"], j["error"]["name"], j["error"]["kind"]]')" \
    '[6, "CIM_ERR_NOT_FOUND", "cim"]' "CIM error: code, name, kind"
is "$(json_get "$OUT" 'j["error"]["description"]')" \
    'Win32_Process.Handle="9999"' "CIM error: description, status name once"
is "$(wc -l <"$ERR" | tr -d ' ')" 1 "CIM error: one line on stderr"
grep -q CIM_ERR_NOT_FOUND "$ERR"
ok $? "CIM error: stderr names it"

start_replay gi-not-found.response
"$CIMHEAD" --format text get "$URL" Win32_Process 'Handle="9999"' >"$OUT" 2>"$ERR"
is "$?" 1 "text format: exit 1"
is "$(wc -c <"$OUT" | tr -d ' ')" 0 "text format: nothing on stdout"

# single-quoted WQL: OpenPegasus says 15, in the body or only in trailers
start_replay eq-process-caption.response
"$CIMHEAD" query "$URL" \
    "SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'" >"$OUT" 2>"$ERR"
is "$?" 1 "invalid query: exit 1"
is "$(json_get "$OUT" 'j["error"]["code"]')" 15 "invalid query: code 15"
grep -q 'WQL string literals in double quotes only' "$ERR"
ok $? "single-quoted WQL refused: stderr names double quotes"
is "$(json_get "$OUT" 'j["error"]["hint"]')" \
    'OpenPegasus takes WQL string literals in double quotes only: SELECT * FROM Win32_Process WHERE Caption = "vodstream.exe"' \
    "single-quoted WQL refused: the hint holds the query rewritten"

start_replay eq-process-caption-chunked.response
"$CIMHEAD" query "$URL" \
    "SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'" >"$OUT" 2>"$ERR"
is "$?" 1 "trailer-only error: exit 1"
is "$(json_get "$OUT" '[j["error"]["code"], j["error"]["name"]]')" \
    '[15, "CIM_ERR_INVALID_QUERY"]' "trailer-only error: status from CIMStatusCode"
is "$(json_get "$OUT" 'j["error"]["description"]')" \
    "SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'" \
    "trailer-only error: description unescaped, status name once"

# bodiless 400 + CIMError on a connection the server keeps open
start_replay err-malformed-xml.response
t0=$(now_ms)
"$CIMHEAD" --timeout 10000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 1 "bodiless 400 with CIMError: exit 1"
ok $([ $((t1 - t0)) -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
    "bodiless 400: answered in $((t1 - t0)) ms, not at the 10 s deadline"
echo "# time to answer the bodiless 400: $((t1 - t0)) ms (process start included)"
is "$(json_get "$OUT" '[j["error"]["name"], j["error"]["http_status"]]')" \
    '["request-not-valid", 400]' "bodiless 400: CIMError token and status"
grep -q 'Validation error' "$OUT"
ok $? "bodiless 400: PGErrorDetail unescaped in the description"

start_replay err-cimversion.response
t0=$(now_ms)
"$CIMHEAD" --timeout 10000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 1 "bodiless 501: exit 1"
ok $([ $((t1 - t0)) -lt $((2000 * SLOW)) ] && echo 0 || echo 1) \
    "bodiless 501: answered in $((t1 - t0)) ms"
is "$(json_get "$OUT" 'j["error"]["name"]')" unsupported-cim-version \
    "bodiless 501: CIMError token"

# 401: authentication failed -> exit 3
start_replay auth-none.response
CIMHEAD_PASSWORD=wrong "$CIMHEAD" --allow-unencrypted -u root enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 3 "401: exit 3"
is "$(json_get "$OUT" '[j["error"]["kind"], j["error"]["http_status"]]')" \
    '["auth", 401]' "401: kind auth"
is "$(ls "$REQ" | wc -l | tr -d ' ')" 1 "401 with Basic: one request, no retry loop"
grep -q 'refused user root: check -u, the password in --password-file' "$ERR"
ok $? "401: stderr names the credentials options"
start_replay auth-none.response
"$CIMHEAD" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "401 without -u: exit 3"
grep -q 'wants credentials: give -u USER and --password-file FILE' "$ERR"
ok $? "401 without -u: stderr says to give them"

# replies that are not what a CIM server says: exit 3
start_replay not-xml.response
"$CIMHEAD" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "unparseable 200 reply: exit 3"
is "$(json_get "$OUT" 'j["error"]["kind"]')" protocol "unparseable: kind protocol"

start_replay http-500.response
"$CIMHEAD" enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "HTTP 500 without CIMError: exit 3"
is "$(json_get "$OUT" '[j["error"]["kind"], j["error"]["http_status"]]')" \
    '["http", 500]' "HTTP 500: kind http"

# Errors that say the fix.  Plain-http WS-Man: refused before any traffic.
"$CIMHEAD" --protocol wsman enum http://127.0.0.1:9/wsman Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 2 "wsman over plain http: exit 2"
grep -q -- 'add --allow-unencrypted' "$ERR"
ok $? "wsman over plain http: stderr names --allow-unencrypted"
"$CIMHEAD" --timeout 5000 enum http://nosuch.invalid/root/cimv2 Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 3 "unknown host: exit 3"
grep -q 'host name in the URL does not resolve' "$ERR"
ok $? "unknown host: stderr says to check the host name"
FREE=$("$PYTHON3" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
"$CIMHEAD" enum "http://127.0.0.1:$FREE/root/cimv2" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 3 "connection refused: exit 3"
grep -q 'nothing accepts connections there: check the host and port' "$ERR"
ok $? "connection refused: stderr says to check the port"
start_replay hang
"$CIMHEAD" --timeout 300 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "timeout: exit 3"
grep -q 'no reply within 300 ms: raise --timeout' "$ERR"
ok $? "timeout: stderr names --timeout"
start_replay toobig.response
"$CIMHEAD" --max-response 1000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "over --max-response: exit 3"
grep -q 'raise --max-response BYTES' "$ERR"
ok $? "over --max-response: stderr names it"
# https:// to a port that answers plain HTTP (as OpenPegasus's 5988 would)
"$PYTHON3" -c 'import os, socket, sys
s = socket.socket()
s.bind(("127.0.0.1", 0))
s.listen(5)
open(sys.argv[1] + ".tmp", "w").write(str(s.getsockname()[1]))
os.rename(sys.argv[1] + ".tmp", sys.argv[1])
while True:
    c, _ = s.accept()
    c.recv(4096)
    c.sendall(b"HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n")
    c.close()' "$TEST_TMP/plain.port" &
TEST_PIDS="$TEST_PIDS $!"
wait_for_file "$TEST_TMP/plain.port" 10
"$CIMHEAD" --timeout 5000 enum \
    "https://127.0.0.1:$(cat "$TEST_TMP/plain.port")/root/cimv2" \
    Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "https to a plain-http port: exit 3"
grep -q 'if the port serves plain http, use an http:// URL' "$ERR"
ok $? "https to a plain-http port: stderr says to use http://"
# the CA file is read when TLS starts: a file that holds none is named
printf 'not a certificate\n' >"$TEST_TMP/bad.pem"
"$CIMHEAD" --timeout 5000 --cacert "$TEST_TMP/bad.pem" enum \
    "https://127.0.0.1:$(cat "$TEST_TMP/plain.port")/root/cimv2" \
    Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "--cacert not PEM: exit 3"
grep -q -- '--cacert FILE must hold PEM certificates' "$ERR"
ok $? "--cacert not PEM: stderr says so"

# one grammar: options after the operation and its arguments
start_replay gi-not-found.response
"$CIMHEAD" get "$URL" Win32_Process 'Handle="9999"' --format text \
    >"$OUT" 2>"$ERR"
is "$?" 1 "--format text after the arguments: taken"
is "$(wc -c <"$OUT" | tr -d ' ')" 0 "... text: nothing on stdout"

done_testing
