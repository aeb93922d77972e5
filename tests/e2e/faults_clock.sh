#!/bin/sh
# faults_clock.sh: the fault matrix's counter rows (tests/FAULTS.md): the
# node's perf timestamps (Timestamp_Sys100NS, Timestamp_PerfTime) step an
# hour forward or backward, or its raw counters restart from zero (and,
# when that clears, jump forward again) -- on a CIM-XML and a WS-Man node.
# The paper's rate formula over such a step reads 100 % busy or idle; the
# daemon must refuse the delta (counted in the API and metrics), keep a
# sane figure, and neither repel its viewers (the node is the least loaded
# one) nor attract others' (it is the most loaded one).  Policy least-load,
# in the strict model (freshness = 0: every viewer probes every node, so a
# step is read at the next viewer), with a small session cost so that the
# viewers' own predicted load (which spreads a quick run of them) does not
# mask what the step does.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
. "$top_srcdir/tests/e2e/faults-lib.sh"

start_cluster '{ "nodes": [ { "name": "good1" }, { "name": "good2" },
  { "name": "jump" }, { "name": "wsjump" } ] }'
NODEWSMAN_wsjump=1
fault_conf "$TEST_TMP/c.conf" "policy = least-load
session-cost = 0.2"
start_daemon "$TEST_TMP/c.conf"
for n in $NODES; do wait_field "$n" state up 10 || echo "# $n not up"; done

# sane NODE CPU: the API's cpu of NODE is known and within 12 points of
# the busy percentage the mock runs it at.
sane() {
	_c=$(jnode "$1" 'n["cpu"]')
	[ "$_c" != None ] &&
	    awk -v c="$_c" -v w="$2" 'BEGIN { exit !(c >= w - 12 && c <= w + 12) }'
}

# phase NODE least|most LABEL FAULT-JSON: NODE the least (or most) loaded
# node; the fault, then its clearing, each a step in its counters.
phase() {
	_n=$1 _how=$2 _l=$3 _j=$4
	for _x in $NODES; do
		if { [ "$_x" = "$_n" ] && [ "$_how" = least ]; } ||
		    { [ "$_x" != "$_n" ] && [ "$_how" = most ]; }; then
			node_ctl "$_x" load '{"base_cpu": 5}' >/dev/null
		else
			node_ctl "$_x" load '{"base_cpu": 40}' >/dev/null
		fi
	done
	[ "$_how" = least ] && _busy=5 || _busy=40
	# Until the daemon reads every node at its new load (a rate over a
	# second, a formatted figure a second late): probes, then a look.
	_s=0
	while [ $_s -lt $((30 * SLOW)) ]; do
		for _x in $NODES; do admin_post "$_x" probe >/dev/null; done
		sleep 0.2
		_ok=1
		for _x in $NODES; do
			if { [ "$_x" = "$_n" ] && [ "$_how" = least ]; } ||
			    { [ "$_x" != "$_n" ] && [ "$_how" = most ]; }; then
				sane "$_x" 5
			else
				sane "$_x" 40
			fi || _ok=0
		done
		[ $_ok = 1 ] && break
		_s=$((_s + 1))
	done
	viewers 2 "$_n-warm"
	_d0=$(metric cimheadd_reading_discontinuities_total "node=\"$_n\"")
	_insane=0 _wrong=0 _slow=0
	for _step in fault clear; do
		if [ $_step = fault ]; then
			node_ctl "$_n" fault "$_j" >/dev/null
		else
			node_ctl "$_n" clear >/dev/null
		fi
		for _i in 1 2 3; do
			viewers 1 "$_n-$_step-$_i"
			_slow=$((_slow + V_SLOW + V_BAD))
			sane "$_n" $_busy ||
			    { _insane=$((_insane + 1)); echo "# $_l $_step: cpu $(jnode "$_n" 'n["cpu"]')"; }
			if [ "$_how" = least ]; then
				[ "$(count_in "$_n" $V_TO)" = 1 ]
			else
				[ "$(count_in "$_n" $V_TO)" = 0 ]
			fi || _wrong=$((_wrong + 1))
		done
	done
	_d1=$(metric cimheadd_reading_discontinuities_total "node=\"$_n\"")
	_dj=$(jnode "$_n" 'n["counter_discontinuities"]')
	is "$_insane" 0 "$_l on $_n: its cpu stays known and near the true $_busy % after the step and after the step back"
	if [ "$_how" = least ]; then
		is "$_wrong" 0 "$_l on $_n: the least loaded node keeps its viewers (not repelled)"
	else
		is "$_wrong" 0 "$_l on $_n: the most loaded node gets no viewer (not attracted)"
	fi
	is "$_slow" 0 "$_l on $_n: every viewer 302 within ${DECISION_MS}+${MARGIN_MS} ms"
	[ "$_d1" -ge $((_d0 + 2)) ] && [ "$_dj" -ge "$_d1" ]
	ok $? "$_l on $_n: both steps counted: cimheadd_reading_discontinuities_total $_d0 -> $_d1 (API $_dj)"
	is "$(field "$_n" state)" up "$_l on $_n: the node stays up"
}

for n in jump wsjump; do
	phase $n least "clock one hour forward" '{"kind": "clockjump", "jump_ms": 3600000}'
	phase $n most "clock one hour back" '{"kind": "clockjump", "jump_ms": -3600000}'
	phase $n most "counters from zero" '{"kind": "wrap"}'
done

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
done_testing
