#!/bin/sh
# cli_transport.sh: refused connection, a server that never answers, size
# caps, a server that closes, credentials on every request and never in -v.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

elapsed_ok() {	# elapsed_ok MS MIN MAX (MAX scaled by SLOW)
	[ "$1" -ge "$2" ] && [ "$1" -lt $(($3 * SLOW)) ] && echo 0 || echo 1
}

# refused: a port nobody listens on any more
port=$("$PYTHON3" -c 'import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
t0=$(now_ms)
"$CIMHEAD" --timeout 10000 enum "http://127.0.0.1:$port/root/cimv2" X \
    >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 3 "refused: exit 3"
ok $(elapsed_ok $((t1 - t0)) 0 2000) "refused: fast ($((t1 - t0)) ms)"
is "$(json_get "$OUT" 'j["error"]["kind"]')" transport "refused: kind transport"

# hang after reading the request: the deadline ends it
start_replay hang
t0=$(now_ms)
"$CIMHEAD" --timeout 500 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 3 "hang: exit 3"
ok $(elapsed_ok $((t1 - t0)) 450 2500) "hang: ended near the 500 ms deadline ($((t1 - t0)) ms)"
is "$(json_get "$OUT" 'j["error"]["kind"]')" timeout "hang: kind timeout"

start_replay accept-hang
t0=$(now_ms)
"$CIMHEAD" --timeout 500 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 3 "silent after accept: exit 3"
ok $(elapsed_ok $((t1 - t0)) 450 2500) "silent after accept: near the deadline ($((t1 - t0)) ms)"

# closed without an answer
start_replay close
"$CIMHEAD" --timeout 5000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "closed without a reply: exit 3"

# size caps: Content-Length over the default 16 MiB, and --max-response
start_replay toobig.response
t0=$(now_ms)
"$CIMHEAD" --timeout 10000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
rc=$?
t1=$(now_ms)
is "$rc" 3 "over 16 MiB announced: exit 3"
is "$(json_get "$OUT" 'j["error"]["kind"]')" toobig "over 16 MiB: kind toobig"
ok $(elapsed_ok $((t1 - t0)) 0 2000) "over 16 MiB: refused at the headers"

start_replay ei-process.response ei-process-chunked.response ei-process.response
"$CIMHEAD" --max-response 1000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "--max-response under Content-Length: exit 3"
"$CIMHEAD" --max-response 1000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "--max-response under a chunked body: exit 3"
is "$(json_get "$OUT" 'j["error"]["kind"]')" toobig "chunked over the cap: kind toobig"
"$CIMHEAD" --max-response 4000 enum "$URL" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "--max-response above the reply: exit 0"

# credentials: Basic on every request, masked in -v, never printed
start_replay auth-ok.response ei-process.response gi-process.response
PW=wbempass
printf '%s\n' "$PW" >"$TEST_TMP/pw"
chmod 600 "$TEST_TMP/pw"
"$CIMHEAD" --allow-unencrypted -v -u root --password-file "$TEST_TMP/pw" enum "$URL" \
    Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "password file: exit 0"
grep -q '^cimhead: info: > POST /cimom HTTP/1.1' "$ERR"
ok $? "-v shows the request line"
grep -q '^cimhead: info: > Authorization: Basic \*\*\*\*$' "$ERR"
ok $? "-v masks the Authorization value"
grep -q '^cimhead: info: < HTTP/1.1 200 OK' "$ERR"
ok $? "-v shows the response status"
if grep -q -e "$PW" -e 'cm9vdDp3YmVtcGFzcw' "$OUT" "$ERR"; then r=1; else r=0; fi
ok $r "-v: neither the password nor its Base64 appears"
grep -q 'warning: password file' "$ERR"
is "$?" 1 "mode 600 password file: no warning"

CIMHEAD_PASSWORD=$PW "$CIMHEAD" --allow-unencrypted -u root enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 0 "CIMHEAD_PASSWORD: exit 0"
CIMHEAD_PASSWORD=$PW "$CIMHEAD" --allow-unencrypted -vv -u root get "$URL" Win32_Process \
    'Handle="2345"' >"$OUT" 2>"$ERR"
is "$?" 0 "-vv: exit 0"
grep -q '<KEYVALUE' "$ERR"
ok $? "-vv shows the request body"
if grep -q -e "$PW" -e 'cm9vdDp3YmVtcGFzcw' "$ERR"; then r=1; else r=0; fi
ok $r "-vv: the password never appears"
n=0; a=0
for r in "$REQ"/req-*; do
	n=$((n + 1))
	grep -q '^Authorization: Basic cm9vdDp3YmVtcGFzcw==' "$r" && a=$((a + 1))
done
is "$a/$n" "3/3" "Authorization on every request"

chmod 640 "$TEST_TMP/pw"
start_replay ei-process.response
"$CIMHEAD" --allow-unencrypted -u root --password-file "$TEST_TMP/pw" enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 0 "group-readable password file still works"
grep -q 'warning: password file .* readable by its group' "$ERR"
ok $? "group-readable password file: warning"
chmod 644 "$TEST_TMP/pw"
"$CIMHEAD" --allow-unencrypted -u root --password-file "$TEST_TMP/pw" enum "$URL" Win32_Process \
    >"$OUT" 2>"$ERR"
is "$?" 2 "password file readable by others: refused, exit 2"
grep -q 'readable or writable by others' "$ERR"
ok $? "... saying why"

done_testing
