# daemon-lib.sh: a cimmockd cluster and cimheadd for the daemon's
# end-to-end tests.  Sourced after tests/lib.sh and tests/e2e/mock_lib.sh.
CIMHEADD=$top_builddir/cimheadd
[ -x "$CIMHEADD" ] || skip_all "cimheadd not built"
[ -x "$CIMMOCKD" ] || skip_all "cimmockd not built"
[ -n "$PYTHON3" ] || PYTHON3=$(command -v python3)
[ -n "$PYTHON3" ] || skip_all "python3 needed"
command -v curl >/dev/null || skip_all "curl needed"
CMDLINE='"C:\Program Files\VodStream\vodstream.exe" --port 8554 --cache D:\vod'

# start_cluster SCENARIO-JSON: cimmockd with those nodes; NODES names them.
start_cluster() {
	printf '%s\n' "$1" >"$TEST_TMP/scenario.json"
	start_mock --scenario "$TEST_TMP/scenario.json" ||
	    { echo "# cimmockd did not start"; cat "$TEST_TMP/mock.err"; exit 1; }
	NODES=$(awk '{print $2}' "$MOCK_READY")
}

# node_ctl NAME ACTION [JSON]: POST to the mock's control API.
node_ctl() {
	curl -s --max-time 5 -X POST -d "${3:-{\}}" "$(mock_control "$1")/$2"
}
# node_get NAME KEY: one field of the mock node's state.
node_get() {
	curl -s --max-time 5 "$(mock_control "$1")" | "$PYTHON3" -c \
	    'import json, sys; print(json.load(sys.stdin)[sys.argv[1]])' "$2"
}

# write_conf FILE [GLOBAL-LINES]: a config for every node of the cluster.
# NODECONF_<name> adds lines to that node's section; NODEWSMAN_<name>=1
# makes it a WS-Management node (/wsman, plain http allowed).
write_conf() {
	{
		echo "[cimheadd]"
		echo "listen = 127.0.0.1:0"
		echo "admin-listen = 127.0.0.1:0"
		# Generous deadlines: a loaded test machine (sanitizers, parallel
		# tests) must not turn a slow probe into a wrong answer; tests of
		# the deadlines themselves set their own.
		echo "decision-timeout = $((1500 * SLOW))ms"
		echo "query-timeout = $((3 * SLOW))s"
		echo "restart-grace = 300ms"
		echo "restart-backoff = 100ms"
		echo "recheck = 200ms"
		echo "suspect-after = 2"
		echo "idle-check = 0"
		printf '%s\n' "${2:-}"
		for n in $NODES; do
			p=$(mock_port "$n")
			echo "[node $n]"
			eval "ws=\${NODEWSMAN_$n:-}"
			if [ -n "$ws" ]; then
				echo "url = http://127.0.0.1:$p/wsman"
				echo "protocol = wsman"
				echo "allow-unencrypted = yes"
			else
				echo "url = http://127.0.0.1:$p/cimom"
			fi
			echo "process = vodstream.exe"
			printf 'command = %s\n' "$CMDLINE"
			printf 'directory = %s\n' 'C:\Program Files\VodStream'
			echo "stream-url = http://{host}:$p/vod/{title}"
			eval "extra=\${NODECONF_$n:-}"
			[ -n "$extra" ] && printf '%s\n' "$extra"
		done
	} >"$1"
}

# start_daemon CONF: runs cimheadd; VIEWER and ADMIN hold host:port.
start_daemon() {
	rm -f "$TEST_TMP/ports"
	"$CIMHEADD" -f "$1" -P "$TEST_TMP/ports" 2>>"$TEST_TMP/daemon.log" &
	DAEMON_PID=$!
	TEST_PIDS="$TEST_PIDS $DAEMON_PID"
	wait_for_file "$TEST_TMP/ports" 10 ||
	    { echo "# cimheadd did not start"; cat "$TEST_TMP/daemon.log"; exit 1; }
	VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
	ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
}

stop_daemon() {
	kill "$DAEMON_PID" 2>/dev/null
	wait "$DAEMON_PID" 2>/dev/null
}

# watch TITLE: prints "CODE LOCATION" for one viewer request.
watch() {
	curl -s -o /dev/null --max-time $((10 * SLOW)) -w '%{http_code} %{redirect_url}\n' \
	    "http://$VIEWER/watch/$1"
}

# node_of LOCATION: the node a Location points at.
node_of() {
	for n in $NODES; do
		case "$1" in *":$(mock_port "$n")/"*) echo "$n"; return;; esac
	done
	echo none
}

# api: the admin JSON; field NODE KEY prints one node's value.
api() { curl -s --max-time 5 "http://$ADMIN/api/v1/nodes"; }
field() {
	api | "$PYTHON3" -c 'import json,sys
d = json.load(sys.stdin)
for n in d["nodes"]:
    if n["name"] == sys.argv[1]:
        print(n[sys.argv[2]])' "$1" "$2"
}

# wait_field NODE KEY VALUE [SECONDS]: polls until the API shows it.
field_is() { [ "$(field "$1" "$2")" = "$3" ]; }
wait_field() {
	wait_for "${4:-5}" field_is "$1" "$2" "$3"
}

# all_sampled: every node of the API has a sample (its first probe, the
# "first look" cimheadd takes at start, has finished).
all_sampled() {
	api | "$PYTHON3" -c 'import json, sys
d = json.load(sys.stdin)
sys.exit(0 if d["nodes"] and all(n["sample_age_ms"] is not None
    for n in d["nodes"] if n["state"] != "disabled") else 1)' 2>/dev/null
}

# log_count PATTERN: how many lines of the daemon's log match it
log_count() { grep -c -- "$1" "$TEST_TMP/daemon.log"; }

admin_post() {
	curl -s -o /dev/null --max-time 5 -w '%{http_code}' -X POST \
	    "http://$ADMIN/api/v1/nodes/$1/$2"
}

# ms: a monotonic-enough clock in milliseconds for latency checks
ms() { "$PYTHON3" -c 'import time; print(int(time.monotonic() * 1000))'; }
