#!/bin/sh
# cli_wsman.sh: cimhead --protocol wsman against tests/wsman_replay.py, which
# answers with the WinRM-shaped replies of tests/fixtures/wsman (RelatesTo
# echoing each MessageID): the Enumerate -> Pull loop, exact JSON values,
# Get, Invoke, faults, 401, 413, and plain http refused unless allowed.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
FIX="$top_srcdir/tests/fixtures/wsman"
OUT="$TEST_TMP/out"
ERR="$TEST_TMP/err"
N=0

# start STEP...: a fresh server; sets URL and REQ
start() {
	N=$((N + 1))
	REQ="$TEST_TMP/req$N"
	mkdir -p "$REQ"
	"$PYTHON3" "$top_srcdir/tests/wsman_replay.py" --base "$FIX" \
	    "$TEST_TMP/port$N" "$REQ" "$@" &
	TEST_PIDS="$TEST_PIDS $!"
	if ! wait_for_file "$TEST_TMP/port$N" 10; then
		echo "Bail out! wsman_replay.py did not start"
		exit 1
	fi
	URL="http://127.0.0.1:$(cat "$TEST_TMP/port$N")/wsman"
}

j() {	# j EXPR: a Python expression on the JSON output `j`
	"$PYTHON3" -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else json.dumps(v))' "$OUT" "$1"
}

ws() {	# ws ARGS...: cimhead over WS-Man, plain http allowed
	"$CIMHEAD" --timeout 5000 --protocol wsman --allow-unencrypted "$@" \
	    >"$OUT" 2>"$ERR"
}

# query: Enumerate then Pull to the end
start enum-process-star.xml pull-process-end.xml
ws --max-elements 2 query "$URL" "SELECT * FROM Win32_Process"
is "$?" 0 "query: exit 0"
is "$(j 'len(j)')" 3 "query: items of the Enumerate and the Pull"
is "$(j 'j[2]["properties"]["Name"]["value"]')" svchost.exe \
    "query: the Pull's item last"
grep -q '"value": 18446744073709551615$' "$OUT"
ok $? "query: uint64 max printed as the exact number"
is "$(j 'j[1]["properties"]["WorkingSetSize"]["type"]')" uint64 \
    "query: WorkingSetSize typed uint64"
is "$(j 'j[0]["properties"]["ExecutablePath"]')" \
    '{"type": "string", "value": null}' "query: xsi:nil is null"
is "$(j 'j[1]["properties"]["CreationDate"]["value"]')" \
    20130415162847.735170+120 "query: cim:Datetime as CIM datetime"
is "$(j 'j[1]["path"]')" '{"Handle": "4242"}' "query: path from the key"
is "$(cat "$REQ/req-1.ctype")" "application/soap+xml;charset=UTF-8" \
    "query: Content-Type"
grep -q '<w:Filter Dialect="http://schemas.microsoft.com/wbem/wsman/1/WQL">SELECT \* FROM Win32_Process</w:Filter>' \
    "$REQ/req-1"
ok $? "query: WQL filter sent"
grep -q '<w:MaxElements>2</w:MaxElements>' "$REQ/req-1"
ok $? "query: --max-elements in the Enumerate"
grep -q '<n:EnumerationContext>uuid:6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F40001</n:EnumerationContext><n:MaxElements>2</n:MaxElements>' \
    "$REQ/req-2"
ok $? "query: the Pull carries the context and MaxElements"
grep -q 'plain http' "$ERR"
ok $? "query: a warning about plain http"

# fragments with an empty final context: one message, no Pull
start enum-fragment-eos.xml
ws query "$URL" "SELECT Name, BytesTotalPersec FROM Win32_PerfRawData_Tcpip_NetworkInterface"
is "$?" 0 "fragments: exit 0"
is "$(j 'j[0]["classname"]')" Win32_PerfRawData_Tcpip_NetworkInterface \
    "fragments: class from the query"
is "$(j 'str(j[0]["properties"]["BytesTotalPersec"]["value"])')" \
    18446744073709551615 "fragments: uint64 max exact"
is "$(ls "$REQ" | grep -c '^req-[0-9]*$')" 1 "fragments: no Pull after the end"

# cim:Date and cim:Time: CIM datetimes with '*' for the part left out
start enum-os-date-time.xml
ws query "$URL" "SELECT * FROM Win32_OperatingSystem"
is "$?" 0 "date/time: exit 0"
is "$(j 'j[0]["properties"]["ReviewedOn"]')" \
    '{"type": "datetime", "value": "20140604******.******-300"}' \
    "date/time: cim:Date as a datetime"
is "$(j 'j[0]["properties"]["BackupAt"]["value"]')" \
    '********234510.250000+090' "date/time: cim:Time as a datetime"

