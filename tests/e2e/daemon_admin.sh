#!/bin/sh
# daemon_admin.sh: the admin API (JSON shape, drain/enable/probe/restart,
# metrics, dashboard), the viewer API's status codes, cimhead's control
# commands, cimheadd -n, SIGHUP reload with a good and a bad config, and
# SIGTERM draining.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"
CIMHEAD=$top_builddir/cimhead

start_cluster '{ "nodes": [ { "name": "n1" }, { "name": "n2" },
  { "name": "n3", "start_delay_ms": 100 } ] }'
write_conf "$TEST_TMP/c.conf"

# cimheadd -n
out=$("$CIMHEADD" -n -f "$TEST_TMP/c.conf" 2>&1); st=$?
is "$st" 0 "-n on a good config: exit 0"
echo "$out" | grep -q "ok (3 nodes)"; ok $? "-n says ok ($out)"
printf '[cimheadd]\npolicy = best\n[node x]\nurl = gopher://x\n' >"$TEST_TMP/bad.conf"
out=$("$CIMHEADD" -n -f "$TEST_TMP/bad.conf" 2>&1); st=$?
[ "$st" -ne 0 ]; ok $? "-n on a bad config: non-zero"
echo "$out" | grep -q "^$TEST_TMP/bad.conf:2: policy"; ok $? "error as file:line ($(echo "$out" | head -1))"
echo "$out" | grep -q "^$TEST_TMP/bad.conf:4: url"; ok $? "every error reported"

start_daemon "$TEST_TMP/c.conf"
for n in n1 n2 n3; do wait_field $n state up 5; done

# viewer API status codes
code() { curl -s -o /dev/null --max-time 5 -w '%{http_code}' "$@"; }
is "$(code "http://$VIEWER/healthz")" 200 "GET /healthz"
is "$(code "http://$VIEWER/watch/..%2Fetc%2Fpasswd")" 400 "traversal: 400"
is "$(code "http://$VIEWER/watch/a%FFb")" 400 "invalid UTF-8: 400"
is "$(code "http://$VIEWER/watch/$(printf 'x%.0s' $(seq 1 300))")" 400 "too long: 400"
is "$(code -X POST "http://$VIEWER/watch/a")" 405 "POST /watch: 405"
is "$(code "http://$VIEWER/nothing")" 404 "unknown path: 404"
is "$(code -I "http://$VIEWER/watch/a.mp4")" 302 "HEAD /watch: 302"

# JSON shape the dashboard relies on
api >"$TEST_TMP/nodes.json"
"$PYTHON3" - "$TEST_TMP/nodes.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1]))
assert d["version"] == 1 and isinstance(d["now_ms"], int)
assert d["policy"] == "least-predicted"
keys = {"name", "url", "protocol", "state", "weight", "sample_age_ms", "cpu",
        "mem", "net", "process", "streams_dispatched", "restarts",
        "last_error", "history", "last_error_kind", "last_error_code",
        "consecutive_failures", "probe_errors", "restart_failures",
        "restart_limit_reached", "counter_discontinuities", "sessions",
        "sessions_counted", "room", "sample_uses", "cost",
        "state_since", "state_why", "eligible", "why", "capacity",
        "departure_rate", "session_length_ms", "session_lag_ms", "trend"}
kinds = {"transport", "timeout", "protocol", "http", "auth", "cim", "toobig",
         "usage"}
for n in d["nodes"]:
    assert set(n) == keys, set(n) ^ keys
    assert set(n["probe_errors"]) == kinds, set(n["probe_errors"]) ^ kinds
    assert isinstance(n["restart_limit_reached"], bool)
    assert isinstance(n["eligible"], bool) and isinstance(n["why"], str)
    assert isinstance(n["state_since"], int) and isinstance(n["state_why"], str)
    assert n["state"] in ("up", "suspect", "down", "recovering", "draining", "disabled")
    assert n["process"] in ("running", "missing", "restarting", "unknown")
    for k in ("cpu", "mem", "net"):
        assert n[k] is None or 0 <= n[k] <= 100
    assert n["departure_rate"] is None or n["departure_rate"] >= 0
    assert n["session_length_ms"] is None or \
        500 <= n["session_length_ms"] <= 60000
    # fitted from the counts, session-visible (default 500 ms) at most
    assert isinstance(n["session_lag_ms"], int) and \
        0 <= n["session_lag_ms"] <= 500
    assert set(n["trend"]) == {"cpu", "mem", "net"}
    for v in n["trend"].values():
        assert v is None or isinstance(v, float)
    assert len(n["history"]) <= 60
    for h in n["history"]:
        assert set(h) == {"t", "cpu", "mem", "net"}
PY
ok $? "GET /api/v1/nodes has the documented shape"

