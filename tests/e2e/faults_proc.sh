#!/bin/sh
# faults_proc.sh: the fault matrix's process rows (tests/FAULTS.md): a
# streaming server that dies again shortly after every restart (flapping),
# and restarts that always fail -- Win32_Process.Create returning 2, 9 or
# 21, or returning 0 while the process never appears -- over CIM-XML and
# WS-Management.  The node is never given a viewer while its process is
# down, restarts stop at restart-limit and the API and metrics say so, the
# other viewers are served in time, and the operator brings the node back
# once the fault is cleared (POST .../restart or .../enable).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

start_cluster '{ "nodes": [ { "name": "good1" }, { "name": "good2" },
  { "name": "flap", "start_delay_ms": 200 },
  { "name": "nostart", "start_delay_ms": 200 },
  { "name": "wsnostart", "start_delay_ms": 200 } ] }'
NODEWSMAN_wsnostart=1
fault_conf "$TEST_TMP/c.conf" "restart-limit = 3
restart-window = 1m
restart-backoff = 100ms"
start_daemon "$TEST_TMP/c.conf"
for n in $NODES; do wait_field "$n" state up 10 || echo "# $n not up"; done

# watch_proc NODE SECONDS UNTIL: viewers one after another until the shell
# condition UNTIL holds; P_DOWNHIT counts those sent to NODE although its
# process was not running just before and just after the decision.
watch_proc() {
	P_DOWNHIT=0 P_SLOW=0 P_BAD=0 P_TO=""
	_pi=0
	while [ $_pi -lt $(($2 * 4)) ] && ! eval "$3"; do
		_before=$(node_get "$1" process)
		viewers 1 "$1-$_pi" "$1"
		_after=$(node_get "$1" process)
		P_SLOW=$((P_SLOW + V_SLOW)) P_BAD=$((P_BAD + V_BAD))
		P_TO="$P_TO$V_TO"
		[ "$V_HIT" -gt 0 ] && [ "$_before" != running ] &&
		    [ "$_after" != running ] && P_DOWNHIT=$((P_DOWNHIT + 1))
		_pi=$((_pi + 1))
	done
	eval "$3"
}

# --- flapping: the process dies 1.5 s after every start ------------------
node_ctl flap fault '{"kind": "flap", "lifetime_ms": 1500}' >/dev/null
watch_proc flap 40 '[ "$(jnode flap "n[\"restart_limit_reached\"]")" = true ]'
ok $? "flapping: cimheadd stops at the restart limit"
is "$P_DOWNHIT" 0 "flapping: no viewer sent to flap while its process was down"
is "$P_BAD/$P_SLOW" 0/0 "flapping: other viewers all 302, none later than ${DECISION_MS}+${MARGIN_MS} ms"
is "$(field flap state)" down "flapping: flap is down"
field flap last_error | grep -q "restart limit"
ok $? "flapping: last_error says the restart limit ($(field flap last_error))"
is "$(field flap restarts)/$(metric cimheadd_restarts_total 'node="flap"')" 3/3 \
    "flapping: exactly restart-limit (3) restarts, in the API and metrics"
is "$(metric cimheadd_restart_limit_reached 'node="flap"')" 1 \
    "flapping: cimheadd_restart_limit_reached{node=\"flap\"} 1"
viewers 6 flap-after flap
sleep 1	# the test: a second in which no restart may happen
is "$V_HIT/$(field flap restarts)" 0/3 "flapping: past the limit no viewer and no further restart"
# Cleared, the operator restarts it: it stays up and serves.
node_ctl flap clear >/dev/null
is "$(admin_post flap restart)" 200 "flapping cleared: POST .../restart accepted"
wait_field flap state up 10; ok $? "flapping cleared: flap is up again"
is "$(jnode flap 'n["restart_limit_reached"]')" false "flapping cleared: limit no longer reported"
viewers 6 flap-back
[ "$(count_in flap $V_TO)" -ge 1 ]; ok $? "flapping cleared: flap gets viewers again ($V_TO)"

# --- restarts that always fail ---------------------------------------------
# Each row ends with the operator's restart, which counts in the window:
# the next row reaches the limit (3) after two more.
want=3
# code | what the node says | log line
while IFS='|' read -r code say logre; do
	[ -n "$code" ] || continue
	for n in nostart wsnostart; do
		wait_field $n state up 15 || echo "# $n not up before code $code"
		eval "_rf_$n=$(metric cimheadd_restart_failures_total "node=\"$n\"")"
		eval "_rs_$n=$(field $n restarts)"
		node_ctl $n fault "{\"kind\": \"createfail\", \"code\": $code}" >/dev/null
		node_ctl $n kill >/dev/null
	done
	watch_proc nostart 30 '[ "$(jnode nostart "n[\"restart_limit_reached\"]")" = true ] && [ "$(jnode wsnostart "n[\"restart_limit_reached\"]")" = true ]'
	ok $? "Create $say: both nodes stop at the restart limit"
	_hit=$(( $(count_in nostart $P_TO) + $(count_in wsnostart $P_TO) ))
	is "$_hit/$P_BAD/$P_SLOW" 0/0/0 "Create $say: no viewer to nostart or wsnostart; the others all 302 in time"
	for n in nostart wsnostart; do
		eval "_rf=\$_rf_$n _rs=\$_rs_$n"
		_rf2=$(metric cimheadd_restart_failures_total "node=\"$n\"")
		_got=$(jnode $n '"%s %s %s" % (n["state"], n["restarts"], n["restart_failures"])')
		is "$_got" "down $((_rs + want)) $_rf2" "Create $say on $n: down after $want more restarts (the limit), restart_failures as in /metrics"
		is "$((_rf2 - _rf))" $want "Create $say on $n: cimheadd_restart_failures_total rose by $want"
	done
	grep -Eq "node nostart: restart failed: $logre" "$TEST_TMP/daemon.log" &&
	    grep -Eq "node wsnostart: restart failed: $logre" "$TEST_TMP/daemon.log"
	ok $? "Create $say: the failure is logged (/$logre/)"
	sleep 1	# the test: a second in which no restart may happen
	is "$(field nostart restarts)" "$((_rs_nostart + want))" "Create $say: no restart past the limit"
	# Cleared, the operator enables the nodes: restarted, up, serving.
	for n in nostart wsnostart; do
		node_ctl $n clear >/dev/null
		is "$(admin_post $n enable)" 200 "Create $say cleared: POST $n/enable"
	done
	for n in nostart wsnostart; do
		wait_field $n state up 10; ok $? "Create $say cleared: $n restarted and up"
	done
	viewers 8 "nostart-$code"
	[ "$(count_in nostart $V_TO)" -ge 1 ] && [ "$(count_in wsnostart $V_TO)" -ge 1 ]
	ok $? "Create $say cleared: both get viewers again ($V_TO)"
	want=2
done <<'ROWS'
2|returns 2 (access denied)|Create returned 2
9|returns 9 (path not found)|Create returned 9
21|returns 21 (invalid parameter)|Create returned 21
0|returns 0, no process ever appears|vodstream.exe not running
ROWS

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
