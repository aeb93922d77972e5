#!/bin/sh
# metrics_promtool.sh: GET /metrics of a running cimheadd passes
# `promtool check metrics' without a word (lint included) at start, after
# viewers, reloads good and bad and a node gone down; and the families of
# issue 16 are there and plausible: build_info, the reload's result and
# time, the decision and probe-round histograms, the per-node query
# histogram, and the per-node gauges (state and its time, eligible, weight,
# sample age, utilisation, sessions, capacity).  Node names cannot hold
# the bytes label values escape (cimheadd.conf(5)): test_admin renders
# one that does and runs promtool on it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
command -v promtool >/dev/null || skip_all "promtool not installed"

start_cluster '{ "nodes": [ { "name": "m1" }, { "name": "m2" },
  { "name": "m3" } ] }'
NODECONF_m2="weight = 2"
# The strict model: every viewer waits on a probe round, so the round
# histogram has something to count.
write_conf "$TEST_TMP/c.conf" "freshness = 0"
now_s() { "$PYTHON3" -c 'import time; print("%.3f" % time.time())'; }
t_start=$(now_s)
start_daemon "$TEST_TMP/c.conf"
for n in m1 m2 m3; do wait_field $n state up 5; done
wait_for 5 all_sampled

# snap: the page now, in $TEST_TMP/m; m NAME [LABELS]: one of its values
# (empty when absent); promtool_quiet: promtool said nothing, exit 0.
snap() { curl -s --max-time 5 "http://$ADMIN/metrics" >"$TEST_TMP/m"; }
m() {
	if [ -n "${2:-}" ]; then _k="$1{$2}"; else _k=$1; fi
	awk -v k="$_k" '$1 == k { print $2 }' "$TEST_TMP/m"
}
promtool_quiet() {
	out=$(promtool check metrics <"$TEST_TMP/m" 2>&1); st=$?
	[ -n "$out" ] && printf '%s\n' "$out" | sed 's/^/# promtool: /'
	[ "$st" -eq 0 ] && [ -z "$out" ]
}
# A float comparison: ge A B, gt A B, le A B
ge() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 >= b + 0) }'; }
gt() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 > b + 0) }'; }
le() { awk -v a="$1" -v b="$2" 'BEGIN { exit !(a != "" && a + 0 <= b + 0) }'; }
# hist_sane: every histogram's buckets cumulative, +Inf equal to _count,
# every family with HELP and TYPE and its samples together.
hist_sane() {
	"$PYTHON3" - "$TEST_TMP/m" <<'PY'
import re, sys
fams, order, hist = {}, [], {}
cur = None
for line in open(sys.argv[1]):
    line = line.rstrip("\n")
    if line.startswith("# HELP "):
        cur = line.split()[2]
        fams.setdefault(cur, {})["help"] = 1
        order.append(cur)
        continue
    if line.startswith("# TYPE "):
        _, _, name, typ = line.split()
        assert name == cur, "TYPE %s after HELP %s" % (name, cur)
        fams[name]["type"] = typ
        continue
    m = re.match(r'^([a-z_]+)(\{(.*)\})? (\S+)$', line)
    assert m, "bad line: %r" % line
    name, labels, val = m.group(1), m.group(3) or "", float(m.group(4))
    base = re.sub(r'_(bucket|sum|count)$', '', name) \
        if fams.get(cur, {}).get("type") == "histogram" else name
    assert base == cur, "%s outside its family (%s)" % (name, cur)
    if fams[cur]["type"] == "histogram":
        lab = re.sub(r',?le="[^"]*"', '', labels)
        h = hist.setdefault((cur, lab), {"b": [], "count": None})
        if name.endswith("_bucket"):
            h["b"].append(val)
        elif name.endswith("_count"):
            h["count"] = val
assert len(order) == len(set(order)), "a family twice"
for (f, lab), h in hist.items():
    assert h["b"] == sorted(h["b"]), "%s{%s}: not cumulative" % (f, lab)
    assert h["b"][-1] == h["count"], "%s{%s}: +Inf != count" % (f, lab)
for f, v in fams.items():
    assert "type" in v, "%s: no TYPE" % f
PY
}

