#!/bin/bash
# bench/run.sh: the benchmarks of issue 6, each a reproducible run that
# prints markdown table rows (also kept in $BENCH_OUT/<item>.md).
#
#   bench/run.sh [codec|overhead|latency|throughput|quality|balance|all] ...
#
# Environment: top_srcdir, top_builddir (set by `make bench`; else the
# source tree and its build/), BENCH_OUT (default $top_builddir/bench-out),
# BENCH_DUR (seconds per load point, default 10), BENCH_CPU_D and
# BENCH_CPU_L (cores for the dispatcher and for the load generator and
# mock nodes; default 0 and 1), BENCH_NODES (latency: node counts),
# BENCH_OVH_WARM (overhead: seconds of load run first, not counted).
#
# Needs: cimheadd, cimmockd, cimhead and bench/{codecbench,loadgen,lbref}
# built (`make bench-progs`), python3, xmllint, hyperfine, wbemcli, wrk,
# nginx, taskset.  Every process started here is killed on exit.
set -u
S=${top_srcdir:-$(cd "$(dirname "$0")/.." && pwd)}
B=${top_builddir:-$S/build}
OUT=${BENCH_OUT:-$B/bench-out}
DUR=${BENCH_DUR:-10}
CPU_D=${BENCH_CPU_D:-0}
CPU_L=${BENCH_CPU_L:-1}
MOF=$S/schemas/win32.mof
PY=${PYTHON3:-python3}
mkdir -p "$OUT"
T=$(mktemp -d "${TMPDIR:-/tmp}/cimbench.XXXXXX")
PIDS=""

cleanup() {
	for p in $PIDS; do kill "$p" 2>/dev/null; done
	sleep 0.3
	for p in $PIDS; do kill -9 "$p" 2>/dev/null; done
	rm -rf "$T"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

say() { printf '%s\n' "$*" >&2; }
row() { printf '%s\n' "$*" | tee -a "$OUT/$ITEM.md"; }
# Background processes are started with taskset itself (it execs), so $!
# is the process to kill, never a subshell waiting for it.
onD() { taskset -c "$CPU_D" "$@"; }
onL() { taskset -c "$CPU_L" "$@"; }

wait_file() {	# FILE LINES TIMEOUT_S
	local i=0
	while [ "$(cat "$1" 2>/dev/null | wc -l)" -lt "$2" ]; do
		i=$((i + 1))
		[ $i -gt $(($3 * 20)) ] && { say "timeout waiting for $1"; return 1; }
		sleep 0.05
	done
}

# mock_start N [cimmockd args]: N default nodes in ceil(N/64) processes,
# ready lines in $T/ready, pids in MOCKPIDS.
mock_start() {
	local n=$1 k=0 m
	shift
	: >"$T/ready"
	MOCKPIDS=""
	while [ "$n" -gt 0 ]; do
		m=$((n > 64 ? 64 : n))
		rm -f "$T/ready.$k"
		taskset -c "$CPU_L" "$B/cimmockd" --nodes "$m" --schema "$MOF" --log-level err \
		    --ready-file "$T/ready.$k" "$@" >/dev/null 2>>"$T/mock.log" &
		PIDS="$PIDS $!"
		MOCKPIDS="$MOCKPIDS $!"
		wait_file "$T/ready.$k" "$m" 20 || return 1
		# names are per process: prefix them so they stay unique
		sed "s/^node NODE/node M${k}N/" "$T/ready.$k" >>"$T/ready"
		n=$((n - m))
		k=$((k + 1))
	done
}

mock_stop() {
	local p
	for p in $MOCKPIDS; do kill "$p" 2>/dev/null; done
	for p in $MOCKPIDS; do wait "$p" 2>/dev/null; done
	MOCKPIDS=""
}

# Bytes the mock processes read and wrote (their sockets: WBEM traffic).
mock_io() {
	local p s=0 v
	for p in $MOCKPIDS; do
		v=$(awk '/^(rchar|wchar):/ {s += $2} END {print s}' /proc/$p/io)
		s=$((s + v))
	done
	echo $s
}

mock_requests() { "$PY" "$S/bench/mockctl.py" requests "$T/ready"; }

# daemon_start POLICY FRESHNESS: cimheadd over $T/ready; VIEWER, ADMIN.
daemon_start() {
	{
		echo "[cimheadd]"
		echo "listen = 127.0.0.1:0"
		echo "admin-listen = 127.0.0.1:0"
		[ "$1" != default ] && echo "policy = $1"
		[ "$2" != default ] && echo "freshness = $2"
		# no idle checks during load points, unless asked (idle item)
		[ "${IDLE_CHECK:-0}" != default ] && echo "idle-check = ${IDLE_CHECK:-0}"
		# stream-cost is the old policies' knob; the estimator learns
		[ -n "${STREAM_COST:-}" ] && [ "$1" != default ] &&
		    echo "stream-cost = $STREAM_COST"
		awk -v w="${NODE_WEIGHT:-}" '/^node/ {
			print "[node " $2 "]"; print "url = " $4
			if (w != "") print "weight = " w
			print "process = vodstream.exe"
			print "stream-url = " $8 "{title}"
		}' "$T/ready"
	} >"$T/d.conf"
	rm -f "$T/ports"
	taskset -c "$CPU_D" "$B/cimheadd" -f "$T/d.conf" -P "$T/ports" 2>>"$T/daemon.log" &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_file "$T/ports" 2 20 || { cat "$T/daemon.log" >&2; return 1; }
	VIEWER=$(awk '/^viewer/ {print $2}' "$T/ports")
	ADMIN=$(awk '/^admin/ {print $2}' "$T/ports")
	URL=http://$VIEWER/watch/
	# The first look at every node, then one dispatch so the raw
	# counters have a previous sample (steady state, as in service).
	sleep 1
	curl -s -o /dev/null "$URL"warmup
	sleep 0.3
}

