#!/bin/sh
# valgrind_daemon.sh: cimheadd under valgrind memcheck through a short life
# with everything in it: viewers (302), a node that answers garbage and
# comes back, a streaming process that dies and is restarted, a bad
# request, the admin API and metrics, a SIGHUP reload that drops a node
# and adds one, and SIGTERM.  Then cimhead (the CLI) for one enumeration
# and one failing call, and cimheadd -n.  Each must end with no memcheck error and no byte
# definitely lost.  Skips without valgrind and in sanitizer builds (ASan
# and valgrind do not mix).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
CIMHEAD=$top_builddir/cimhead
VALGRIND=${VALGRIND:-$(command -v valgrind)}
[ -n "$VALGRIND" ] || skip_all "valgrind not installed"
grep -q '^SAN_CFLAGS = .*-fsanitize' "$top_builddir/Makefile" 2>/dev/null &&
    skip_all "sanitizer build: valgrind cannot run ASan binaries"

# memcheck, any error or definite leak an error (exit 99); a function
# would put a subshell between a background valgrind and its $!
VG_OPTS="--tool=memcheck --leak-check=full --errors-for-leak-kinds=definite
    --show-leak-kinds=definite --error-exitcode=99 --num-callers=30"

# vg_clean LOG WHAT: no error, nothing definitely lost, per valgrind's log
vg_clean() {
	grep -q 'ERROR SUMMARY: 0 errors' "$1"
	ok $? "$2: memcheck reports 0 errors"
	lost=$(sed -n 's/.*definitely lost: \([0-9,]*\) bytes.*/\1/p' "$1" | tr -d ,)
	if [ -z "$lost" ] && grep -q 'no leaks are possible' "$1"; then
		lost=0
	fi
	is "${lost:-unknown}" 0 "$2: 0 bytes definitely lost"
	if ! grep -q 'ERROR SUMMARY: 0 errors' "$1" || [ "${lost:-x}" != 0 ]; then
		sed -n '/Invalid\|uninitialised\|definitely lost in\|SUMMARY/,+12p' \
		    "$1" | head -n 80 | sed 's/^/# /'
	fi
}

# valgrind is about 20 times slower: generous deadlines, few nodes.
start_cluster '{ "nodes": [ { "name": "a" }, { "name": "b" },
  { "name": "c" }, { "name": "d" } ] }'
NODES="a b c"
write_conf "$TEST_TMP/c.conf" "decision-timeout = $((10 * SLOW))s
query-timeout = $((10 * SLOW))s
restart-grace = 1s
access-log = $TEST_TMP/access.log"
NODES="a b d"
write_conf "$TEST_TMP/reload.conf" "decision-timeout = $((10 * SLOW))s
query-timeout = $((10 * SLOW))s
restart-grace = 1s
policy = round-robin
access-log = $TEST_TMP/access2.log"

rm -f "$TEST_TMP/ports"
"$VALGRIND" $VG_OPTS --log-file="$TEST_TMP/vg-daemon.log" \
    "$top_builddir/cimheadd" -f "$TEST_TMP/c.conf" \
    -P "$TEST_TMP/ports" 2>"$TEST_TMP/daemon.log" &
DAEMON_PID=$!
TEST_PIDS="$TEST_PIDS $DAEMON_PID"
wait_for_file "$TEST_TMP/ports" 60 ||
    { echo "Bail out! cimheadd under valgrind did not start"; cat "$TEST_TMP/vg-daemon.log"; exit 1; }
VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
NODES="a b c d"
for n in a b c; do wait_field $n state up 30; done
ok $? "every node up under valgrind"

n302=0
for i in 1 2 3 4 5; do
	[ "$(watch "t$i.mp4" | cut -d' ' -f1)" = 302 ] && n302=$((n302 + 1))
done
is "$n302" 5 "5 viewers: 302"
code=$(curl -s -o /dev/null --max-time 30 -w '%{http_code}' \
    "http://$VIEWER/watch/..%2Fetc")
is "$code" 400 "a bad title: 400"

