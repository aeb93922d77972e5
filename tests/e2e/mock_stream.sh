#!/bin/sh
# mock_stream.sh: the stream endpoint sends real bytes at the bitrate, with
# Range support, and the counters follow them: the raw network counter moves
# by the bytes sent, BytesTotalPersec shows the rate, CPU idle and available
# memory follow the streams.  Formatted values are cooked once a second over
# the second just ended, so a change shows within two; a formatted CPU
# percentage is whole timer ticks (1/64 s) of that second, within 2 points.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

cat >"$TEST_TMP/sc.json" <<'JSON'
{ "nodes": [ { "name": "N1", "bitrate": 8000000, "title_bytes": 40000000,
  "base_cpu": 10, "stream_cpu": 20, "cpus": 2, "memory": 8589934592,
  "memory_used": 1073741824, "stream_memory": 104857600,
  "bandwidth": 100000000, "background_bps": 0 } ] }
JSON
start_mock --scenario "$TEST_TMP/sc.json"; ok $? "cimmockd ready"
P=$(mock_port N1)
C=$(mock_control N1)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
S="http://127.0.0.1:$P/vod"

raw_total() {
	$CIM query 'SELECT Name, BytesTotalPersec FROM Win32_PerfRawData_Tcpip_NetworkInterface WHERE Name <> "isatap.{4A1B2C3D-0000-1111-2222-333344445555}"' |
	    sed -n 's/.*BytesTotalPersec=//p'
}
b0=$(raw_total)
nstreams() { curl -s "$C" | $PYTHON3 -c 'import json,sys; print(json.load(sys.stdin)["streams"])'; }
# 1 MB/s for 2 s: about 2 MB
curl -s --max-time 2 -o "$TEST_TMP/s1" "$S/movie1"
got=$(wc -c <"$TEST_TMP/s1")
# the mock has seen the viewer go: its counters are final
wait_for 3 eval '[ "$(nstreams)" = 0 ]'
b1=$(raw_total)
$PYTHON3 -c "import sys; g=$got; d=$b1-$b0; print('# got', g, 'counter delta', d); sys.exit(0 if g > 1500000 and abs(d - g) <= 0.1 * g else 1)"
ok $? "raw BytesTotalPersec moved by the bytes sent ($got) within 10%"
$PYTHON3 -c "import sys; sys.exit(0 if 1600000 <= $got <= 2600000 else 1)"
ok $? "paced at the bitrate: $got bytes in 2 s at 1 MB/s"

# formatted rate while a stream runs
# long enough to outlive the measurements on a loaded machine; killed below
command curl -s --max-time 60 -o /dev/null "$S/movie2" &
cpid=$!
TEST_PIDS="$TEST_PIDS $cpid"
sleep 2.2	# the test: formatted values are the last whole second's, refreshed each second
rate=$($CIM ei Win32_PerfFormattedData_Tcpip_NetworkInterface | head -1 | sed 's/.*BytesTotalPersec=\([0-9]*\).*/\1/')
streams=$(nstreams)
is "$streams" 1 "control API counts the active stream"
cpu=$($CIM ei Win32_PerfFormattedData_PerfOS_Processor | head -1 | sed 's/.*PercentProcessorTime=\([0-9]*\).*/\1/')
r1=$($CIM ei Win32_PerfRawData_PerfOS_Processor | head -1)
sleep 0.5	# the test: a CPU rate over half a second of raw counters
r2=$($CIM ei Win32_PerfRawData_PerfOS_Processor | head -1)
avail=$($CIM ei Win32_PerfFormattedData_PerfOS_Memory | sed 's/.*AvailableBytes=\([0-9]*\).*/\1/')
kill $cpid 2>/dev/null; wait $cpid
$PYTHON3 -c "import sys; r=$rate; sys.exit(0 if abs(r - 1020000) <= 102000 * $SLOW else 1)"
ok $? "formatted BytesTotalPersec ~ 1 MB/s during a stream ($rate)"
near() { "$PYTHON3" -c "import sys; sys.exit(0 if abs($1 - $2) <= $3 else 1)"; }
near "$cpu" 30 2; ok $? "formatted CPU: base 10% + 20% per stream ($cpu)"
$PYTHON3 - "$r1" "$r2" <<'PY'
import sys
def f(s): return dict(kv.split("=", 1) for kv in s.split(";"))
a, b = f(sys.argv[1]), f(sys.argv[2])
dn = int(b["PercentProcessorTime"]) - int(a["PercentProcessorTime"])
dd = int(b["Timestamp_Sys100NS"]) - int(a["Timestamp_Sys100NS"])
cpu = 100 * (1 - dn / dd)
print("# raw cpu %.1f%% over %d ticks" % (cpu, dd))
sys.exit(0 if int(a["Timestamp_Sys100NS"]) > 2**53 and 20 <= cpu <= 40 else 1)
PY
ok $? "raw PERF_100NSEC_TIMER_INV counters give ~30% busy; timestamps > 2^53"
is "$avail" $((8589934592 - 1073741824 - 104857600)) "AvailableBytes fell by one stream's memory"

