#!/bin/sh
# daemon_state.sh: state an operator can read (issue 16).
#  - a kill and a restart leave their record in GET /api/v1/events, in
#    order and with times: the state change with its reason, the restart,
#    its result, the way back up; every entry in the log too;
#  - while the node recovers, last_error says the process is missing;
#  - a full node shows eligible false and which limit (why), next to an
#    eligible one; GET /api/v1/nodes/NAME says the same;
#  - the cluster header: viewers/s, the 503 rate, the decision latency,
#    sessions against capacity, and the configured thresholds;
#  - admin actions and reloads are events; since= returns only newer ones.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
. "$top_srcdir/tests/e2e/daemon-lib.sh"

# probed_is NODE KEY VALUE: probes the node, then checks the API's field
# (a load shows as a rate over the node's counters: a few probes may pass
# before it does, and nothing else probes with no viewer around).
probed_is() {
	admin_post "$1" probe >/dev/null
	sleep 0.3
	field_is "$1" "$2" "$3"
}
# events [SINCE]: the admin API's event ring
events() { curl -s --max-time 5 "http://$ADMIN/api/v1/events${1:+?since=$1}"; }
# jq-less: py EXPR-PROGRAM reads the JSON on stdin as d, exits with its status
py() {
	_py=$1
	shift
	"$PYTHON3" -c "import json, sys, re
d = json.load(sys.stdin)
$_py" "$@"
}

start_cluster '{ "nodes": [
  { "name": "n1", "start_delay_ms": 200 },
  { "name": "n2", "start_delay_ms": 200 } ] }'
write_conf "$TEST_TMP/c.conf" "max-cpu = 50
freshness = 0"
start_daemon "$TEST_TMP/c.conf"
wait_field n1 state up 5; ok $? "n1 up"
wait_field n2 state up 5; ok $? "n2 up"

# ---- a full node, and why -------------------------------------------------
node_ctl n2 load '{"base_cpu": 80}' >/dev/null
wait_for 10 probed_is n2 eligible False
ok $? "n2 at 80% cpu over max-cpu 50: eligible false"
why=$(field n2 why)
echo "$why" | grep -Eq '^cpu [0-9.]+% >= 50% after one more$'
ok $? "its why names the limit: $why"
is "$(field n2 state)" up "while its state still says up"
is "$(field n1 eligible)" True "n1 is eligible"
field n1 why | grep -q '^room for [0-9]* more'
ok $? "n1's why gives its room: $(field n1 why)"
curl -s --max-time 5 "http://$ADMIN/api/v1/nodes/n2" | py '
sys.exit(0 if d["name"] == "n2" and d["eligible"] is False and
    d["why"].startswith("cpu ") and d["version"] == 1 else 1)'
ok $? "GET /api/v1/nodes/n2: the node alone, eligible false with why"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/api/v1/nodes/zz")" 404 \
    "GET /api/v1/nodes/zz: 404"
api | py '
n = {x["name"]: x for x in d["nodes"]}
ok = all(isinstance(x["state_since"], int) and x["state_since"] > 0 and
    "state_why" in x and "capacity" in x and "sessions" in x for x in n.values())
ok = ok and isinstance(n["n1"]["capacity"], int) and n["n1"]["capacity"] > 0
ok = ok and n["n2"]["capacity"] is not None
ok = ok and d["thresholds"] == {"cpu": 50, "mem": 100, "net": 100}
sys.exit(0 if ok else 1)'
ok $? "every node has state_since, state_why, sessions, capacity; thresholds from the config"

# ---- the cluster header -----------------------------------------------------
i=0
while [ $i -lt 6 ]; do watch "h$i.mp4" >/dev/null; i=$((i + 1)); done
node_ctl n1 load '{"base_cpu": 80}' >/dev/null
wait_for 10 probed_is n1 eligible False
ok $? "n1 full too"
wait_for 10 probed_is n2 eligible False
r=$(watch refused.mp4)
is "${r%% *}" 503 "both nodes full: a 503"
curl -s --max-time 5 "http://$ADMIN/api/v1/cluster" | py '
c = d
# (the six before may have left the 10 s window on a slow machine)
ok = c["viewers"] >= 1 and c["viewers_per_s"] > 0
ok = ok and c["refused"] >= 1 and 0 < c["refused_ratio"] <= 1
ok = ok and abs(c["refused_ratio"] - c["refused"] / c["viewers"]) < 1e-9
ok = ok and isinstance(c["decision_ms"]["p50"], int)
ok = ok and c["decision_ms"]["p95"] >= c["decision_ms"]["p50"]
ok = ok and c["nodes"] == 2 and c["eligible"] == 0
ok = ok and isinstance(c["sessions"], (int, float)) and c["window_ms"] == 10000
print("# cluster:", json.dumps(c))
sys.exit(0 if ok else 1)'
ok $? "GET /api/v1/cluster: viewers/s, 503 rate, decision latency, none eligible"
api | py 'sys.exit(0 if d["cluster"]["nodes"] == 2 else 1)'
ok $? "the node table carries the same header"
node_ctl n1 load '{"base_cpu": 5}' >/dev/null
node_ctl n2 load '{"base_cpu": 5}' >/dev/null
wait_for 10 probed_is n2 eligible True
ok $? "n2 eligible again once its load is gone"
wait_for 10 probed_is n1 eligible True

