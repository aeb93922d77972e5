#!/bin/sh
# mock_wbemcli.sh: sblim-wbemcli (a real, independent CIM-XML client) runs
# ei, gi, gc and cm Create against cimmockd.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$WBEMCLI" ] && [ -x "$WBEMCLI" ] || skip_all "wbemcli not found"

start_mock; ok $? "cimmockd ready"
P=$(mock_port NODE01)
C=$(mock_control NODE01)
U="http://127.0.0.1:$P/root/cimv2"
W() { timeout 10 "$WBEMCLI" "$@" 2>"$TEST_TMP/wbemcli.err"; }

out=$(W ei "$U:Win32_Process")
ok $? "wbemcli ei Win32_Process"
printf "%s\n" "$out" | grep -q 'Win32_Process.Handle="2345" .*Caption="vodstream.exe"'
ok $? "ei lists vodstream.exe with its Handle"
printf "%s\n" "$out" | grep -q 'ExecutablePath="C:\\\\Program Files\\\\VodStream\\\\vodstream.exe"'
ok $? "ei shows its ExecutablePath"

out=$(W -cte ei "$U:Win32_Process")
printf "%s\n" "$out" | grep -q 'Caption="vodstream.exe"'
ok $? "wbemcli -cte ei (chunked reply) works"

out=$(W gi "$U:Win32_Process.Handle=\"2345\"")
ok $? "wbemcli gi Win32_Process.Handle=\"2345\""
printf "%s\n" "$out" | grep -q 'ProcessId=2345'
ok $? "gi returns ProcessId 2345"

W gi "$U:Win32_Process.Handle=\"9999\"" >/dev/null
[ $? -ne 0 ] && grep -q "CIM_ERR_NOT_FOUND" "$TEST_TMP/wbemcli.err"
ok $? "gi of a missing instance: CIM_ERR_NOT_FOUND"

W -dx gc "$U:Win32_Process" >/dev/null
# wbemcli asks IncludeClassOrigin=TRUE: CLASSORIGIN after TYPE, as Pegasus
grep -q '<METHOD NAME="Create" TYPE="uint32" CLASSORIGIN="Win32_Process">' \
    "$TEST_TMP/wbemcli.err"
ok $? "wbemcli gc Win32_Process shows method Create, with its class origin"

out=$(W ei "$U:Win32_PerfRawData_PerfOS_Processor")
printf "%s\n" "$out" | grep -q 'Name="_Total"'
ok $? "ei raw processor counters"

curl -s -X POST -d '{}' "$C/kill" >/dev/null
out=$(W ei "$U:Win32_Process")
printf "%s\n" "$out" | grep -q 'vodstream.exe'
[ $? -ne 0 ]; ok $? "after kill, vodstream.exe is gone"

out=$(W cm "$U:Win32_Process" 'Create.CommandLine="C:\Program Files\VodStream\vodstream.exe --port 8554",CurrentDirectory="C:\Program Files\VodStream"')
printf "%s\n" "$out" | grep -q 'Create: 0, ProcessId (uint32): [0-9]'
ok $? "wbemcli cm Create with the configured command line: 0 + ProcessId ($out)"

out=$(W cm "$U:Win32_Process" 'Create.CommandLine="C:\nonexistent\vodstream.exe"')
printf "%s\n" "$out" | grep -q 'Create: 9'
ok $? "cm Create of a nonexistent program: 9 ($out)"

running() { W ei "$U:Win32_Process" | grep -q 'vodstream.exe'; }
wait_for 5 running
running; ok $? "vodstream.exe is back after the start delay"
done_testing
