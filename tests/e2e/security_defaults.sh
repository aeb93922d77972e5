#!/bin/sh
# security_defaults.sh: the security defaults of issue #7 part 6, each
# shown on running programs.
#  a. TLS is verified: a self-signed HTTPS node is refused by cimhead and
#     by cimheadd (no request reaches it) unless its CA is given.
#  b. A credential file readable by others is refused, one readable by the
#     group is a warning: cimheadd's credentials and admin token, cimhead's
#     --password-file and -t token file alike.
#  c. A distinctive password is never in argv, the debug log, the JSON
#     API, the metrics or "cimhead status".
#  d. The admin API: not loopback without a token is a config error; with
#     a token, no or a wrong bearer is 401 on every API call.
#  e. The restart command line only comes from the config: a restart POST
#     carrying one in its body or query changes nothing.
#  f. Signed stream URLs: accepted before expiry, 403 after it, and 403
#     when the title or the expiry is tampered with (cimmockd checks).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
CIMHEAD=$top_builddir/cimhead
[ -x "$CIMHEAD" ] || skip_all "cimhead not built"
[ -r /proc/self/cmdline ] || skip_all "needs /proc"
PW='Pw-7f3c9e1d-NeverShown'
TOK='admin-token-4b1e9a77c2d05f36'
SECRET='stream-secret-0123456789abcdef'

# ---- a. TLS verification -------------------------------------------------
if command -v openssl >/dev/null 2>&1 &&
    openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj "/CN=node" \
    -addext "subjectAltName=IP:127.0.0.1" -keyout "$TEST_TMP/node.key" \
    -out "$TEST_TMP/node.pem" >/dev/null 2>&1; then
	D=$TEST_TMP/tls
	mkdir "$D"
	echo ok >"$D/kind"
	"$PYTHON3" "$top_srcdir/tests/e2e/xml_attack_node.py" "$D" \
	    "$TEST_TMP/node.pem" "$TEST_TMP/node.key" &
	TEST_PIDS="$TEST_PIDS $!"
	wait_for_file "$D/ports" 10
	TP=$(awk '$1 == "node" {print $2}' "$D/ports")
	"$CIMHEAD" --timeout 5000 enum "https://127.0.0.1:$TP/root/cimv2" \
	    Win32_Process >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	is $? 3 "cimhead: a self-signed node is refused (exit 3)"
	grep -qi certificate "$TEST_TMP/err"; ok $? "... naming the certificate"
	"$CIMHEAD" --timeout 5000 --cacert "$TEST_TMP/node.pem" enum \
	    "https://127.0.0.1:$TP/root/cimv2" Win32_Process \
	    >"$TEST_TMP/out" 2>"$TEST_TMP/err"
	is $? 0 "cimhead --cacert: accepted"
	rm -f "$D/served"
	NODES=
	for ca in no yes; do
		{
			echo "[cimheadd]"
			echo "listen = 127.0.0.1:0"
			echo "admin-listen = 127.0.0.1:0"
			echo "idle-check = 0"
			echo "[node tls]"
			echo "url = https://127.0.0.1:$TP/cimom"
			echo "process = vodstream.exe"
			[ $ca = yes ] && echo "cacert = $TEST_TMP/node.pem"
		} >"$TEST_TMP/tls.conf"
		start_daemon "$TEST_TMP/tls.conf"
		wait_for 5 eval '[ "$(field tls last_error)" != None ]'
		if [ $ca = no ]; then
			field tls last_error | grep -qi certificate
			ok $? "cimheadd: no cacert: the probe fails on the certificate ($(field tls last_error))"
			r=$(watch tls.mp4)
			is "${r%% *}" 503 "cimheadd: ... and nobody is sent there"
			ok $([ ! -e "$D/served" ] && echo 0 || echo 1) \
			    "cimheadd: ... no request reached the node"
		else
			ok $([ -s "$D/served" ] && echo 0 || echo 1) \
			    "cimheadd: with cacert the node is queried"
			field tls last_error | grep -qi certificate
			ok $([ $? -ne 0 ] && echo 0 || echo 1) \
			    "cimheadd: ... and no certificate error"
		fi
		stop_daemon
	done