# ---- a kill and a restart ---------------------------------------------------
since=$(events | py 'print(d["last"])')
t0=$("$PYTHON3" -c 'import time; print(int(time.time() * 1000))')
# The node answers slowly: the recovery (re-check, Create) takes seconds,
# long enough to read the API while it runs.
node_ctl n1 fault '{"kind": "none", "latency_ms": 700}' >/dev/null
node_ctl n1 kill >/dev/null
watch after-kill.mp4 >/dev/null
wait_field n1 state recovering 5; ok $? "n1 recovering"
err=$(field n1 last_error)
echo "$err" | grep -q 'process vodstream.exe missing'
ok $? "while it recovers, last_error says the process is missing: $err"
node_ctl n1 clear >/dev/null
wait_field n1 state up 10; ok $? "n1 back up"
wait_for 5 sh -c "curl -s 'http://$ADMIN/api/v1/events?since=$since' | grep -q 'restart verified'"
t1=$("$PYTHON3" -c 'import time; print(int(time.time() * 1000))')
events "$since" >"$TEST_TMP/ev.json"
py '
want = [("state", "up -> recovering: process missing"),
        ("restart", "restarting vodstream.exe (attempt 1)"),
        ("restart-result", "restart accepted; verifying in"),
        ("state", "recovering -> up: process running"),
        ("restart-result", "restart verified, process running")]
ev = [e for e in d["events"] if e["node"] == "n1"]
got = [(e["kind"], e["text"]) for e in ev]
i = 0
for k, t in got:
    if i < len(want) and k == want[i][0] and t.startswith(want[i][1]):
        i += 1
print("# n1 events:", got)
sys.exit(0 if i == len(want) else 1)' <"$TEST_TMP/ev.json"
ok $? "events: state change with its reason, restart, result, up, verified, in order"
py '
t0, t1 = int(sys.argv[1]), int(sys.argv[2])
ev = d["events"]
ok = all(t0 - 1000 <= e["t"] <= t1 + 1000 for e in ev)
ok = ok and all(a["t"] <= b["t"] and a["seq"] + 1 == b["seq"]
    for a, b in zip(ev, ev[1:]))
ok = ok and d["last"] == ev[-1]["seq"] and ev[0]["seq"] == int(sys.argv[3]) + 1
sys.exit(0 if ok else 1)' "$t0" "$t1" "$since" <"$TEST_TMP/ev.json"
ok $? "with their times, consecutive sequences, newest last"
is "$(field n1 state_why)" "process running" "state_why: process running"
api | py '
import time
n = [x for x in d["nodes"] if x["name"] == "n1"][0]
sys.exit(0 if int(sys.argv[1]) - 1000 <= n["state_since"] <= int(time.time() * 1000) else 1)' "$t0"
ok $? "state_since: the time n1 came back"
grep -q "node n1: up -> recovering: process missing" "$TEST_TMP/daemon.log"
ok $? "the state change is in the log"
grep -q "node n1: restart accepted" "$TEST_TMP/daemon.log"
ok $? "and the restart's result"

# ---- admin actions, reloads, since ------------------------------------------
since=$(events | py 'print(d["last"])')
is "$(admin_post n2 drain)" 200 "drain n2"
kill -HUP "$DAEMON_PID"
wait_for 5 sh -c "curl -s 'http://$ADMIN/api/v1/events?since=$since' | grep -q reloaded"
events "$since" | py '
got = [(e["kind"], e["node"], e["text"]) for e in d["events"]]
print("# events:", got)
ok = ("admin", "n2", "admin drain: draining") in got
ok = ok and ("state", "n2", "up -> draining: admin drain") in got
ok = ok and any(k == "reload" and n == "" and t.startswith("reloaded ")
    for k, n, t in got)
sys.exit(0 if ok else 1)'
ok $? "an admin drain and a reload are events"
last=$(events | py 'print(d["last"])')
is "$(events "$last" | py 'print(len(d["events"]))')" 0 "since the newest: nothing"
is "$(curl -s -o /dev/null -w '%{http_code}' "http://$ADMIN/api/v1/events?since=x")" 400 \
    "since=x: 400"
is "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://$ADMIN/api/v1/events")" 405 \
    "POST /api/v1/events: 405"
is "$(field n2 eligible)" False "a drained node is not eligible"
is "$(field n2 why)" draining "and says draining"
kill -0 "$DAEMON_PID"; ok $? "cimheadd still runs"

stop_daemon
done_testing
