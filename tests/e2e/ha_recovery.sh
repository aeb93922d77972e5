#!/bin/sh
# ha_recovery.sh: two cimheadd in front of the same node, as an
# active/passive pair runs them, without keepalived (ha_pair.sh has it).
#
# - recovery = off (head-end B): a dead process takes the node down with
#   the reason, and B never calls Create; A, recovery on, restarts it.
# - The recovery owner switched at run time: GET/POST /api/v1/recovery
#   and `cimhead recovery on|off|status`; a reload keeps the API's word
#   unless the recovery key changed in the file.
# - Both on, one death -> one Create: B looks after A restarted it, finds
#   the process listed (the node lists a process from Create on, as
#   Windows does: the mock's list_starting) and restarts nothing.  The
#   mock's own count of Create calls (its control API's "creates") is
#   the measure: the issue saw 2 for each of 4 deaths.
# - /readyz on both listeners: ready with the nodes answering, still
#   ready with every node drained or idle past ready-window, 503 with the
#   reason once no node answers, ready again after; /healthz stays 200.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
CIMHEAD=$top_builddir/cimhead

start_cluster '{ "nodes": [ { "name": "n1", "start_delay_ms": 1500,
  "list_starting": true } ] }'
# ready-window at least twice query-timeout (3 s x SLOW in write_conf).
RW=$((6 * SLOW + 1))
write_conf "$TEST_TMP/a.conf" "ready-window = ${RW}s
restart-grace = 2s
recheck-max = 1s"
# B's readiness keeper stays quiet (B is probed by hand): a probe of its
# own between a kill and A's Create would be the race ha_pair.sh covers.
write_conf "$TEST_TMP/b.conf" "ready-window = 120s
restart-grace = 2s
recheck = 8s
recheck-max = 30s
recovery = off"

# head A, then B: each with its own log; VIEWER_x, ADMIN_x, PID_x
start_head() {
	rm -f "$TEST_TMP/ports"
	"$CIMHEADD" -f "$TEST_TMP/$1.conf" -P "$TEST_TMP/ports" \
	    2>>"$TEST_TMP/$1.log" &
	eval "PID_$1=$!"
	TEST_PIDS="$TEST_PIDS $!"
	wait_for_file "$TEST_TMP/ports" 10 ||
	    { echo "# cimheadd $1 did not start"; cat "$TEST_TMP/$1.log"; exit 1; }
	eval "VIEWER_$1=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")"
	eval "ADMIN_$1=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")"
}
start_head a
start_head b
# on HEAD: the daemon-lib helpers (field, wait_field, api) for that one
on() { eval "ADMIN=\$ADMIN_$1 VIEWER=\$VIEWER_$1"; }
code() { curl -s -o /dev/null -w '%{http_code}' "$@"; }
body() { curl -s "$@"; }
creates() { node_get n1 creates; }
creates_is() { [ "$(creates)" = "$1" ]; }
probe() { curl -s -o /dev/null -X POST "http://$1/api/v1/nodes/n1/probe"; }
rec() { curl -s "http://$1/api/v1/recovery" | "$PYTHON3" -c \
    'import json, sys; j = json.load(sys.stdin); print(j["recovery"], j["source"], j["config"])'; }

on a; wait_field n1 state up 10; ok $? "head A: n1 up"
on b; wait_field n1 state up 10; ok $? "head B: n1 up"

# --- /readyz ------------------------------------------------------------
for h in a b; do
	eval "v=\$VIEWER_$h a=\$ADMIN_$h"
	is "$(code "http://$v/readyz")/$(body "http://$v/readyz")" "200/ready" \
	    "head $h: viewer /readyz 200 ready"
	is "$(code "http://$a/readyz")" 200 "head $h: admin /readyz 200"
done
is "$(code -X POST "http://$VIEWER_a/readyz")" 405 "POST /readyz: 405"

# --- the recovery owner ---------------------------------------------------
is "$(rec "$ADMIN_a")" "on config on" "A: GET /api/v1/recovery: on, from the config"
is "$(rec "$ADMIN_b")" "off config off" "B: recovery = off in its config"
is "$("$CIMHEAD" -a "$ADMIN_b" --format text recovery status)" \
    "recovery off (set by the config; the config says off)" \
    "cimhead recovery status"
is "$(code -X PUT "http://$ADMIN_b/api/v1/recovery/on")" 405 "PUT: 405"
is "$(code -X POST "http://$ADMIN_b/api/v1/recovery/maybe")" 404 "recovery/maybe: 404"
is "$(code -X POST -H 'Origin: http://evil.example' \
    "http://$ADMIN_b/api/v1/recovery/on")" 403 "a cross-origin POST: 403"
is "$(rec "$ADMIN_b")" "off config off" "... and nothing switched"