else
	echo "# openssl cannot make a certificate: TLS part skipped"
fi

# ---- the cluster: n1 needs a password, streams need a token -------------
printf '%s\n' "$SECRET" >"$TEST_TMP/secret"
printf '%s\n' "$TOK" >"$TEST_TMP/admin.tok"
printf 'vod\n%s\n' "$PW" >"$TEST_TMP/n1.cred"
printf '%s\n' "$PW" >"$TEST_TMP/pw"
printf '{ "nodes": [ { "name": "n1",
    "auth": { "user": "vod", "password": "%s" } } ] }\n' "$PW" \
    >"$TEST_TMP/scenario.json"
start_mock --scenario "$TEST_TMP/scenario.json" --log-level info \
    --token-secret-file "$TEST_TMP/secret" ||
    { echo "Bail out! cimmockd did not start"; cat "$TEST_TMP/mock.err"; exit 1; }
NODES=n1
NODECONF_n1="credentials = $TEST_TMP/n1.cred
allow-unencrypted = yes
auth = basic"
write_conf "$TEST_TMP/c.conf" "admin-token-file = $TEST_TMP/admin.tok
token-secret-file = $TEST_TMP/secret
token-lifetime = 2
restart-limit = 0"
sed 's|^stream-url = \(.*\)$|stream-url = \1?e={expires}\&t={token}|' \
    "$TEST_TMP/c.conf" >"$TEST_TMP/c2.conf"
mv "$TEST_TMP/c2.conf" "$TEST_TMP/c.conf"

# ---- b. file permissions -------------------------------------------------
"$CIMHEADD" -n -f "$TEST_TMP/c.conf" >/dev/null 2>"$TEST_TMP/n.err"
is $? 0 "the configuration (0600 secret files) is valid"
for f in n1.cred admin.tok secret; do
	chmod 644 "$TEST_TMP/$f"
	"$CIMHEADD" -n -f "$TEST_TMP/c.conf" >/dev/null 2>"$TEST_TMP/n.err"
	is $? 1 "cimheadd: $f readable by others is refused"
	grep -q "readable or writable by others" "$TEST_TMP/n.err"
	ok $? "... saying so"
	chmod 640 "$TEST_TMP/$f"
	"$CIMHEADD" -n -f "$TEST_TMP/c.conf" >/dev/null 2>"$TEST_TMP/n.err"
	is $? 0 "cimheadd: $f readable by the group is accepted"
	grep -q "readable by its group" "$TEST_TMP/n.err"
	ok $? "... with a warning"
	chmod 600 "$TEST_TMP/$f"
done
chmod 644 "$TEST_TMP/pw"
"$CIMHEAD" --allow-unencrypted -u vod --password-file "$TEST_TMP/pw" enum \
    "http://127.0.0.1:$(mock_port n1)/root/cimv2" Win32_Process \
    >/dev/null 2>"$TEST_TMP/err"
is $? 2 "cimhead: a --password-file readable by others is refused (exit 2)"
chmod 600 "$TEST_TMP/pw"
chmod 644 "$TEST_TMP/admin.tok"
"$CIMHEAD" status -a 127.0.0.1:1 -t "$TEST_TMP/admin.tok" >/dev/null \
    2>"$TEST_TMP/err"
is $? 2 "cimhead status: a -t token file readable by others is refused"
grep -q "readable or writable by others" "$TEST_TMP/err"; ok $? "... saying so"
chmod 600 "$TEST_TMP/admin.tok"

# ---- d. admin API: loopback or a token -------------------------------------
sed 's|^admin-listen = .*|admin-listen = 0.0.0.0:0|; /^admin-token-file/d' \
    "$TEST_TMP/c.conf" >"$TEST_TMP/open.conf"
"$CIMHEADD" -n -f "$TEST_TMP/open.conf" 2>"$TEST_TMP/n.err"
is $? 1 "admin-listen 0.0.0.0 without admin-token-file: config error"
grep -q "not loopback" "$TEST_TMP/n.err"; ok $? "... saying why"