# extra streams from the control API
curl -s -X POST -d '{"extra_streams": 3, "base_cpu": 5}' "$C/load" >/dev/null
sleep 2.1	# the test: the formatted CPU is the last whole second's
cpu=$($CIM ei Win32_PerfFormattedData_PerfOS_Processor | head -1 | sed 's/.*PercentProcessorTime=\([0-9]*\).*/\1/')
near "$cpu" 65 2; ok $? "control load: 5% + 3 extra streams x 20% ($cpu)"
curl -s -X POST -d '{"extra_streams": 0, "background_bps": 500000}' "$C/load" >/dev/null
sleep 2.1	# the test: the formatted rate is the last whole second's
rate=$($CIM ei Win32_PerfFormattedData_Tcpip_NetworkInterface | head -1 | sed 's/.*BytesTotalPersec=\([0-9]*\).*/\1/')
$PYTHON3 -c "import sys; sys.exit(0 if abs($rate - 510000) <= 51000 else 1)"
ok $? "background rate shows in BytesTotalPersec ($rate)"

# Range
hdr=$(curl -s -D - -o "$TEST_TMP/r1" -r 100-199 "$S/movie3" | tr -d '\r')
echo "$hdr" | grep -q '^HTTP/1.1 206'
ok $? "Range: 206 Partial Content"
echo "$hdr" | grep -q '^Content-Range: bytes 100-199/40000000$'
ok $? "Content-Range header"
is "$(wc -c <"$TEST_TMP/r1")" 100 "100 bytes"
curl -s -o "$TEST_TMP/r0" -r 0-299 "$S/movie3"
cmp -s "$TEST_TMP/r1" "$(dd if="$TEST_TMP/r0" bs=1 skip=100 count=100 of="$TEST_TMP/r2" 2>/dev/null; echo "$TEST_TMP/r2")"
ok $? "the same offsets give the same bytes (deterministic titles)"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 50000000- "$S/movie3")
is "$code" 416 "unsatisfiable range: 416"
code=$(curl -s -o /dev/null -w '%{http_code}' -r -50 "$S/movie3")
is "$code" 206 "suffix range"
code=$(curl -s -I -o /dev/null -w '%{http_code}' "$S/movie3")
is "$code" 200 "HEAD"
# a saturated interface: two 8 Mbit/s streams through 8 Mbit/s share it
cat >"$TEST_TMP/sat.json" <<'JSON'
{ "nodes": [ { "name": "SAT", "bitrate": 8000000, "bandwidth": 8000000,
  "title_bytes": 40000000 } ] }
JSON
start_mock --scenario "$TEST_TMP/sat.json"; ok $? "saturating node ready"
P=$(mock_port SAT)
curl -s --max-time 2 -o "$TEST_TMP/a" "http://127.0.0.1:$P/vod/x" &
c1=$!
curl -s --max-time 2 -o "$TEST_TMP/b" "http://127.0.0.1:$P/vod/y" &
c2=$!
TEST_PIDS="$TEST_PIDS $c1 $c2"
wait $c1; wait $c2
tot=$(( $(wc -c <"$TEST_TMP/a") + $(wc -c <"$TEST_TMP/b") ))
$PYTHON3 -c "import sys; sys.exit(0 if 1500000 <= $tot <= 2600000 else 1)"
ok $? "two streams share the 1 MB/s interface ($tot bytes in 2 s)"
done_testing