# get and invoke
start get-service.xml invoke-create-0.xml invoke-create-9.xml \
    invoke-startservice.xml
ws get "$URL" Win32_Service Name=vodstream
is "$?" 0 "get: exit 0"
is "$(j 'j[0]["properties"]["Started"]')" '{"type": "boolean", "value": true}' \
    "get: boolean"
grep -q '<w:Selector Name="Name">vodstream</w:Selector>' "$REQ/req-1"
ok $? "get: the selector"
ws invoke "$URL" Win32_Process Create 'CommandLine=C:\vod\vodstream.exe -p 8080' \
    'CurrentDirectory=C:\vod'
is "$?" 0 "create: exit 0"
is "$(j 'j["returnvalue"]')" '{"type": "uint32", "value": 0}' "create: ReturnValue 0"
is "$(j 'j["out"]["ProcessId"]["value"]')" 4243 "create: ProcessId"
grep -q '<p:CommandLine>C:\\vod\\vodstream.exe -p 8080</p:CommandLine>' "$REQ/req-2"
ok $? "create: p:CommandLine sent"
grep -q '<a:Action s:mustUnderstand="true">http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process/Create</a:Action>' \
    "$REQ/req-2"
ok $? "create: the Create action"
ws invoke "$URL" Win32_Process Create CommandLine=nosuch.exe
is "$?" 0 "create 9: not a fault, exit 0"
is "$(j 'j["returnvalue"]["value"]')" 9 "create 9: ReturnValue 9"
ws invoke "$URL" 'Win32_Service.Name="vodstream"' StartService
is "$?" 0 "startservice: exit 0"
grep -q 'Win32_Service/StartService</a:Action>' "$REQ/req-4"
ok $? "startservice: instance action"
grep -q '<w:Selector Name="Name">vodstream</w:Selector>' "$REQ/req-4"
ok $? "startservice: the selector"

# a reply answering another message than the one sent, or holding a broken
# datetime, is a protocol error naming it (exit 3); a reference prints with
# its namespace, as over CIM-XML
start enum-process-star.xml pull-action-enumerate.xml
ws --max-elements 2 query "$URL" "SELECT * FROM Win32_Process"
is "$?" 3 "Pull answered as an Enumerate: exit 3"
is "$(j 'j["error"]["kind"]')" protocol "Pull answered as an Enumerate: protocol"
grep -q 'EnumerateResponse does not answer the Pull sent' "$ERR"
ok $? "Pull answered as an Enumerate: stderr names both"
start enum-os-bad-date.xml
ws query "$URL" "SELECT * FROM Win32_OperatingSystem"
is "$?" 3 "broken cim:Date: exit 3, not a string"
grep -q 'Win32_OperatingSystem.PatchedOn: cim:Date value "2014-06-31x"' "$ERR"
ok $? "broken cim:Date: stderr names the property and the value"
start get-os-datetime.xml
ws get "$URL" Win32_OperatingSystem Name=x
is "$?" 0 "references: exit 0"
is "$(j '[j[0]["properties"][p]["value"] for p in ("Computer", "Profile")]')" \
    '["root/cimv2:Win32_ComputerSystem.Name=\"NODE7\"", "root/interop:CIM_RegisteredProfile.InstanceID=\"DMTF+Base+1.0\""]' \
    "references: with their namespace"

# faults and statuses
start faults/soap_fault_v1.xml status=401 status=413 faults/wmi_error_v2.xml
ws query "$URL" "SELECT * FROM Win32_Processa"
is "$?" 1 "fault: exit 1"
is "$(j 'j["error"]["name"]')" n:CannotProcessFilter "fault: subcode name"
is "$(j 'j["error"]["description"]')" \
    "The specified class does not exist in the given namespace." \
    "fault: innermost message"
is "$(j 'j["error"]["wsman_code"]')" 2150858778 "fault: the WSManFault code"
ws get "$URL" Win32_Service Name=x
is "$?" 3 "401: exit 3"
ws get "$URL" Win32_Service Name=x
is "$?" 3 "413: exit 3"
grep -q 'too large' "$ERR"
ok $? "413: says the request was too large"
ws get "$URL" Win32_Service Name=x
is "$?" 1 "MSFT_WmiError: exit 1"
is "$(j 'j["error"]["code"]')" 27 "MSFT_WmiError: CIMStatusCode"

# plain http without --allow-unencrypted: refused, nothing sent
start get-service.xml
"$CIMHEAD" --timeout 5000 --protocol wsman get "$URL" Win32_Service Name=x \
    >"$OUT" 2>"$ERR"
is "$?" 2 "plain http: exit 2"
grep -q 'plain http' "$ERR"
ok $? "plain http: the message says why"
is "$(ls "$REQ" | wc -l | tr -d ' ')" 0 "plain http: nothing sent"

done_testing
