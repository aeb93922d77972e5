#!/bin/sh
# cli_errors.sh: what the server refuses -> exit 1 (CIM status in the body,
# in trailers only, or a CIMError header), 401 -> exit 3, with the JSON error
# object on stdout and one line on stderr.  The bodiless 400 on a connection
# OpenPegasus keeps open must be answered at once, not at the deadline.
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
CIMHEAD_PASSWORD=wrong "$CIMHEAD" -u root enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 3 "401: exit 3"
is "$(json_get "$OUT" '[j["error"]["kind"], j["error"]["http_status"]]')" \
    '["auth", 401]' "401: kind auth"
is "$(ls "$REQ" | wc -l | tr -d ' ')" 1 "401 with Basic: one request, no retry loop"

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

done_testing