# ref_start MODE ARGS...: lbref (paper | poll) over $T/ready.
ref_start() {
	rm -f "$T/lbports"
	taskset -c "$CPU_D" "$B/bench/lbref" -P "$T/lbports" \
	    -c "${STREAM_COST:-1}" "$@" "$T/ready" \
	    2>>"$T/lbref.log" &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_file "$T/lbports" 1 20 || return 1
	URL=http://$(awk '{print $2}' "$T/lbports")/watch/
	sleep 1.5
	curl -s -o /dev/null "$URL"warmup
	sleep 0.3
}

disp_stop() {
	kill "$DPID" 2>/dev/null
	wait "$DPID" 2>/dev/null
}

# load RATE SECONDS: loadgen on the load core; sets LG (its line).
load() {
	LG=$(onL "$B/bench/loadgen" -r "$1" -d "$2" -c 256 "$URL")
	say "    $LG"
}
lgf() { echo "$LG" | awk -v k="$1" '{for (i = 1; i < NF; i++) if ($i == k) print $(i + 1)}'; }

# start_method NAME: the dispatcher a table row names.
start_method() {
	case $1 in
	default)	daemon_start default default ;;
	ondemand-f0)	daemon_start least-load 0 ;;
	ondemand-default) daemon_start least-load default ;;
	ondemand-f1s)	daemon_start least-load 1s ;;
	two-choices-f0)	daemon_start two-choices 0 ;;
	two-choices-f1s) daemon_start two-choices 1s ;;
	paper)		ref_start -m paper -u "${BENCH_UNIT_MS:-1000}" ;;
	poll-1s)	ref_start -m poll -F 1000 ;;
	*)		say "unknown method $1"; return 1 ;;
	esac
}

# hf_table JSON: hyperfine's runs as rows of medians (ms), paired ratios.
hf_table() {
	"$PY" - "$1" <<'EOF' | tee -a "$OUT/$ITEM.md"
import json, statistics, sys
r = json.load(open(sys.argv[1]))["results"]
print("| command | median ms | min ms | max ms | runs | median / next row's |")
print("|---|---|---|---|---|---|")
for i, x in enumerate(r):
    med = statistics.median(x["times"]) * 1000
    ratio = ""
    if i % 2 == 0 and i + 1 < len(r):
        ratio = "%.2f" % (med / (statistics.median(r[i + 1]["times"]) * 1000))
    print("| `%s` | %.1f | %.1f | %.1f | %d | %s |" % (x["command"], med,
          x["min"] * 1000, x["max"] * 1000, len(x["times"]), ratio))
EOF
}

