#!/bin/sh
# cli_tls.sh: HTTPS is verified by default.  A self-signed certificate made
# here is refused, accepted with --cacert, accepted with --insecure; a
# certificate for another host name is refused even with --cacert.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"

command -v openssl >/dev/null 2>&1 || skip_all "openssl not found"
mkcert() {	# mkcert NAME SAN
	openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=$1" \
	    -addext "subjectAltName=$2" -keyout "$TEST_TMP/$1.key" \
	    -out "$TEST_TMP/$1.pem" >/dev/null 2>&1
}
mkcert node "IP:127.0.0.1" || skip_all "openssl cannot make a certificate"
mkcert other "DNS:other.example" || skip_all "openssl cannot make a certificate"

start_replay --tls "$TEST_TMP/node.pem" "$TEST_TMP/node.key" \
    ei-process.response ei-process.response ei-process.response
U="https://127.0.0.1:$PORT/root/cimv2"
"$CIMHEAD" --timeout 5000 enum "$U" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "self-signed: refused by default, exit 3"
is "$(json_get "$OUT" 'j["error"]["kind"]')" transport "self-signed: kind transport"
grep -q 'give its CA certificate with --cacert FILE' "$ERR"
ok $? "self-signed: stderr names --cacert"
"$CIMHEAD" --timeout 5000 --cacert "$TEST_TMP/node.pem" enum "$U" \
    Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "--cacert: accepted"
is "$(json_get "$OUT" 'len(j)')" 4 "--cacert: the reply"
"$CIMHEAD" --timeout 5000 --insecure enum "$U" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 0 "--insecure: accepted"

start_replay --tls "$TEST_TMP/other.pem" "$TEST_TMP/other.key" \
    ei-process.response
U="https://127.0.0.1:$PORT/root/cimv2"
"$CIMHEAD" --timeout 5000 --cacert "$TEST_TMP/other.pem" enum "$U" \
    Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "trusted certificate for another host: refused"
grep -q 'or not for the host name in the URL' "$ERR"
ok $? "another host: stderr says the name may not match"

done_testing
