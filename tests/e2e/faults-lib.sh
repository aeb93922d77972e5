# faults-lib.sh: the steps every row of the fault matrix (tests/FAULTS.md)
# shares.  Sourced after tests/lib.sh, mock_lib.sh and daemon-lib.sh.
#
# A cluster of healthy nodes ($GOOD) and faulty ones ($FAULTY); for each
# fault the four properties of issue #7 are checked: the other viewers
# keep getting 302s within the decision deadline (+ a margin for a loaded
# machine); no 302 points at a faulty node while it is faulty; the JSON API
# and /metrics account for the fault by its kind; the node serves again
# once the fault is cleared.

DECISION_MS=${DECISION_MS:-800}
MARGIN_MS=${MARGIN_MS:-1500}

# fault_conf FILE [EXTRA]: write_conf with the matrix's timings: round-robin
# so every eligible node gets viewers (a node that is back must get some),
# fast re-checks so a cleared node returns within seconds, and the strict
# model (freshness = 0), where every viewer's round probes every node, so
# the viewer after a fault sees it (the probe pool sees it at the node's
# next refresh; daemon_balance.sh tests the pool).
fault_conf() {
	write_conf "$1" "freshness = 0
decision-timeout = ${DECISION_MS}ms
query-timeout = 2s
suspect-after = 2
recheck = 200ms
recheck-max = 1s
policy = round-robin
${2:-}"
}

# viewers N TAG [AVOID...]: N viewers.  V_SLOW counts those answered later
# than the decision deadline + margin, V_BAD those not answered 302,
# V_HIT those sent to a node in AVOID; V_TO lists where they went.
viewers() {
	_vn=$1 _vt=$(echo "$2" | tr -c 'A-Za-z0-9_\n-' '-')
	shift 2
	V_SLOW=0 V_BAD=0 V_HIT=0 V_TO=""
	_vi=0
	while [ "$_vi" -lt "$_vn" ]; do
		_vr=$(curl -s -o /dev/null --max-time 10 \
		    -w '%{http_code} %{time_total} %{redirect_url}' \
		    "http://$VIEWER/watch/$_vt-$_vi.mp4")
		_vc=${_vr%% *}
		_vms=$(echo "$_vr" | awk '{printf "%d", $2 * 1000}')
		_vnode=$(node_of "${_vr##* }")
		[ "$_vc" = 302 ] || { V_BAD=$((V_BAD + 1)); echo "# $_vt-$_vi: $_vr"; }
		[ "$_vms" -gt $((DECISION_MS + MARGIN_MS)) ] &&
		    { V_SLOW=$((V_SLOW + 1)); echo "# $_vt-$_vi: $_vr"; }
		for _va in "$@"; do
			[ "$_vnode" = "$_va" ] && V_HIT=$((V_HIT + 1))
		done
		V_TO="$V_TO $_vnode"
		_vi=$((_vi + 1))
	done
}

# jnode NODE EXPR: a Python expression over that node's API object n.
jnode() {
	api | "$PYTHON3" -c 'import json, sys
for n in json.load(sys.stdin)["nodes"]:
    if n["name"] == sys.argv[1]:
        v = eval(sys.argv[2])
        print(str(v).lower() if isinstance(v, bool) else v)' "$1" "$2"
}

# metric NAME LABELS: one sample of /metrics, e.g. metric
# cimheadd_probe_errors_total 'node="n1",kind="timeout"'; 0 when absent.
metric() {
	curl -s --max-time 5 "http://$ADMIN/metrics" |
	    awk -v k="$1{$2}" '$1 == k { v = $2 } END { print v + 0 }'
}

# wait_until SECONDS SHELL-CONDITION (SECONDS x SLOW, as wait_for)
wait_until() { wait_for "$1" eval "$2"; }

# count_in WORD LIST...: how often WORD is in the list.
count_in() {
	_cw=$1; shift
	_cn=0
	for _cx in "$@"; do [ "$_cx" = "$_cw" ] && _cn=$((_cn + 1)); done
	echo $_cn
}

