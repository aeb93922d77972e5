#!/bin/sh
# mock_recovery.sh: killing the streaming server removes it from
# Win32_Process and the stream endpoint refuses viewers; Create with the
# configured command line brings it back after the start delay; other
# command lines give Windows return codes; service mode does the same with
# Win32_Service.State and StartService.  The process and counter faults:
# flap, createfail, clockjump, wrap.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

cat >"$TEST_TMP/sc.json" <<'JSON'
{ "nodes": [
  { "name": "P1", "start_delay_ms": 3000 },
  { "name": "S1", "mode": "service", "service": "VodStream",
    "start_delay_ms": 3000 } ] }
JSON
start_mock --scenario "$TEST_TMP/sc.json"; ok $? "cimmockd ready"
P=$(mock_port P1)
C=$(mock_control P1)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
Q='SELECT Handle, Caption FROM Win32_Process WHERE Caption = "vodstream.exe"'
CMD='"C:\Program Files\VodStream\vodstream.exe" --port 8554 --cache D:\vod'
ms() { "$PYTHON3" -c 'import time; print(int(time.monotonic() * 1000))'; }
# answers WANT CIM-ARGS...: the mock's reply is WANT
answers() { _w=$1; shift; [ "$($CIM "$@")" = "$_w" ]; }

is "$($CIM query "$Q")" "Handle=2345;Caption=vodstream.exe" "vodstream.exe runs"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-9 "http://127.0.0.1:$P/vod/a")
is "$code" 206 "stream served while it runs"

curl -s -X POST -d '{}' "$C/kill" | grep -q '"process":"stopped"'
ok $? "control kill"
is "$($CIM query "$Q")" "" "gone from ExecQuery on Caption"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-9 "http://127.0.0.1:$P/vod/a")
is "$code" 503 "stream refused while it is dead"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{}' "$C/kill")
is "$code" 409 "killing a dead process: 409"

is "$($CIM invoke Win32_Process Create 'CommandLine=C:\nonexistent\vodstream.exe')" \
    "rc=9 " "wrong command line: 9 (path not found)"
is "$($CIM invoke Win32_Process Create 'CurrentDirectory=C:\')" \
    "rc=21 " "no CommandLine: 21 (invalid parameter)"
is "$($CIM invoke Win32_Process Create 'CommandLine=C:\Windows\system32\cmd.exe /c x')" \
    "rc=2 " "a system program: 2 (access denied)"
is "$($CIM invoke Win32_Process Terminate)" "error=16" "unknown method: CIM error 16"
is "$($CIM invoke NoSuchClass Create)" "error=6" "unknown class on InvokeMethod: CIM error 6"

t0=$(ms)
out=$($CIM invoke Win32_Process Create "CommandLine=$CMD" 'CurrentDirectory=C:\Program Files\VodStream')
echo "$out" | grep -q '^rc=0 ProcessId=[0-9]'
ok $? "Create with the configured command line: 0 + ProcessId ($out)"
pid=${out#*ProcessId=}
is "$($CIM query "$Q")" "" "not back before the start delay"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-9 "http://127.0.0.1:$P/vod/a")
is "$code" 503 "stream still refused while starting"
wait_for 8 answers "Handle=$pid;Caption=vodstream.exe" query "$Q"
t1=$(ms)
is "$($CIM query "$Q")" "Handle=$pid;Caption=vodstream.exe" "back with the new pid"
ok $([ $((t1 - t0)) -ge 2900 ] && echo 0 || echo 1) \
    "... after the 3 s start delay ($((t1 - t0)) ms)"
code=$(curl -s -o /dev/null -w '%{http_code}' -r 0-9 "http://127.0.0.1:$P/vod/a")
is "$code" 206 "stream served again"
out=$($CIM invoke Win32_Process Create "CommandLine=$CMD")
is "$out" "rc=0 ProcessId=$pid" "Create while it runs: 0 and the running pid"

# service mode
P=$(mock_port S1)
C=$(mock_control S1)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
SQ='SELECT Name, State, Started FROM Win32_Service WHERE Name = "VodStream"'
is "$($CIM query "$SQ")" "Name=VodStream;State=Running;Started=TRUE" "service Running"
is "$($CIM invoke Win32_Service.Name=VodStream StartService)" "rc=10 " \
    "StartService while running: 10"