# ---- at start ----------------------------------------------------------
snap
promtool_quiet; ok $? "promtool check metrics: silent at start"
hist_sane; ok $? "histograms cumulative, +Inf = count; HELP, TYPE, families whole"
ver=$("$CIMHEADD" -V | awk '{print $2}')
is "$(m cimheadd_build_info "version=\"$ver\"")" 1 "cimheadd_build_info{version=\"$ver\"} 1"
is "$(m cimheadd_config_last_reload_successful)" 1 "the config at start: successful"
t0=$(m cimheadd_config_last_reload_success_timestamp_seconds)
t_now=$(now_s)
ge "$t0" "$t_start" && le "$t0" "$t_now"; ok $? "its time is the start's ($t_start <= $t0 <= $t_now)"
for n in m1 m2 m3; do
	is "$(m cimheadd_node_state "node=\"$n\",state=\"up\"")" 1 "$n: state up is 1"
	is "$(m cimheadd_node_state "node=\"$n\",state=\"down\"")" 0 "$n: state down is 0"
	is "$(m cimheadd_node_eligible "node=\"$n\"")" 1 "$n: eligible"
	s=$(m cimheadd_node_state_since_timestamp_seconds "node=\"$n\"")
	ge "$s" "$t_start" && le "$s" "$t_now"; ok $? "$n: state since $s, after the start"
	a=$(m cimheadd_node_sample_age_seconds "node=\"$n\"")
	ge "$a" 0 && le "$a" $((30 * SLOW)); ok $? "$n: sample age ${a}s"
	for r in cpu mem net; do
		u=$(m cimheadd_node_utilisation_ratio "node=\"$n\",resource=\"$r\"")
		ge "$u" 0 && le "$u" 1; ok $? "$n: $r utilisation $u, a ratio"
	done
	ge "$(m cimheadd_node_sessions "node=\"$n\"")" 0; ok $? "$n: sessions"
	c=$(m cimheadd_node_capacity_sessions "node=\"$n\"")
	gt "$c" 0; ok $? "$n: capacity $c sessions"
	# Room counts half a session of rounding (room-slack) over it.
	rm_=$(m cimheadd_node_room "node=\"$n\"")
	le "$rm_" "$(awk -v c="$c" 'BEGIN { print c + 1 }')"
	ok $? "$n: room $rm_ within the capacity"
done
is "$(m cimheadd_node_weight 'node="m1"')" 1 "m1: weight 1"
is "$(m cimheadd_node_weight 'node="m2"')" 2 "m2: weight 2 (its config)"
# The prior cost is per weight: m2 is estimated to hold twice m1.
c1=$(m cimheadd_node_capacity_sessions 'node="m1"')
c2=$(m cimheadd_node_capacity_sessions 'node="m2"')
gt "$c2" "$c1"; ok $? "m2 (weight 2) holds more than m1 ($c2 > $c1)"

# ---- viewers -------------------------------------------------------------
n302=0; n503=0
for i in 1 2 3 4 5 6 7; do
	case $(watch "v$i.mp4" | cut -d' ' -f1) in
	302) n302=$((n302 + 1)) ;;
	503) n503=$((n503 + 1)) ;;
	esac
done
is "$((n302 + n503))" 7 "seven viewers answered 302 or 503 ($n302 / $n503)"
snap
promtool_quiet; ok $? "promtool check metrics: silent after viewers"
hist_sane; ok $? "histograms still sane"
is "$(m cimheadd_decision_duration_seconds_count)" 7 "decision histogram: one per viewer"
is "$(m cimheadd_decision_duration_seconds_bucket 'le="+Inf"')" 7 "its +Inf bucket too"
ds=$(m cimheadd_decision_duration_seconds_sum)
# (ms resolution: a quick round may read 0)
ge "$ds" 0 && le "$ds" $((7 * 2 * SLOW)); ok $? "its sum: ${ds}s, each within the decision deadline"
d302=0
for n in m1 m2 m3; do
	d302=$((d302 + $(m cimheadd_dispatch_total "node=\"$n\",result=\"302\"")))