# The daemon runs with debug logging from here on.
rm -f "$TEST_TMP/ports"
"$CIMHEADD" -d -f "$TEST_TMP/c.conf" -P "$TEST_TMP/ports" \
    2>>"$TEST_TMP/daemon.log" &
DAEMON_PID=$!
TEST_PIDS="$TEST_PIDS $DAEMON_PID"
wait_for_file "$TEST_TMP/ports" 10 ||
    { echo "Bail out! cimheadd did not start"; cat "$TEST_TMP/daemon.log"; exit 1; }
VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
AUTH="Authorization: Bearer $TOK"
api() { curl -s --max-time 5 -H "$AUTH" "http://$ADMIN/api/v1/nodes"; }
code() {	# code [CURL-ARGS...] URL
	curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"
}
for u in /api/v1/nodes /metrics; do
	is "$(code "http://$ADMIN$u")" 401 "GET $u without a token: 401"
	is "$(code -H 'Authorization: Bearer wrong-token-0000000000' \
	    "http://$ADMIN$u")" 401 "GET $u with a wrong token: 401"
	is "$(code -H "Authorization: Bearer ${TOK}x" "http://$ADMIN$u")" 401 \
	    "GET $u with the token and one byte more: 401"
	is "$(code -H "$AUTH" "http://$ADMIN$u")" 200 \
	    "GET $u with the token: 200"
done
for a in drain enable probe restart; do
	is "$(code -X POST "http://$ADMIN/api/v1/nodes/n1/$a")" 401 \
	    "POST $a without a token: 401"
done
is "$(code "http://$ADMIN/")" 200 \
    "the dashboard page itself (no data in it) needs no token"
wait_field n1 state up 10; ok $? "n1 is up: the password from the file works"

