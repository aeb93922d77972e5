#!/bin/sh
# daemon_logs.sh: the logs of issue 16, item 4.  On a stderr that is not
# journald's stream every line starts with its UTC time to the
# millisecond; on journald's own stream (JOURNAL_STREAM naming stderr's
# device:inode) a <N> prefix and no time; log-timestamps forces either.
# access-log: one line per viewer reply (time, client, method, title,
# node, status, latency, why), a hostile title escaped, reopened on
# SIGHUP as logrotate needs.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
command -v stat >/dev/null || skip_all "stat needed"

start_cluster '{ "nodes": [ { "name": "n1" }, { "name": "n2" } ] }'
AL=$TEST_TMP/access.log
write_conf "$TEST_TMP/c.conf" "access-log = $AL"
start_daemon "$TEST_TMP/c.conf"
wait_for 10 all_sampled

STAMP='^[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z '
grep -Eq "${STAMP}cimheadd: info: listening for viewers" "$TEST_TMP/daemon.log"
ok $? "stderr, not journald: each line starts with its UTC time in ms"
is "$(grep -Evc "$STAMP" "$TEST_TMP/daemon.log")" 0 "... every line"

# One viewer of each kind; a line each.
r=$(watch ok.mp4)
is "${r%% *}" 302 "a viewer is sent to a node"
node=$(node_of "${r#* }")
watch 'caf%C3%A9%20%C2%85x.mp4' >/dev/null
watch 'bad%22title' >/dev/null
curl -s -o /dev/null --max-time 5 "http://$VIEWER/nowhere"
# A path with a quote and a backslash, as no client library would send it.
"$PYTHON3" - "$VIEWER" <<'PY'
import socket, sys
h, p = sys.argv[1].rsplit(":", 1)
s = socket.create_connection((h, int(p)), timeout=5)
s.sendall(b'GET /q"x\\y HTTP/1.1\r\nHost: a\r\nConnection: close\r\n\r\n')
while s.recv(4096):
    pass
PY
curl -s -o /dev/null --max-time 5 -X POST "http://$VIEWER/watch/p.mp4"
admin_post n1 drain >/dev/null
admin_post n2 drain >/dev/null
r=$(watch none.mp4)
is "${r%% *}" 503 "every node drained: 503"
wait_for 5 eval '[ "$(wc -l <"$AL")" -ge 7 ]'
sed 's/^/# access: /' "$AL"
is "$(wc -l <"$AL" | tr -d ' ')" 7 "seven replies, seven lines"

ALSTAMP='[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}Z'
grep -Eq "^$ALSTAMP 127\.0\.0\.1 GET \"ok\.mp4\" $node 302 [0-9]+ms \"least-predicted\"$" "$AL"
ok $? "a 302: time, client, method, title, the node, status, latency, policy"
grep -Eq "^$ALSTAMP 127\.0\.0\.1 GET \"caf\\\\xc3\\\\xa9 \\\\xc2\\\\x85x\.mp4\" [a-z0-9]+ 302 " "$AL"
ok $? "a title's bytes past ASCII written \\xNN (a C1 control cannot act)"
LC_ALL=C grep -q "$(printf '[\200-\377]')" "$AL"
is "$?" 1 "no byte past ASCII in the access log"
grep -Eq " GET \"bad%22title\" - 400 [0-9]+ms \"bad title\"$" "$AL"
ok $? "a bad title: 400, no node, why"
grep -Eq " GET \"/nowhere\" - 404 [0-9]+ms \"not found\"$" "$AL"
ok $? "a 404"
grep -qF ' GET "/q\"x\\y" - 404 ' "$AL"
ok $? "a quote and a backslash escaped: the field cannot be closed early"
grep -Eq " POST \"/watch/p\.mp4\" - 405 [0-9]+ms \"method not allowed\"$" "$AL"
ok $? "a 405 names the method"
grep -Eq " GET \"none\.mp4\" - 503 [0-9]+ms \"no node up\"$" "$AL"
ok $? "a 503 says why: no node up"

# logrotate: rename, SIGHUP, the next line goes to a new file.
mv "$AL" "$AL.1"
kill -HUP "$DAEMON_PID"
wait_for 5 test -e "$AL"
ok $? "SIGHUP reopens the access log"
admin_post n1 enable >/dev/null
wait_field n1 state up 5
r=$(watch after.mp4)
wait_for 5 test -s "$AL"
grep -q '"after.mp4" n1 302' "$AL"; ok $? "the next reply goes to the new file"
is "$(wc -l <"$AL.1" | tr -d ' ')" 7 "the rotated file keeps its seven lines"
stop_daemon

# No access-log: no file appears (off by default).
rm -f "$AL" "$AL.1"
write_conf "$TEST_TMP/c2.conf" ""
start_daemon "$TEST_TMP/c2.conf"
watch x.mp4 >/dev/null
stop_daemon
[ ! -e "$AL" ]; ok $? "without access-log no access log"

# journald: JOURNAL_STREAM names the device:inode of stderr.
start_on() {	# start_on ERRFILE JOURNAL_STREAM CONF
	rm -f "$TEST_TMP/ports"
	: >"$1"
	js=$2
	[ "$js" = self ] && js=$(stat -c '%d:%i' "$1")
	JOURNAL_STREAM=$js "$CIMHEADD" -f "$3" -P "$TEST_TMP/ports" 2>>"$1" &
	DAEMON_PID=$!
	TEST_PIDS="$TEST_PIDS $DAEMON_PID"
	wait_for_file "$TEST_TMP/ports" 10
	wait_for 5 grep -q 'listening' "$1"
	stop_daemon
}
start_on "$TEST_TMP/j.err" self "$TEST_TMP/c2.conf"
grep -Eq '^<6>listening for viewers' "$TEST_TMP/j.err"
ok $? "journald's stream: the <N> prefix, no time (journald stamps it)"
start_on "$TEST_TMP/j2.err" 1:1 "$TEST_TMP/c2.conf"
grep -Eq "${STAMP}cimheadd: info: listening" "$TEST_TMP/j2.err" &&
    ! grep -q '^<' "$TEST_TMP/j2.err"
ok $? "JOURNAL_STREAM naming another stream: time stamps, no <N>"
write_conf "$TEST_TMP/c3.conf" "log-timestamps = off"
start_on "$TEST_TMP/j3.err" 1:1 "$TEST_TMP/c3.conf"
grep -q '^cimheadd: info: listening' "$TEST_TMP/j3.err"
ok $? "log-timestamps = off: none"
write_conf "$TEST_TMP/c4.conf" "log-timestamps = on"
start_on "$TEST_TMP/j4.err" self "$TEST_TMP/c4.conf"
grep -Eq '^<6>[0-9]{4}-[0-9-]{5}T[0-9:.]{12}Z listening' "$TEST_TMP/j4.err"
ok $? "log-timestamps = on: a time under journald too"

done_testing
