#!/bin/sh
# mock_pglike.sh: what the differential test against a live OpenPegasus
# (pegasus_replay.sh, pegasus_diff.sh; tests/PEGASUS.md) found cimmockd
# doing otherwise, checked here without OpenPegasus: a class property an
# instance was created without comes back NULL and PROPAGATED="true" (the
# scenario's and CreateInstance's alike; nil over WS-Management), IncludeQualifiers and
# IncludeClassOrigin on instances, reference keys and REFERENCECLASS, the
# attribute order of GetClass's CLASSORIGIN, the codes for an unknown
# property in the instance edits, a SELECT list naming an unknown property
# (OpenPegasus: the instances without it; the windows dialect: 15), and
# the interop namespace root/PG_InterOp with its CIM_Namespace instances
# (cimhead namespaces).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
CIMHEAD=$top_builddir/cimhead
[ -x "$CIMHEAD" ] || skip_all "cimhead not built"

cat >"$TEST_TMP/s.json" <<'JSON'
{ "nodes": [
  { "name": "PG", "host": "vm",
    "instances": [ { "class": "Win32_ComputerSystem",
      "properties": { "Name": "PINNED", "TotalPhysicalMemory": "99" } } ] },
  { "name": "WIN", "dialect": "windows" } ] }
JSON
start_mock --scenario "$TEST_TMP/s.json"; ok $? "cimmockd starts"
U=http://127.0.0.1:$(mock_port PG)/root/cimv2
W=http://127.0.0.1:$(mock_port WIN)/root/cimv2

# raw bodies: cimhead -vv prints them
"$CIMHEAD" -vv enum "$U" Win32_ComputerSystem >/dev/null 2>"$TEST_TMP/ei"
grep -q '< <PROPERTY NAME="NumberOfLogicalProcessors"  PROPAGATED="true" TYPE="uint32">' "$TEST_TMP/ei" &&
    grep -q '< <PROPERTY NAME="Model"  PROPAGATED="true" TYPE="string">' "$TEST_TMP/ei"
ok $? "a property the scenario leaves out: PROPAGATED, as OpenPegasus's repository adds it"
is "$(grep -c 'PROPAGATED' "$TEST_TMP/ei")" 2 "... and only those"
is "$(grep -o '< <PROPERTY NAME="[A-Za-z]*"' "$TEST_TMP/ei" | tr -d '<"' | sed 's/.*NAME=//' | tr '\n' ' ')" \
    "NumberOfLogicalProcessors Model Name TotalPhysicalMemory " \
    "... ahead of the instance's own properties, in class order"
"$CIMHEAD" enum "$U" Win32_ComputerSystem --format text >"$TEST_TMP/t"
grep -q 'Model (string) = NULL' "$TEST_TMP/t"
ok $? "... NULL to a client"

"$CIMHEAD" -vv --protocol wsman --allow-unencrypted enum "${U%/root/cimv2}/wsman" \
    Win32_ComputerSystem >/dev/null 2>"$TEST_TMP/ws"
grep -q '<p:Model xsi:nil="true"/>' "$TEST_TMP/ws" &&
    grep -q '<p:NumberOfLogicalProcessors xsi:nil="true"/>' "$TEST_TMP/ws"
ok $? "WS-Management: the same properties, xsi:nil, as WinRM lists every property"

"$CIMHEAD" -vv enum "$U" Win32_ComputerSystem --qualifiers --class-origin \
    >/dev/null 2>"$TEST_TMP/eq"
grep -q '< <QUALIFIER NAME="Description" TYPE="string" PROPAGATED="true" TRANSLATABLE="true">' "$TEST_TMP/eq"
ok $? "IncludeQualifiers: the class's qualifiers on the instance, PROPAGATED"
grep -q '< <PROPERTY NAME="Model"  CLASSORIGIN="Win32_ComputerSystem" PROPAGATED="true" TYPE="string">' "$TEST_TMP/eq" &&
    grep -q '< <PROPERTY NAME="Name"  CLASSORIGIN="Win32_ComputerSystem" TYPE="string">' "$TEST_TMP/eq"
ok $? "IncludeClassOrigin: CLASSORIGIN on each property"
"$CIMHEAD" -vv get "$U" Win32_ComputerSystem Name=PINNED --class-origin \
    >/dev/null 2>"$TEST_TMP/gi"