# drain / enable
is "$(admin_post n1 drain)" 200 "POST drain"
is "$(field n1 state)" draining "n1 draining"
bad=0
for i in 1 2 3 4 5 6; do
	r=$(watch "d$i"); [ "$(node_of "${r#* }")" = n1 ] && bad=$((bad + 1))
done
is "$bad" 0 "a draining node gets no viewers"
"$CIMHEAD" status -a "$ADMIN" >"$TEST_TMP/status" 2>&1
ok $? "cimhead status: exit 0"
grep -q "^n1 *draining" "$TEST_TMP/status"; ok $? "cimhead status shows n1 draining"
"$CIMHEAD" enable -a "$ADMIN" n1 >/dev/null; ok $? "cimhead enable n1"
wait_field n1 state up 3; ok $? "n1 back up"
"$CIMHEAD" drain -a "$ADMIN" nosuch >/dev/null 2>&1
is "$?" 1 "cimhead drain of an unknown node: exit 1"
is "$(admin_post n1 bogus)" 404 "unknown action: 404"
is "$(code -X POST -H 'Origin: http://evil.example' "http://$ADMIN/api/v1/nodes/n1/drain")" 403 \
    "cross-origin POST refused"
is "$(field n1 state)" up "and it changed nothing"

# probe and restart
before=$(node_get n2 requests)
is "$(admin_post n2 probe)" 200 "POST probe"
wait_for 3 eval '[ "$(node_get n2 requests)" -gt "$before" ]'
after=$(node_get n2 requests)
[ "$after" -gt "$before" ]; ok $? "probe queried the node ($before -> $after requests)"
node_ctl n3 kill >/dev/null
is "$(admin_post n3 restart)" 200 "POST restart"
wait_field n3 process running 5; ok $? "the admin restart brought the process back"
is "$(node_get n3 process)" running "the mock agrees"

# metrics and dashboard
curl -s "http://$ADMIN/metrics" >"$TEST_TMP/metrics"
for m in cimheadd_dispatch_total cimheadd_probe_rounds_total \
    cimheadd_queries_total cimheadd_query_duration_seconds_bucket \
    cimheadd_node_state cimheadd_restarts_total cimheadd_unavailable_total; do
	grep -q "^$m" "$TEST_TMP/metrics"; ok $? "metric $m"
done
grep -q 'cimheadd_dispatch_total{result="400"} 3' "$TEST_TMP/metrics"
ok $? "the three 400s are counted"
curl -s "http://$ADMIN/" | cmp -s - "$top_srcdir/web/dashboard.html"
ok $? "GET / serves the embedded dashboard byte for byte"

# SIGHUP with a good config: a node added, states kept by name.
admin_post n2 drain >/dev/null
write_conf "$TEST_TMP/c.conf" "policy = least-streams"
printf '[node extra]\nurl = http://127.0.0.1:1/cimom\nenabled = no\n' >>"$TEST_TMP/c.conf"
kill -HUP "$DAEMON_PID"
wait_for 5 eval '[ "$(log_count "reloaded ")" -ge 1 ]'
is "$(api | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["policy"])')" \
    least-streams "reload: new policy"
is "$(field extra state)" disabled "reload: new node added"
is "$(field n2 state)" draining "reload: n2 kept its state"
# SIGHUP with a bad config: everything stays.
printf '[cimheadd]\nmax-cpu = lots\n' >"$TEST_TMP/c.conf"
kill -HUP "$DAEMON_PID"
wait_for 5 eval '[ "$(log_count "keeping the running config")" -ge 1 ]'
kill -0 "$DAEMON_PID"; ok $? "a bad reload does not stop the daemon"
grep -q "c.conf:2: max-cpu" "$TEST_TMP/daemon.log"; ok $? "the bad reload logs file:line"
grep -q "keeping the running config" "$TEST_TMP/daemon.log"; ok $? "and says it kept the old one"
is "$(field extra state)" disabled "old config still in force"
is "$(watch still.mp4 | cut -d' ' -f1)" 302 "viewers still served"

# SIGTERM drains: a viewer parked on a round gets its answer, then exit.
node_ctl n1 fault '{"kind": "latency", "latency_ms": 250}' >/dev/null
node_ctl n3 fault '{"kind": "latency", "latency_ms": 250}' >/dev/null
curl -s -o "$TEST_TMP/parked" --max-time 5 -w '%{http_code}' \
    "http://$VIEWER/watch/parked.mp4" >"$TEST_TMP/parked.code" &
cpid=$!
# SIGTERM once the viewer's connection is in (or it was answered already)
viewer_in() {
	[ "$(curl -s --max-time 5 "http://$ADMIN/metrics" |
	    awk '$1 == "cimheadd_viewer_connections" {print $2}')" -ge 1 ] 2>/dev/null ||
	    ! kill -0 "$cpid" 2>/dev/null
}
wait_for 5 viewer_in
kill -TERM "$DAEMON_PID"
wait "$cpid"
code=$(cat "$TEST_TMP/parked.code")
[ "$code" = 302 ] || [ "$code" = 503 ]; ok $? "the parked viewer was answered ($code)"
wait_for 3 eval '! kill -0 "$DAEMON_PID" 2>/dev/null'
kill -0 "$DAEMON_PID" 2>/dev/null; ok $((!$?)) "cimheadd exited after draining"
wait "$DAEMON_PID"; is "$?" 0 "with status 0"

done_testing