done
is "$d302" "$n302" "the 302s by node add up to what the viewers got"
rounds=$(m cimheadd_probe_rounds_total)
gt "$rounds" 0; ok $? "the strict model probed on rounds ($rounds)"
is "$(m cimheadd_probe_round_duration_seconds_count)" "$rounds" \
    "round histogram: one per round started, all ended"
for n in m1 m2 m3; do
	q=$(($(m cimheadd_queries_total "node=\"$n\",outcome=\"ok\"") + \
	    $(m cimheadd_queries_total "node=\"$n\",outcome=\"error\"")))
	is "$(m cimheadd_query_duration_seconds_count "node=\"$n\"")" "$q" \
	    "$n: its query histogram counts its $q queries"
	gt "$(m cimheadd_query_duration_seconds_sum "node=\"$n\"")" 0
	ok $? "$n: and their time"
done
grep -q '^cimheadd_query_duration_seconds_count ' "$TEST_TMP/m"
ok $((!$?)) "no unlabelled query histogram beside the per-node ones"

# ---- reloads -------------------------------------------------------------
# A good one: the time moves on (ms resolution; a little later for sure).
sleep 1
kill -HUP "$DAEMON_PID"
wait_for 5 eval '[ "$(log_count "reloaded ")" -ge 1 ]'
snap
is "$(m cimheadd_config_last_reload_successful)" 1 "a good reload: successful"
t1=$(m cimheadd_config_last_reload_success_timestamp_seconds)
gt "$t1" "$t0"; ok $? "and its time advanced ($t0 -> $t1)"
# A bad one: 0, and the last success's time stays.
cp "$TEST_TMP/c.conf" "$TEST_TMP/good.conf"
printf '[cimheadd]\nmax-cpu = lots\n' >"$TEST_TMP/c.conf"
kill -HUP "$DAEMON_PID"
wait_for 5 eval '[ "$(log_count "keeping the running config")" -ge 1 ]'
snap
is "$(m cimheadd_config_last_reload_successful)" 0 "a bad reload: 0"
is "$(m cimheadd_config_last_reload_success_timestamp_seconds)" "$t1" \
    "the last success's time stays"
promtool_quiet; ok $? "promtool check metrics: silent after a bad reload"
cp "$TEST_TMP/good.conf" "$TEST_TMP/c.conf"

# ---- a node fails ----------------------------------------------------------
since3=$(m cimheadd_node_state_since_timestamp_seconds 'node="m3"')
node_ctl m3 fault '{"kind": "refuse"}' >/dev/null
admin_post m3 probe >/dev/null
down3() {
	snap
	[ "$(m cimheadd_node_state 'node="m3",state="down"')" = 1 ]
}
wait_for 10 down3; ok $? "m3 refusing: its state gauge flips to down"
is "$(m cimheadd_node_state 'node="m3",state="up"')" 0 "and up to 0"
is "$(m cimheadd_node_eligible 'node="m3"')" 0 "m3 is not eligible"
is "$(m cimheadd_node_eligible 'node="m1"')" 1 "m1 still is"
gt "$(m cimheadd_node_state_since_timestamp_seconds 'node="m3"')" "$since3"
ok $? "m3's state since moved on ($since3 -> $(m cimheadd_node_state_since_timestamp_seconds 'node="m3"'))"
gt "$(m cimheadd_probe_errors_total 'node="m3",kind="transport"')" 0
ok $? "m3's failed probes counted as transport errors"
promtool_quiet; ok $? "promtool check metrics: silent with a node down"
hist_sane; ok $? "histograms still sane"

# Viewers with m3 down: still one decision each, none to m3.
before3=$(m cimheadd_dispatch_total 'node="m3",result="302"')
for i in 1 2 3; do watch "w$i.mp4" >/dev/null; done
snap
is "$(m cimheadd_decision_duration_seconds_count)" 10 "ten viewers, ten decisions"
is "$(m cimheadd_dispatch_total 'node="m3",result="302"')" "$before3" "none sent to m3"
promtool_quiet; ok $? "promtool check metrics: silent at the end"

kill -0 "$DAEMON_PID"; ok $? "cimheadd still running"
stop_daemon
done_testing