# ---- f. signed stream URLs -------------------------------------------------
r=$(watch film.mp4)
loc=${r#* }
case "$loc" in *'?e='*'&t='*) ok 0 "the redirect is signed ($loc)";;
*) ok 1 "the redirect is signed ($loc)";; esac
is "$(code -I "$loc")" 200 "the signed URL is accepted before it expires"
e=${loc#*\?e=}; e=${e%%&*}
is "$(code -I "$(echo "$loc" | sed 's|/vod/film.mp4|/vod/other.mp4|')")" 403 \
    "the same token for another title: 403"
is "$(code -I "$(echo "$loc" | sed "s|e=$e|e=$((e + 3600))|")")" 403 \
    "a later expiry with the same token: 403"
is "$(code -I "${loc%%\?*}")" 403 "no token at all: 403"
# until the clock has passed the URL's expiry second
wait_for 5 eval '[ "$(date +%s)" -gt "$e" ]'
is "$(code -I "$loc")" 403 "the same URL once expired (lifetime 2 s): 403"
grep -q "token expired" "$TEST_TMP/mock.err"; ok $? "... because it expired"

# ---- e. the restart command line ------------------------------------------
node_ctl n1 kill >/dev/null
ENDED='node n1: \(restart accepted\|restart failed\|process is back\)'
for body in '{"cmdline":"C:\\evil\\evil.exe","CommandLine":"C:\\evil\\evil.exe"}' \
    '{"command":"C:\\evil\\evil.exe","directory":"C:\\evil"}'; do
	n0=$(log_count "$ENDED")
	code -X POST -H "$AUTH" -H 'Content-Type: application/json' \
	    --data "$body" \
	    "http://$ADMIN/api/v1/nodes/n1/restart?CommandLine=C:%5Cevil%5Cevil.exe" \
	    >"$TEST_TMP/rc"
	echo "# restart POST with $body: $(cat "$TEST_TMP/rc")"
	# Its restart has ended (accepted, failed or not needed) before the
	# next POST, which would be refused while one is in flight.
	wait_for 5 eval '[ "$(log_count "$ENDED")" -gt "$n0" ]'
done
wait_field n1 process running 10; ok $? "n1's process was restarted"
grep 'Create CommandLine=' "$TEST_TMP/mock.err" >"$TEST_TMP/creates"
n=$(wc -l <"$TEST_TMP/creates")
ok $([ "$n" -ge 1 ] && echo 0 || echo 1) "the node saw $n Create call(s)"
want="Create CommandLine=[$CMDLINE]: 0"
is "$(grep -cvF "$want" "$TEST_TMP/creates")" 0 \
    "every Create carried the configured command line"
grep -qi evil "$TEST_TMP/creates"
ok $([ $? -ne 0 ] && echo 0 || echo 1) "no Create carried the injected one"

# ---- c. the password is nowhere -------------------------------------------
grep -q "$PW" "$TEST_TMP/n1.cred"; ok $? "(the grep finds it where it is)"
"$CIMHEAD" status -a "$ADMIN" -t "$TEST_TMP/admin.tok" >"$TEST_TMP/st" 2>&1
is $? 0 "cimhead status with the token file works"
"$CIMHEAD" status -a "$ADMIN" >/dev/null 2>&1
ok $([ $? -ne 0 ] && echo 0 || echo 1) "cimhead status without it fails"
"$CIMHEAD" status -j -a "$ADMIN" -t "$TEST_TMP/admin.tok" >>"$TEST_TMP/st" 2>&1
api >"$TEST_TMP/api.json"
curl -s -H "$AUTH" "http://$ADMIN/metrics" >"$TEST_TMP/metrics"
tr '\0' ' ' <"/proc/$DAEMON_PID/cmdline" >"$TEST_TMP/cmdline"
node_ctl n1 fault '{"kind": "hang"}' >/dev/null
nreq=$(node_get n1 requests)
"$CIMHEAD" --allow-unencrypted --timeout 3000 -u vod --password-file "$TEST_TMP/pw" enum \
    "http://127.0.0.1:$(mock_port n1)/root/cimv2" Win32_Process \
    >/dev/null 2>&1 &
cli=$!
# cimhead runs (exec'd) and a request has reached the hung node
cli_waiting() {
	tr '\0' ' ' <"/proc/$cli/cmdline" 2>/dev/null | grep -q password-file &&
	    [ "$(node_get n1 requests)" -gt "$nreq" ]
}
wait_for 3 cli_waiting
tr '\0' ' ' <"/proc/$cli/cmdline" >"$TEST_TMP/cli.cmdline" 2>/dev/null
wait "$cli"
node_ctl n1 clear >/dev/null
"$CIMHEAD" --allow-unencrypted -vv -u vod --password-file "$TEST_TMP/pw" enum \
    "http://127.0.0.1:$(mock_port n1)/root/cimv2" Win32_Process \
    >"$TEST_TMP/cli.out" 2>"$TEST_TMP/cli.err"
is $? 0 "cimhead -vv with the password file works"
grep -q 'Authorization: Basic [*]*$' "$TEST_TMP/cli.err"
ok $? "-vv shows the Authorization header masked"
ok $([ -s "$TEST_TMP/cli.cmdline" ] && echo 0 || echo 1) \
    "(cimhead's command line was read while it ran)"
nrel=$(log_count "reloaded ")
kill -HUP "$DAEMON_PID"
wait_for 5 eval '[ "$(log_count "reloaded ")" -gt "$nrel" ]'
B64=$(printf 'vod:%s' "$PW" | base64 | tr -d '\n')
for f in daemon.log api.json metrics st cmdline cli.cmdline cli.out cli.err; do
	grep -qF -e "$PW" -e "$B64" "$TEST_TMP/$f"
	ok $([ $? -ne 0 ] && echo 0 || echo 1) \
	    "neither the password nor its Base64 is in $f"
done
grep -qF "$TOK" "$TEST_TMP/daemon.log" "$TEST_TMP/st" "$TEST_TMP/api.json"
ok $([ $? -ne 0 ] && echo 0 || echo 1) \
    "the admin token is not in the log, the status or the API"
grep -qF "$SECRET" "$TEST_TMP/daemon.log"
ok $([ $? -ne 0 ] && echo 0 || echo 1) "the stream secret is not in the log"
grep -q "debug" "$TEST_TMP/daemon.log"
ok $? "(the log is the debug one: $(wc -l <"$TEST_TMP/daemon.log") lines)"

done_testing
