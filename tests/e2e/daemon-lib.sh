# daemon-lib.sh: starts fake nodes (tests/e2e/fakenode.py) and cimheadd for
# the daemon's end-to-end tests.  Sourced after tests/lib.sh.
CIMHEADD=$top_builddir/cimheadd
FAKENODE=$top_srcdir/tests/e2e/fakenode.py
[ -x "$CIMHEADD" ] || skip_all "cimheadd not built"
[ -n "$PYTHON3" ] || PYTHON3=$(command -v python3)
[ -n "$PYTHON3" ] || skip_all "python3 needed for the fake nodes"
command -v curl >/dev/null || skip_all "curl needed"
NODES=""

# start_node NAME CAPACITY: a fake node; its port lands in PORT_<NAME>.
start_node() {
	rm -f "$TEST_TMP/port.$1"
	"$PYTHON3" "$FAKENODE" "$TEST_TMP/port.$1" --capacity "$2" &
	TEST_PIDS="$TEST_PIDS $!"
	wait_for_file "$TEST_TMP/port.$1" 10 || { echo "# node $1 did not start"; exit 1; }
	eval "PORT_$1=$(cat "$TEST_TMP/port.$1")"
	NODES="$NODES $1"
}

node_port() { eval "echo \$PORT_$1"; }

# node_ctl NAME CMD: orders a fake node about (kill, mode/hang ...).
node_ctl() {
	curl -s --max-time 5 "http://127.0.0.1:$(node_port "$1")/control/$2"
}

# write_conf FILE [GLOBAL-LINES [NODE-LINES]]: a config for every node.
write_conf() {
	{
		echo "[cimheadd]"
		echo "listen = 127.0.0.1:0"
		echo "admin-listen = 127.0.0.1:0"
		echo "decision-timeout = 400ms"
		echo "query-timeout = 1s"
		echo "restart-grace = 150ms"
		echo "restart-backoff = 50ms"
		echo "recheck = 200ms"
		echo "suspect-after = 2"
		echo "idle-check = 0"
		printf '%s\n' "${2:-}"
		for n in $NODES; do
			p=$(node_port "$n")
			echo "[node $n]"
			echo "url = http://127.0.0.1:$p/cimom"
			echo "process = vodstream.exe"
			echo "command = \"C:\\vod\\vodstream.exe\" --port 8554"
			echo "stream-url = http://{host}:$p/vod/{title}"
			printf '%s\n' "${3:-}"
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
	wait_for_file "$TEST_TMP/ports" 10 || { echo "# cimheadd did not start"; cat "$TEST_TMP/daemon.log"; exit 1; }
	VIEWER=$(awk '/^viewer/ {print $2}' "$TEST_TMP/ports")
	ADMIN=$(awk '/^admin/ {print $2}' "$TEST_TMP/ports")
}

# watch TITLE: prints "CODE LOCATION" for one viewer request.
watch() {
	curl -s -o /dev/null --max-time 10 -w '%{http_code} %{redirect_url}\n' \
	    "http://$VIEWER/watch/$1"
}

# watch_follow TITLE: the viewer follows the redirect (the node counts it).
watch_follow() {
	curl -s -L -o /dev/null --max-time 10 -w '%{http_code}\n' \
	    "http://$VIEWER/watch/$1"
}

# node_of LOCATION: the fake node a Location points at.
node_of() {
	for n in $NODES; do
		case "$1" in *":$(node_port "$n")/"*) echo "$n"; return;; esac
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

# wait_field NODE KEY VALUE [SECONDS]
wait_field() {
	_i=0
	while [ "$(field "$1" "$2")" != "$3" ] && [ $_i -lt $((${4:-5} * 10)) ]; do
		sleep 0.1; _i=$((_i + 1))
	done
	[ "$(field "$1" "$2")" = "$3" ]
}

admin_post() {
	curl -s -o /dev/null --max-time 5 -w '%{http_code}' -X POST \
	    "http://$ADMIN/api/v1/nodes/$1/$2"
}