grep -q 'CLASSORIGIN=' "$TEST_TMP/gi" && ! grep -q '< <QUALIFIER' "$TEST_TMP/gi"
ok $? "GetInstance: CLASSORIGIN asked, no qualifiers unasked"

"$CIMHEAD" create "$U" Win32_Service Name=s1 State=Stopped >/dev/null
ok $? "CreateInstance"
"$CIMHEAD" -vv get "$U" Win32_Service Name=s1 >/dev/null 2>"$TEST_TMP/cs"
is "$(grep -c 'PROPAGATED="true"' "$TEST_TMP/cs")" 5 \
    "CreateInstance: the 5 properties NewInstance left out are PROPAGATED"
"$CIMHEAD" modify "$U" 'Win32_Service.Name="s1"' Caption=c1 >/dev/null &&
    "$CIMHEAD" -vv get "$U" Win32_Service Name=s1 >/dev/null 2>"$TEST_TMP/cs"
is "$(grep -c 'PROPAGATED="true"' "$TEST_TMP/cs")" 4 "... one ModifyInstance sets is the instance's own"

is "$("$CIMHEAD" query "$U" 'SELECT NoSuch, Name FROM Win32_ComputerSystem' --format text |
    grep -c ' = ')" 1 "SELECT naming an unknown property: OpenPegasus's answer, the instance without it"
"$CIMHEAD" query "$W" 'SELECT NoSuch FROM Win32_Process' >/dev/null 2>&1
is $? 1 "... the windows dialect (WMI) refuses the query"
"$CIMHEAD" query "$W" 'SELECT NoSuch FROM Win32_Process' 2>&1 | grep -q '"code": 15'
ok $? "... with 15"

# an association's instances: reference keys, REFERENCECLASS
"$CIMHEAD" -vv enum "$U" Win32_SystemProcesses >/dev/null 2>"$TEST_TMP/as"
grep -A1 '< <KEYBINDING NAME="GroupComponent">' "$TEST_TMP/as" | grep -q '< <VALUE.REFERENCE>'
ok $? "a reference key: VALUE.REFERENCE in its KEYBINDING, not a string KEYVALUE"
grep -q '< <PROPERTY.REFERENCE NAME="PartComponent"  REFERENCECLASS="Win32_Process">' "$TEST_TMP/as"
ok $? "a PROPERTY.REFERENCE carries its REFERENCECLASS"
"$CIMHEAD" -vv getclass "$U" Win32_Process --class-origin >/dev/null 2>"$TEST_TMP/gc"
grep -q '< <PROPERTY NAME="Handle"  CLASSORIGIN="Win32_Process" TYPE="string">' "$TEST_TMP/gc"
ok $? "GetClass IncludeClassOrigin: CLASSORIGIN before TYPE, OpenPegasus's order"

# a property the class lacks: 1 in Create/ModifyInstance, 12 in SetProperty
"$CIMHEAD" create "$U" Win32_Service Name=s2 NoSuch=1 2>/dev/null | grep -q '"code": 1,'
ok $? "CreateInstance with an unknown property: 1, as OpenPegasus"
"$CIMHEAD" modify "$U" 'Win32_Service.Name="s1"' NoSuch=1 2>/dev/null |
    grep -q '"description": "no such property: NoSuch"'
ok $? "ModifyInstance: the same, OpenPegasus's words"
"$CIMHEAD" setprop "$U" 'Win32_Service.Name="s1"' NoSuch=1 2>/dev/null | grep -q '"code": 12,'
ok $? "SetProperty with an unknown property: 12, as OpenPegasus"

is "$("$CIMHEAD" namespaces "$U" --format text | tr '\n' ' ')" "root/PG_InterOp root/cimv2 " \
    "namespaces: root/PG_InterOp's CIM_Namespace instances"
"$CIMHEAD" enum "http://127.0.0.1:$(mock_port PG)/root/PG_InterOp" CIM_Namespace \
    --format text >"$TEST_TMP/ns"
grep -q 'ObjectManagerName (string) = "PG:vm"' "$TEST_TMP/ns"
ok $? "... PG_NameSpace with OpenPegasus's keys"
"$CIMHEAD" enum "http://127.0.0.1:$(mock_port PG)/root/PG_InterOp" Win32_Process 2>&1 |
    grep -q '"code": 5'
ok $? "... any other class there: 5"
"$CIMHEAD" enum "http://127.0.0.1:$(mock_port PG)/root/nosuch" Win32_Process 2>&1 |
    grep -q '"code": 3'
ok $? "another namespace: 3"
done_testing