# b answers garbage: down; cleared, it comes back
node_ctl b fault '{"kind": "garbage"}' >/dev/null
curl -s -o /dev/null --max-time 30 -X POST "http://$ADMIN/api/v1/nodes/b/probe"
wait_field b state down 30; ok $? "node b answering garbage goes down"
watch "during-fault.mp4" >/dev/null
node_ctl b clear >/dev/null
curl -s -o /dev/null --max-time 30 -X POST "http://$ADMIN/api/v1/nodes/b/probe"
wait_field b state up 30; ok $? "node b back up once the fault clears"

# c's streaming process dies: cimheadd restarts it
node_ctl c kill >/dev/null
watch "after-kill.mp4" >/dev/null
curl -s -o /dev/null --max-time 30 -X POST "http://$ADMIN/api/v1/nodes/c/probe"
wait_field c process running 40; ok $? "node c's process restarted"
# The daemon's field may still hold its reading from before the kill (the
# probe above is asynchronous): the restart is seen on the mock itself.
wait_for 40 eval '[ "$(node_get c process)" = running ]'
ok $? "the mock says it runs again"

# admin API and metrics
api | grep -q '"nodes"'; ok $? "GET /api/v1/nodes"
curl -s --max-time 30 "http://$ADMIN/metrics" | grep -q '^cimheadd_dispatch_total'
ok $? "GET /metrics"
is "$(admin_post a drain)" 200 "drain a"
is "$(admin_post a enable)" 200 "enable a"

# reload: c leaves, d comes, the policy changes
cp "$TEST_TMP/reload.conf" "$TEST_TMP/c.conf"
kill -HUP "$DAEMON_PID"
wait_field d state up 30; ok $? "after SIGHUP the new node d is up"
is "$(field c state)" "" "node c removed"
[ "$(watch "after-reload.mp4" | cut -d' ' -f1)" = 302 ]
ok $? "a viewer after the reload: 302"
# the access log, reopened elsewhere by the reload
wait_for 30 grep -q '"after-reload.mp4"' "$TEST_TMP/access2.log"
ok $? "the access log moved with the reload"
grep -q '"t1.mp4" [a-d] 302' "$TEST_TMP/access.log"; ok $? "the first one kept its lines"

kill -TERM "$DAEMON_PID"
wait "$DAEMON_PID"
is "$?" 0 "SIGTERM: cimheadd exits 0 under valgrind"
vg_clean "$TEST_TMP/vg-daemon.log" cimheadd

# cimheadd -n on a config with warnings (their text is freed too)
NODES="a"
write_conf "$TEST_TMP/warn.conf"
sed -i '/^command = /d' "$TEST_TMP/warn.conf"
"$VALGRIND" $VG_OPTS --log-file="$TEST_TMP/vg-check.log" \
    "$top_builddir/cimheadd" -n -f "$TEST_TMP/warn.conf" >"$TEST_TMP/n.out" 2>&1
is "$?" 0 "cimheadd -n with a warning under valgrind: exit 0"
grep -q 'no command' "$TEST_TMP/n.out"; ok $? "it warns"
vg_clean "$TEST_TMP/vg-check.log" "cimheadd -n"

# the CLI: one enumeration, one call that fails (a node answering 500)
URL="http://127.0.0.1:$(mock_port a)/root/cimv2"
"$VALGRIND" $VG_OPTS --log-file="$TEST_TMP/vg-cli.log" "$CIMHEAD" enum "$URL" Win32_Process \
    >"$TEST_TMP/enum.json" 2>"$TEST_TMP/enum.err"
is "$?" 0 "cimhead enum under valgrind: exit 0"
grep -q 'vodstream.exe' "$TEST_TMP/enum.json"; ok $? "the enumeration lists vodstream.exe"
vg_clean "$TEST_TMP/vg-cli.log" "cimhead enum"
node_ctl a fault '{"kind": "http500"}' >/dev/null
"$VALGRIND" $VG_OPTS --log-file="$TEST_TMP/vg-cli2.log" "$CIMHEAD" enum "$URL" Win32_Process \
    >"$TEST_TMP/enum2.json" 2>&1
st=$?
[ "$st" -ne 0 ] && [ "$st" -ne 99 ]; ok $? "cimhead enum against a 500: fails cleanly ($st)"
vg_clean "$TEST_TMP/vg-cli2.log" "cimhead enum (error)"

done_testing