curl -s -X POST -d '{}' "$C/kill" >/dev/null
is "$($CIM query "$SQ")" "Name=VodStream;State=Stopped;Started=FALSE" "killed: Stopped"
t0=$(ms)
is "$($CIM invoke Win32_Service.Name=VodStream StartService)" "rc=0 " \
    "StartService: 0"
is "$($CIM query "$SQ")" "Name=VodStream;State=Start Pending;Started=TRUE" "Start Pending during the delay"
wait_for 8 answers "Name=VodStream;State=Running;Started=TRUE" query "$SQ"
t1=$(ms)
is "$($CIM query "$SQ")" "Name=VodStream;State=Running;Started=TRUE" "Running again"
ok $([ $((t1 - t0)) -ge 2900 ] && echo 0 || echo 1) \
    "... after the 3 s start delay ($((t1 - t0)) ms)"
is "$($CIM invoke Win32_Service.Name=NoSuch StartService)" "error=6" \
    "unknown service: CIM error 6"

# process and counter faults (P1 runs again by now)
P=$(mock_port P1)
C=$(mock_control P1)
CIM="$PYTHON3 $top_srcdir/tests/e2e/mock_cim.py $P"
proc() { curl -s "$C" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["process"])'; }
is "$(proc)" running "P1 runs before the process faults"
curl -s -X POST -d '{"kind": "flap", "lifetime_ms": 300}' "$C/fault" >/dev/null
wait_for 3 eval '[ "$(proc)" = stopped ]'
is "$(proc)" stopped "flap: the process dies lifetime_ms after the fault is set"
curl -s -X POST -d '{"kind": "createfail", "code": 9}' "$C/fault" >/dev/null
is "$($CIM invoke Win32_Process Create "CommandLine=$CMD")" "rc=9 " \
    "createfail 9: Create returns 9 for the right command line"
is "$(proc)" stopped "createfail 9: nothing starts"
curl -s -X POST -d '{"kind": "createfail", "code": 0}' "$C/fault" >/dev/null
out=$($CIM invoke Win32_Process Create "CommandLine=$CMD")
case "$out" in "rc=0 ProcessId="[1-9]*) true;; *) false;; esac
ok $? "createfail 0: Create returns 0 and a pid ($out)"
is "$(proc)" stopped "createfail 0: yet the process never appears"
code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"kind": "createfail", "code": 0, "jump_ms": 1.5}' "$C/fault")
is "$code" 400 "jump_ms must be an integer"
TS='SELECT Name, PercentProcessorTime, Timestamp_Sys100NS FROM Win32_PerfRawData_PerfOS_Processor WHERE Name = "_Total"'
raw() { $CIM query "$TS" | tr ';' '\n' | sed -n "s/^$1=//p"; }
t0=$(raw Timestamp_Sys100NS)
curl -s -X POST -d '{"kind": "clockjump", "jump_ms": -3600000}' "$C/fault" >/dev/null
t1=$(raw Timestamp_Sys100NS)
"$PYTHON3" -c "import sys; d = $t0 - $t1; sys.exit(0 if 3.59e10 < d < 3.61e10 else 1)"
ok $? "clockjump -1 h: Timestamp_Sys100NS an hour back ($t0 -> $t1)"
i0=$(raw PercentProcessorTime)
curl -s -X POST -d '{"kind": "wrap"}' "$C/fault" >/dev/null
i1=$(raw PercentProcessorTime)
# from zero: under a minute of idle time since (100 ns units), where the
# whole counter held days; a loaded machine took 1.05 s to ask, so not 1 s
"$PYTHON3" -c "import sys; sys.exit(0 if $i1 < 600000000 < $i0 else 1)"
ok $? "wrap: the raw idle counter restarts from zero ($i0 -> $i1)"
curl -s -X POST -d '{}' "$C/clear" >/dev/null
i2=$(raw PercentProcessorTime)
[ "$i2" -gt "$i0" ]; ok $? "cleared: the counter is whole again ($i2)"
done_testing