# ---- item 4: codec speed -------------------------------------------------
bench_codec() {
	ITEM=codec
	local nproc=${BENCH_NPROC:-12000} P big small
	row ""
	row "### Codec ($(date -u +%FT%TZ))"
	"$PY" "$S/bench/gendata.py" scenario "$nproc" "$T/big.json" >&2
	rm -f "$T/ready"
	mock_start 0
	taskset -c "$CPU_L" "$B/cimmockd" --scenario "$T/big.json" --schema "$MOF" \
	    --log-level err --ready-file "$T/ready.big" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	MOCKPIDS="$!"
	wait_file "$T/ready.big" 1 30 || return 1
	big=$(awk '{print $4}' "$T/ready.big")
	"$PY" "$S/bench/gendata.py" fetch "$big" Win32_Process "$T/enum.xml" >&2
	"$PY" "$S/bench/gendata.py" wsman "$nproc" 100 "$T/pull" >&2
	row ""
	row "| input | bytes | codec MB/s (median of 9) | libxml2 xmlReader MB/s (median of 9) | ratio |"
	row "|---|---|---|---|---|"
	local c r ratio
	for kind in cimxml wsman; do
		f=$T/enum.xml
		[ $kind = wsman ] && f=$T/pull
		c=$(onD "$B/bench/codecbench" $kind "$f" 9 | tail -1)
		r=$(onD "$B/bench/codecbench" reader "$f" 9 | tail -1)
		say "    $c"; say "    $r"
		ratio=$(echo "$c $r" | awk '{printf "%.0f%%", 100 * $9 / $18}')
		row "| $kind ($nproc Win32_Process) | $(echo "$c" | awk '{print $3}') | $(echo "$c" | awk '{print $9}') | $(echo "$r" | awk '{print $9}') | $ratio |"
	done
	# Process-level, against the xmllint binary itself.
	onD hyperfine -N -w 2 -r 15 --export-json "$T/hf1.json" \
	    -n "xmllint --stream --noout (CIM-XML)" \
	    "xmllint --stream --noout $T/enum.xml" \
	    -n "codecbench cimxml, 1 round (CIM-XML)" \
	    "$B/bench/codecbench cimxml $T/enum.xml 1" \
	    -n "xmllint --stream --noout (WS-Man series)" \
	    "xmllint --stream --noout $(ls "$T"/pull/*.xml | tr '\n' ' ')" \
	    -n "codecbench wsman, 1 round (WS-Man series)" \
	    "$B/bench/codecbench wsman $T/pull 1" >&2
	row ""
	hf_table "$T/hf1.json"
	# cimhead enum against wbemcli ei, same mock, per query.
	mock_stop
	rm -f "$T/ready"
	mock_start 1
	small=$(awk '{print $4}' "$T/ready")
	P=${small#http://}; P=${P%/cimom}
	BP=${big#http://}; BP=${BP%/cimom}
	taskset -c "$CPU_L" "$B/cimmockd" --scenario "$T/big.json" --schema "$MOF" \
	    --log-level err --ready-file "$T/ready.big2" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	MOCKPIDS="$MOCKPIDS $!"
	wait_file "$T/ready.big2" 1 30 || return 1
	BP=$(awk '{print $4}' "$T/ready.big2"); BP=${BP#http://}; BP=${BP%/cimom}
	onD hyperfine -w 3 -r 30 --export-json "$T/hf2.json" \
	    -n "cimhead enum Win32_OperatingSystem (1 instance)" \
	    "$B/cimhead enum http://$P/root/cimv2 Win32_OperatingSystem >/dev/null" \
	    -n "wbemcli ei Win32_OperatingSystem (1 instance)" \
	    "wbemcli ei 'http://$P/root/cimv2:Win32_OperatingSystem' >/dev/null" >&2
	onD hyperfine -w 1 -r 10 --export-json "$T/hf3.json" \
	    -n "cimhead enum Win32_Process ($nproc+1 instances)" \
	    "$B/cimhead enum http://$BP/root/cimv2 Win32_Process >/dev/null" \
	    -n "wbemcli ei Win32_Process ($nproc+1 instances)" \
	    "wbemcli ei 'http://$BP/root/cimv2:Win32_Process' >/dev/null" >&2
	row ""
	hf_table "$T/hf2.json"
	row ""
	hf_table "$T/hf3.json"
	mock_stop
}

# ---- item 3: WBEM traffic per dispatch -------------------------------------
bench_overhead() {
	ITEM=overhead
	local n=${BENCH_OVH_NODES:-16} m rate r0 r1 b0 b1 q bytes done _w
	row ""
	_w=""
	[ "${BENCH_OVH_WARM:-0}" -gt 0 ] && _w=" after ${BENCH_OVH_WARM}s not counted"
	row "### WBEM traffic, $n nodes, ${DUR}s per point$_w ($(date -u +%FT%TZ))"
	row ""
	row "| method | offered req/s | answered/s | 503 | failed or unsent | WBEM req/dispatch | WBEM bytes/dispatch | WBEM req/node/s | WBEM bytes/node/s |"
	row "|---|---|---|---|---|---|---|---|---|"
	mock_start "$n"
	for m in ${BENCH_OVH_METHODS:-default paper ondemand-f0 two-choices-f0 ondemand-f1s two-choices-f1s poll-1s}; do
		for rate in ${BENCH_RATES:-10 100 1000}; do
			start_method "$m" || return 1
			# BENCH_OVH_WARM s of the same load first, not counted:
			# the steady rate, without the first probes' burst
			[ "${BENCH_OVH_WARM:-0}" -gt 0 ] &&
			    load "$rate" "$BENCH_OVH_WARM"
			r0=$(mock_requests); b0=$(mock_io)
			load "$rate" "$DUR"
			b1=$(mock_io); r1=$(mock_requests)
			disp_stop
			done=$(lgf 302)
			q=$((r1 - r0)); bytes=$((b1 - b0))
			row "$(awk -v m="$m" -v rate="$rate" -v d="$done" -v q="$q" \
			    -v b="$bytes" -v n="$n" -v T="$DUR" -v r5="$(lgf 503)" \
			    -v ach="$(lgf rate)" -v fu=$(($(lgf err) + $(lgf unsent))) 'BEGIN {
				qd = "-"; bd = "-"
				if (d > 0) {
					qd = sprintf("%.4f", q / d)
					bd = sprintf("%.0f", b / d)
				}
				printf("| %s | %d | %.1f | %d | %d | %s | %s | %.2f | %.0f |",
				    m, rate, ach, r5, fu, qd, bd, q / n / T, b / n / T) }')"
		done
	done
	mock_stop
}

# ---- item 1: dispatch latency ----------------------------------------------
bench_latency() {
	ITEM=latency
	local n lat m rate dur
	row ""
	row "### Dispatch latency ($(date -u +%FT%TZ)), ms, loadgen open loop"
	row ""
	row "| nodes | injected ms | method | req/s x s | p50 | p99 | max | 503 | failed or unsent |"
	row "|---|---|---|---|---|---|---|---|---|"
	for n in ${BENCH_NODES:-4 16 64 256}; do
		mock_start "$n" || return 1
		for lat in 0 20; do
			"$PY" "$S/bench/mockctl.py" latency "$T/ready" "$lat"
			for m in ${BENCH_LAT_METHODS:-ondemand-f0 ondemand-f1s two-choices-f0 paper poll-1s}; do
				rate=${BENCH_LAT_RATE:-10}; dur=${BENCH_LAT_DUR:-$DUR}
				if [ "$m" = paper ]; then
					rate=2
					[ "$n" -ge 64 ] && rate=1
				fi
				start_method "$m" || return 1
				load "$rate" "$dur"
				disp_stop
				row "| $n | $lat | $m | $rate x $dur | $(lgf p50) | $(lgf p99) | $(lgf max) | $(lgf 503) | $(($(lgf err) + $(lgf unsent))) |"
			done
		done
		mock_stop
	done
}

# ---- item 2: throughput against nginx ----------------------------------------
bench_throughput() {
	ITEM=throughput
	local port m res
	# a port nobody listens on now (a random one collided once)
	port=$("$PY" -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])')
	row ""
	row "### Throughput ($(date -u +%FT%TZ)): wrk -t1 -c32 -d${DUR}s on core $CPU_L; server on core $CPU_D; 16 mock nodes on core $CPU_L"
	row ""
	row "| server | requests/s | latency avg | ratio to nginx | replies not 302 (503) |"
	row "|---|---|---|---|---|"
	mkdir -p "$T/nginx"
	cat >"$T/nginx.conf" <<EOF
worker_processes 1;
daemon off;
pid $T/nginx/nginx.pid;
error_log $T/nginx/error.log;
events { worker_connections 1024; }
http {
	access_log off;
	client_body_temp_path $T/nginx;
	proxy_temp_path $T/nginx;
	fastcgi_temp_path $T/nginx;
	uwsgi_temp_path $T/nginx;
	scgi_temp_path $T/nginx;
	server {
		listen 127.0.0.1:$port;
		location /watch/ { return 302 http://127.0.0.1:1/vod/\$uri; }
	}
}
EOF
	taskset -c "$CPU_D" nginx -c "$T/nginx.conf" -p "$T/nginx" &
	NGPID=$!
	PIDS="$PIDS $NGPID"
	sleep 0.5
	kill -0 "$NGPID" 2>/dev/null || { say "nginx did not start"; return 1; }
	onL wrk -t1 -c32 -d1s "http://127.0.0.1:$port/watch/x" >/dev/null
	res=$(onL wrk -t1 -c32 -d"${DUR}s" "http://127.0.0.1:$port/watch/title001")
	say "$res"
	NGINX_RPS=$(echo "$res" | awk '/^Requests\/sec/ {print $2}')
	row "| nginx 1 worker, return 302 | $NGINX_RPS | $(echo "$res" | awk '/Latency/ {print $2; exit}') | 100% | 0 |"
	kill "$NGPID"; wait "$NGPID" 2>/dev/null
	mock_start 16
	# wrk never pulls the streams: with the default stream-cost the
	# predicted load of the streams it was sent to shuts every node
	# (503) within a freshness window; 0.01 (the least the key takes)
	# measures the dispatch path.
	STREAM_COST=${BENCH_TP_STREAM_COST:-0.01}
	# and for the estimator (the default), whose dispatches stay pending
	# until the node's count shows them, a prior of 50,000 sessions a
	# node (weight 1000, the largest): the 302 path, not 503s
	NODE_WEIGHT=${BENCH_TP_WEIGHT:-1000}
	for m in ${BENCH_TP_METHODS:-default ondemand-default ondemand-f1s two-choices-f1s poll-1s}; do
		start_method "$m" || return 1
		onL wrk -t1 -c32 -d1s "${URL}x" >/dev/null
		res=$(onL wrk -t1 -c32 -d"${DUR}s" "${URL}title001")
		say "$res"
		disp_stop
		row "$(echo "$res" | awk -v m="$m" -v ng="$NGINX_RPS" '
		    /Latency/ && !l {l = $2}
		    /^Requests\/sec/ {r = $2}
		    /Non-2xx/ {x = $NF}
		    END {printf "| %s | %s | %s | %.0f%% | %d |", m, r, l, 100 * r / ng, x}')"
	done
	STREAM_COST=
	NODE_WEIGHT=
	mock_stop
}

# ---- item 3b: the cost of knowing the load with no viewers at all ---------
bench_idle() {
	ITEM=idle
	local n=${BENCH_OVH_NODES:-16} secs=${BENCH_IDLE_SECS:-60} m r0 r1 b0 b1
	row ""
	row "### Idle cost, $n nodes, no viewers for ${secs}s ($(date -u +%FT%TZ))"
	row ""
	row "| method | WBEM req in ${secs}s | WBEM bytes in ${secs}s | req/node/s | bytes/node/s | per idle hour, all $n nodes (req, MB) |"
	row "|---|---|---|---|---|---|"
	mock_start "$n"
	for m in ${BENCH_IDLE_METHODS:-ondemand-default poll-1s}; do
		IDLE_CHECK=default
		start_method "$m" || return 1
		IDLE_CHECK=
		sleep 2
		r0=$(mock_requests); b0=$(mock_io)
		sleep "$secs"
		b1=$(mock_io); r1=$(mock_requests)
		disp_stop
		row "$(awk -v m="$m" -v q=$((r1 - r0)) -v b=$((b1 - b0)) -v n="$n" \
		    -v T="$secs" 'BEGIN {
			printf("| %s (idle-check default) | %d | %d | %.3f | %.0f | %.0f, %.1f |",
			    m, q, b, q / n / T, b / n / T, q / T * 3600,
			    b / T * 3600 / 1e6) }')"
	done
	mock_stop
}

# ---- profiles: instruction counts (perf has no counters on this VM) ------
# cg_incl FILE FUNCTION-REGEX: inclusive Ir of the first matching line.
cg_incl() {
	callgrind_annotate --inclusive=yes "$1" 2>/dev/null |
	    awk -v re="$2" '$0 ~ re {gsub(",", "", $1); print $1; exit}'
}

bench_profile() {
	ITEM=profile
	local nproc=${BENCH_PROF_NPROC:-1000} u k f
	row ""
	row "### Profiles, valgrind --tool=callgrind ($(date -u +%FT%TZ))"
	"$PY" "$S/bench/gendata.py" scenario "$nproc" "$T/p.json" >&2
	taskset -c "$CPU_L" "$B/cimmockd" --scenario "$T/p.json" --schema "$MOF" \
	    --log-level err --ready-file "$T/ready.p" >/dev/null 2>&1 &
	PIDS="$PIDS $!"
	MOCKPIDS="$!"
	wait_file "$T/ready.p" 1 30 || return 1
	u=$(awk '{print $4}' "$T/ready.p")
	"$PY" "$S/bench/gendata.py" fetch "$u" Win32_Process "$T/p.xml" >&2
	"$PY" "$S/bench/gendata.py" wsman "$nproc" 100 "$T/pw" >&2
	mock_stop
	row ""
	row "| decode of $nproc Win32_Process | Ir, codec | Ir, xmlReader pass | codec / reader | of the codec: libxml2 parse with the handlers (xml_sax_parse) | freeing the result (wbem_result_free) | property type lookup (ptype_lookup) |"
	row "|---|---|---|---|---|---|---|"
	for k in cimxml wsman; do
		f=$T/p.xml
		[ $k = wsman ] && f=$T/pw
		valgrind --tool=callgrind --callgrind-out-file="$T/cg.$k" \
		    "$B/bench/codecbench" $k "$f" 1 >/dev/null 2>&1
		valgrind --tool=callgrind --callgrind-out-file="$T/cg.r$k" \
		    "$B/bench/codecbench" reader "$f" 1 >/dev/null 2>&1
		row "$(awk -v k=$k -v c="$(cg_incl "$T/cg.$k" "codecbench.c:cb_$k ")" \
		    -v r="$(cg_incl "$T/cg.r$k" "codecbench.c:cb_reader ")" \
		    -v x="$(cg_incl "$T/cg.$k" "xml.c:xml_sax_parse ")" \
		    -v fd="$(cg_incl "$T/cg.$k" "wbem_result_free ")" \
		    -v pt="$(cg_incl "$T/cg.$k" "ptype_lookup ")" 'BEGIN {
			printf("| %s | %d | %d | %.2f | %.0f%% | %.0f%% | %s |",
			    k, c, r, c / r, 100 * x / c, 100 * fd / c,
			    pt == "" ? "-" : sprintf("%.0f%%", 100 * pt / c)) }')"
	done
	# cimheadd: instructions per dispatch and per WBEM reply, 16 nodes, the
	# strict model (freshness 0); replies counted as calls of xml_sax_parse
	mock_start 16
	{
		echo "[cimheadd]"; echo "listen = 127.0.0.1:0"
		echo "admin-listen = 127.0.0.1:0"; echo "idle-check = 0"
		# the strict model: every dispatch a round of every node
		echo "freshness = 0"; echo "policy = least-load"
		awk '/^node/ {print "[node " $2 "]"; print "url = " $4
		    print "process = vodstream.exe"
		    print "stream-url = " $8 "{title}"}' "$T/ready"
	} >"$T/pd.conf"
	rm -f "$T/pports"
	valgrind --tool=callgrind --callgrind-out-file="$T/cg.d" \
	    "$B/cimheadd" -f "$T/pd.conf" -P "$T/pports" 2>/dev/null &
	DPID=$!
	PIDS="$PIDS $DPID"
	wait_file "$T/pports" 2 60 || return 1
	sleep 3
	for k in $(seq 1 40); do
		curl -s -o /dev/null "http://$(awk '/^viewer/ {print $2}' "$T/pports")/watch/t$k"
	done
	disp_stop
	mock_stop
	callgrind_annotate --inclusive=yes --tree=calling "$T/cg.d" 2>/dev/null >"$T/cg.d.txt"
	# BENCH_PROF_KEEP=FILE: keep the daemon's profile for callgrind_annotate
	[ -n "${BENCH_PROF_KEEP:-}" ] && cp "$T/cg.d" "$BENCH_PROF_KEEP"
	row ""
	row "| cimheadd, 16 nodes, freshness 0, start + 40 sequential dispatches | value |"
	row "|---|---|"
	awk -v tot="$(cg_incl "$T/cg.d" "PROGRAM TOTALS")" \
	    -v dec="$(cg_incl "$T/cg.d" "cimxml.c:cimxml_decode_response ")" \
	    -v prs="$(cg_incl "$T/cg.d" "xml.c:xml_sax_parse ")" \
	    -v crl="$(cg_incl "$T/cg.d" "curl_multi_socket_action")" \
	    -v fe="$(cg_incl "$T/cg.d" "frontend.c:frontend_request_cb ")" \
	    -v nq="$(grep -m1 -E '> +.*xml\.c:xml_sax_parse \(' "$T/cg.d.txt" | sed 's/.*(\([0-9,]*\)x).*/\1/' | tr -d ,)" \
	    -v hs="$(cg_incl "$T/cg.d" "hclient.c:hc_start ")" \
	    -v hcc="$(cg_incl "$T/cg.d" "hclient.c:hc_conn_cb ")" \
	    -v hdn="$(cg_incl "$T/cg.d" "http.c:http_hc_done_cb ")" \
	    -v ns="$(awk '/fd = socket\((a->family|op->sa\.ss_family)/ {p = 1; next}
		p && /=>.*socket \(/ {s = $0; sub(/.*\(/, "", s); sub(/x\).*/, "", s)
		gsub(",", "", s); n += s; p = 0}
		END {print n + 0}' "$T/cg.d.txt")" '
	    BEGIN {
		printf("| Ir in total | %d |\n", tot)
		printf("| WBEM replies decoded | %d |\n", nq)
		printf("| Ir per reply, whole process (total / replies) | %.0f |\n", tot / nq)
		printf("| Ir per reply in cimxml_decode_response | %.0f (%.0f%% of all) |\n", dec / nq, 100 * dec / tot)
		printf("| of which the libxml2 parse (xml_sax_parse) | %.0f |\n", prs / nq)
		printf("| Ir in curl_multi_socket_action | %.0f%% of all |\n", 100 * crl / tot)
		printf("| Ir in frontend_request_cb (viewer parse, round start) | %.0f%% of all |\n", 100 * fe / tot)
		# hc_conn_cb holds the completion (http_hc_done_cb: the decode)
		printf("| Ir in hclient.c (hc_start, hc_conn_cb less the completion) | %.0f%% of all |\n", 100 * (hs + hcc - hdn) / tot)
		printf("| connections opened to the nodes (socket() in http_opensocket_cb or hc_conn_open) | %d |\n", ns)
	    }' | tee -a "$OUT/$ITEM.md"
}

bench_quality() {
	ITEM=quality
	"$PY" "$S/bench/quality.py" "$B" "$S" "$T" | tee -a "$OUT/$ITEM.md"
}

bench_balance() {
	ITEM=balance
	# balance.py writes its own copy: BENCH_B_OUT, default $OUT/balance.md
	BENCH_B_OUT=${BENCH_B_OUT:-$OUT/balance.md} \
	    "$PY" "$S/bench/balance.py" "$B" "$S" "$T"
}

[ $# -eq 0 ] && set -- all
for what in "$@"; do
	case $what in
	codec)		bench_codec ;;
	overhead)	bench_overhead ;;
	latency)	bench_latency ;;
	throughput)	bench_throughput ;;
	quality)	bench_quality ;;
	balance)	bench_balance ;;
	idle)		bench_idle ;;
	profile)	bench_profile ;;
	all)		bench_codec; bench_overhead; bench_latency;
			bench_throughput; bench_quality ;;
	*)		say "unknown benchmark $what"; exit 2 ;;
	esac
done
