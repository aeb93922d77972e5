#!/bin/sh
# mock_wbemcli_ops.sh: sblim-wbemcli (an independent CIM-XML client) runs
# the class, association, instance-edit and property operations against
# cimmockd: ecn, ec, ain, ai, rin, ri, ci, mi, gp, sp, di.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$WBEMCLI" ] && [ -x "$WBEMCLI" ] || skip_all "wbemcli not found"

start_mock; ok $? "cimmockd ready"
P=$(mock_port NODE01)
U="http://127.0.0.1:$P/root/cimv2"
W() { timeout 10 "$WBEMCLI" "$@" 2>"$TEST_TMP/wbemcli.err"; }
has() { printf "%s\n" "$out" | grep -q "$1"; }

out=$(W ecn "$U")
ok $? "ecn: exit 0"
# wbemcli asks DeepInheritance=TRUE: every class, subclasses too
has ':Win32_Process$' && has ':Win32_SystemProcesses$' &&
    has ':CIM_SystemComponent$'
ok $? "ecn (deep): every class"
out=$(W ecn "$U:CIM_SystemComponent")
has ':Win32_SystemProcesses$' && has ':Win32_SystemServices$'
ok $? "ecn CLASS: its subclasses"
out=$(W ec "$U:CIM_SystemComponent")
has 'Win32_SystemProcesses .*PartComponent='
ok $? "ec CLASS: the subclasses with their properties"

out=$(W ain "$U:Win32_ComputerSystem.Name=\"NODE01\"")
ok $? "ain: exit 0"
has 'Win32_Process.Handle="2345"'
ok $? "ain of the computer system: the streaming server's process"
out=$(W ai -ac Win32_SystemProcesses "$U:Win32_Process.Handle=\"2345\"")
has 'Win32_ComputerSystem.Name="NODE01" Name="NODE01"'
ok $? "ai -ac of a process: its computer system"
out=$(W ain -arc Win32_Service "$U:Win32_ComputerSystem.Name=\"NODE01\"")
[ -z "$out" ]
ok $? "ain -arc Win32_Service: none in process mode"
out=$(W rin "$U:Win32_Process.Handle=\"2345\"")
has 'Win32_SystemProcesses.GroupComponent='
ok $? "rin of a process: the association's path"
out=$(W ri -ar PartComponent "$U:Win32_Process.Handle=\"2345\"")
has 'PartComponent=.*Win32_Process.Handle=.*2345'
ok $? "ri -ar PartComponent: the association instance"

F="$U:CIM_Fan.DeviceID=\"fan1\""
W ci "$F" 'DeviceID="fan1",DesiredSpeed=1000' >/dev/null
ok $? "ci: creates"
out=$(W gi "$F")
has 'DesiredSpeed=1000'
ok $? "gi finds the created instance"
W ci "$F" 'DeviceID="fan1",DesiredSpeed=1' >/dev/null
[ $? -ne 0 ] && grep -q "CIM_ERR_ALREADY_EXISTS" "$TEST_TMP/wbemcli.err"
ok $? "ci again: CIM_ERR_ALREADY_EXISTS"
W mi "$F" 'DesiredSpeed=1200' >/dev/null
ok $? "mi: modifies"
out=$(W gp "$F" DesiredSpeed)
has '1200'
ok $? "gp: the modified value ($out)"
W sp "$F" 'DesiredSpeed=900' >/dev/null
ok $? "sp: sets"
out=$(W gi "$F")
has 'DesiredSpeed=900'
ok $? "gi: the value sp set"
W di "$F" >/dev/null
ok $? "di: deletes"
W gi "$F" >/dev/null
[ $? -ne 0 ] && grep -q "CIM_ERR_NOT_FOUND" "$TEST_TMP/wbemcli.err"
ok $? "gi after di: CIM_ERR_NOT_FOUND"
done_testing