# B, recovery off, sees the death: down, no Create.  (A, drained, looks
# on without restarting: its readiness keeper probes too.)
on a; is "$(admin_post n1 drain)" 200 "A: drain n1 while B looks"
c0=$(creates)
node_ctl n1 kill >/dev/null
probe "$ADMIN_b"
on b; wait_field n1 state down 10; ok $? "recovery off: B takes n1 down"
field n1 last_error | grep -q "recovery is off"
ok $? "B says why: $(field n1 last_error)"
sleep 1	# the test: a second in which B may not restart
is "$(creates)" "$c0" "recovery off: B called no Create"
grep -q "node n1: restarting" "$TEST_TMP/b.log"
ok $((!$?)) "B logged no restart"
# Switched on at run time (keepalived's notify script for MASTER): B
# looks at the node it left down at once, not at its next re-check (8 s
# away), and restarts it.
out=$("$CIMHEAD" -a "$ADMIN_b" --format text recovery on)
is "$out" "recovery on (set by the admin; the config says off)" "cimhead recovery on"
is "$(rec "$ADMIN_b")" "on admin off" "GET: on, from the admin API"
grep -q "recovery on on this head-end (admin)" "$TEST_TMP/b.log"
ok $? "the switch is logged"
wait_for 4 creates_is $((c0 + 1)); ok $? "B, now on, restarts n1 at once: one Create"
on b; wait_field n1 state up 15; ok $? "B: n1 up again"
on a; is "$(admin_post n1 enable)" 200 "A: enable n1"
wait_field n1 state up 15; ok $? "A: n1 up"

# --- both on: one Create per death ------------------------------------------
for i in 1 2 3; do
	c0=$(creates)
	node_ctl n1 kill >/dev/null
	probe "$ADMIN_a"
	wait_for 10 creates_is $((c0 + 1)); ok $? "death $i: A restarts it"
	probe "$ADMIN_b"
	on b; wait_field n1 process running 10
	on a; wait_field n1 state up 15
	wait_for 10 eval '[ "$(node_get n1 process)" = running ]'
	is "$(creates)" $((c0 + 1)) "death $i: exactly one Create for both head-ends"
done

# --- reload keeps the API's word unless the key changed ---------------------
kill -HUP "$PID_b"
wait_for 10 eval '[ "$(grep -c "reloaded" "$TEST_TMP/b.log")" -ge 1 ]'
is "$(rec "$ADMIN_b")" "on admin off" "reload, recovery key unchanged: the API's on stays"
sed 's/^recovery = off$/recovery = on/' "$TEST_TMP/b.conf" >"$TEST_TMP/b2" &&
    mv "$TEST_TMP/b2" "$TEST_TMP/b.conf"
"$CIMHEAD" -a "$ADMIN_b" recovery off >/dev/null
is "$(rec "$ADMIN_b")" "off admin off" "cimhead recovery off"
kill -HUP "$PID_b"
wait_for 10 eval '[ "$(grep -c "reloaded" "$TEST_TMP/b.log")" -ge 2 ]'
is "$(rec "$ADMIN_b")" "on config on" "reload, key changed to on: the file wins"

# --- /readyz: drained, idle, silent nodes ------------------------------------
curl -s "http://$ADMIN_a/metrics" | grep -q '^cimheadd_restarts_skipped_total '
ok $? "/metrics has cimheadd_restarts_skipped_total"
on a
is "$(admin_post n1 drain)" 200 "A: drain n1 (every node drained)"
is "$(watch t1 | cut -d' ' -f1)" 503 "drained: the viewer gets 503"
sleep $((RW + 1))	# the test: idle and drained past ready-window
is "$(code "http://$VIEWER_a/readyz")" 200 \
    "every node drained, idle past ready-window: still ready"
is "$(admin_post n1 enable)" 200 "A: enable n1"
wait_field n1 state up 10
is "$(watch t2 | cut -d' ' -f1)" 302 "enabled: viewers get 302"
# No node answers: not ready within ready-window (+ a probe's deadline).
node_ctl n1 fault '{"kind": "refuse"}' >/dev/null
t0=$(ms)
wait_for $((RW + 8)) eval '[ "$(code "http://$VIEWER_a/readyz")" = 503 ]'
ok $? "node refusing: A not ready after $(($(ms) - t0)) ms"
body "http://$VIEWER_a/readyz" | grep -q "^not ready: no node answered"
ok $? "the reason: $(body "http://$VIEWER_a/readyz")"
is "$(code "http://$ADMIN_a/readyz")" 503 "admin /readyz agrees"
is "$(code "http://$VIEWER_a/healthz")" 200 "/healthz stays 200 (liveness)"
node_ctl n1 clear >/dev/null
wait_for 15 eval '[ "$(code "http://$VIEWER_a/readyz")" = 200 ]'
ok $? "the node answers again: ready"

kill -0 "$PID_a" && kill -0 "$PID_b"; ok $? "both head-ends still running"
done_testing