# matrix_row LABEL FAULT-JSON ERRKIND ERROR-REGEX: one fault on every node
# of $FAULTY at once (a CIM-XML and a WS-Man node), checked end to end.
matrix_row() {
	_ml=$1 _mj=$2 _mk=$3 _mre=$4
	echo "# $(date +%T) $_ml: $_mj"
	for _mn in $FAULTY; do
		wait_field "$_mn" state up 15 ||
		    echo "# $_mn not up before $_ml: $(field "$_mn" last_error)"
		eval "_mb_$_mn=$(metric cimheadd_probe_errors_total \
		    "node=\"$_mn\",kind=\"$_mk\"")"
	done
	for _mn in $FAULTY; do
		node_ctl "$_mn" fault "$_mj" >/dev/null
	done

	# While the fault lasts: viewers, then the node's way out of service.
	viewers 4 "$_ml-a" $FAULTY
	_ms=$V_SLOW _mh=$V_HIT _mbad=$V_BAD
	for _mn in $FAULTY; do
		wait_until 20 "[ \"\$(field $_mn state)\" = down ]"
		ok $? "$_ml: $_mn leaves service (down after suspect-after failed probes)"
	done
	viewers 4 "$_ml-b" $FAULTY
	_ms=$((_ms + V_SLOW)) _mh=$((_mh + V_HIT)) _mbad=$((_mbad + V_BAD))
	is "$_mbad/$_ms" 0/0 "$_ml: 8 viewers meanwhile: all 302, none later than ${DECISION_MS}+${MARGIN_MS} ms"
	is "$_mh" 0 "$_ml: no viewer sent to a faulty node ($FAULTY)"
	for _mn in $FAULTY; do
		is "$(jnode "$_mn" 'n["last_error_kind"]')" "$_mk" \
		    "$_ml: $_mn API: last_error_kind $_mk"
		jnode "$_mn" 'n["last_error"]' | grep -Eqi "$_mre"
		ok $? "$_ml: $_mn API: last_error says /$_mre/ ($(field "$_mn" last_error))"
		eval "_mb=\$_mb_$_mn"
		_ma=$(metric cimheadd_probe_errors_total \
		    "node=\"$_mn\",kind=\"$_mk\"")
		# The API is read after /metrics: a re-check may add one.
		_mj2=$(jnode "$_mn" "n['probe_errors']['$_mk']")
		[ "$_ma" -ge $((_mb + 2)) ] && [ "$_mj2" -ge "$_ma" ]
		ok $? "$_ml: $_mn metrics: cimheadd_probe_errors_total{kind=\"$_mk\"} $_mb -> $_ma, API probe_errors.$_mk $_mj2"
	done

	# Cleared: back in service, and viewers again.
	for _mn in $FAULTY; do
		node_ctl "$_mn" clear >/dev/null
	done
	for _mn in $FAULTY; do
		wait_field "$_mn" state up 15
		ok $? "$_ml: cleared, $_mn is up again"
	done
	viewers 8 "$_ml-c"
	for _mn in $FAULTY; do
		[ "$(count_in "$_mn" $V_TO)" -ge 1 ]
		ok $? "$_ml: $_mn gets viewers again ($V_TO)"
	done
}

# cim_round NODE:CODE[:SEEN]...: every NODE answers with CIM status CODE
# at once (SEEN: the code the API reports, when the protocol maps it).
cim_round() {
	_faulty=""
	for _p in "$@"; do
		_n=${_p%%:*} _c=${_p#*:}
		_c=${_c%%:*}
		wait_field "$_n" state up 15 || echo "# $_n not up"
		eval "_b_$_n=$(metric cimheadd_probe_errors_total \
		    "node=\"$_n\",kind=\"cim\"")"
		node_ctl "$_n" fault "{\"kind\": \"cimerror\", \"code\": $_c}" \
		    >/dev/null
		_faulty="$_faulty $_n"
	done
	viewers 3 "cim-$1-a" $_faulty
	_s=$V_SLOW _h=$V_HIT _bad=$V_BAD
	for _p in "$@"; do
		_n=${_p%%:*} _c=${_p##*:}
		wait_until 20 "[ \"\$(field $_n state)\" = down ]"
		_st=$?
		_m=$(metric cimheadd_probe_errors_total "node=\"$_n\",kind=\"cim\"")
		_got=$(jnode "$_n" '"%s %s %s" % (n["last_error_kind"],
    n["last_error_code"], n["probe_errors"]["cim"])')
		_j=${_got##* }
		eval "_b=\$_b_$_n"
		# The API is read after /metrics: a re-check may add one.
		[ $_st -eq 0 ] && [ "${_got% *}" = "cim $_c" ] &&
		    [ "$_m" -ge $((_b + 2)) ] && [ "$_j" -ge "$_m" ]
		ok $? "CIM error $_c on $_n: down; API kind cim, code $_c ($_got); cimheadd_probe_errors_total{kind=\"cim\"} $_b -> $_m"
	done
	viewers 3 "cim-$1-b" $_faulty
	_s=$((_s + V_SLOW)) _h=$((_h + V_HIT)) _bad=$((_bad + V_BAD))
	is "$_bad/$_s/$_h" 0/0/0 "codes $*: other viewers all 302 in time, none to a faulty node"
	for _n in $_faulty; do node_ctl "$_n" clear >/dev/null; done
	_back=0
	for _n in $_faulty; do
		wait_field "$_n" state up 15 && _back=$((_back + 1))
	done
	# a rotation: round-robin evens active sessions, not streams ever
	# sent, so a node back from a fault is not owed the next viewers
	viewers "$(echo $NODES | wc -w)" "cim-$1-c"
	_served=0
	for _n in $_faulty; do
		[ "$(count_in "$_n" $V_TO)" -ge 1 ] && _served=$((_served + 1))
	done
	is "$_back/$_served" "$#/$#" "codes $*: cleared, every node up and given a viewer again ($V_TO)"
}

# matrix_rows: the whole of a two-protocol matrix script.  Starts good1,
# good2 and a faulty CIM-XML (bad) and WS-Man (wsbad) node behind the
# daemon, runs matrix_row for each "label|fault|kind|last_error regex"
# row read from stdin, and checks the daemon lived through all of them.
matrix_rows() {
	_rows=$(cat)	# read first: nothing below may eat the rows
	start_cluster '{ "nodes": [ { "name": "good1" }, { "name": "good2" },
	  { "name": "bad" }, { "name": "wsbad" } ] }'
	NODEWSMAN_wsbad=1
	FAULTY="bad wsbad"
	fault_conf "$TEST_TMP/c.conf"
	start_daemon "$TEST_TMP/c.conf"
	for n in $NODES; do
		wait_field "$n" state up 10 || echo "# $n not up"
	done
	while IFS='|' read -r label json kind re; do
		[ -n "$label" ] || continue
		matrix_row "$label" "$json" "$kind" "$re"
	done <<ROWS
$_rows
ROWS
	kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
	done_testing
}
