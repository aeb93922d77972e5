#!/bin/sh
# mock_wsman.sh: cimmockd's /wsman (WinRM) side against cimhead --protocol
# wsman: every operation and both item shapes, Pull over many batches, the
# kill -> missing -> Create -> back cycle and StartService; the WinRM faults
# (filter, access denied, 401, quota, unknown action/resource, invalid and
# expired contexts); the control API's injected faults on /wsman.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"
CIMHEAD="$top_builddir/cimhead"
RAW="$top_srcdir/tests/e2e/wsman_raw.py"
OUT="$TEST_TMP/out"; ERR="$TEST_TMP/err"

# 30 processes besides the stream; auth; a small quota and context TTL
"$PYTHON3" - "$TEST_TMP/sc.json" <<'PY'
import json, sys
procs = [{"pid": 1000 + i, "name": "worker%02d.exe" % i} for i in range(30)]
auth = {"user": "vod", "password": "s3cret"}
nodes = [
    {"name": "WIN1", "dialect": "windows", "auth": auth, "processes": procs,
     "start_delay_ms": 3000, "wsman": {"quota": 3}},
    {"name": "WIN2", "dialect": "windows", "auth": auth, "mode": "service",
     "start_delay_ms": 300},
    {"name": "WIN3", "auth": auth, "wsman": {"deny": True}},
    {"name": "WIN4", "auth": auth, "wsman": {"context_ttl_ms": 1500}},
]
json.dump({"nodes": nodes}, open(sys.argv[1], "w"))
PY
printf 's3cret\n' >"$TEST_TMP/pw"; printf 'wrong\n' >"$TEST_TMP/badpw"
start_mock --scenario "$TEST_TMP/sc.json"; ok $? "cimmockd ready"
P1=$(mock_port WIN1); P2=$(mock_port WIN2); P3=$(mock_port WIN3)
P4=$(mock_port WIN4)
C1=$(mock_control WIN1); C2=$(mock_control WIN2)
U1="http://127.0.0.1:$P1/wsman"; U2="http://127.0.0.1:$P2/wsman"

ws() {	# ws ARGS...: cimhead over WS-Man as vod
	"$CIMHEAD" --timeout 5000 --protocol wsman --allow-unencrypted \
	    -u vod --password-file "$TEST_TMP/pw" "$@" >"$OUT" 2>"$ERR"
}
cx() {	# cx ARGS...: the same over CIM-XML
	"$CIMHEAD" --timeout 5000 --allow-unencrypted -u vod --password-file "$TEST_TMP/pw" "$@" \
	    >"$OUT.cx" 2>"$ERR"
}
j() {	# j EXPR [FILE]: a Python expression on the JSON output `j`
	"$PYTHON3" -c 'import json,sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
v = eval(sys.argv[2])
sys.stdout.write(v if isinstance(v, str) else json.dumps(v))' "${2:-$OUT}" "$1"
}
raw() { "$PYTHON3" "$RAW" "$@"; }
field() { echo "$1" | sed -n "s/^$2=//p" | head -1; }
reqs() { curl -s "$C1" | "$PYTHON3" -c 'import json,sys; print(json.load(sys.stdin)["requests"])'; }

# query, explicit property list: w:XmlFragment items, same as CIM-XML
ws query "$U1" "SELECT Name, ProcessId FROM Win32_Process"
is "$?" 0 "query list: exit 0"
cx query "http://127.0.0.1:$P1/cimom" "SELECT Name, ProcessId FROM Win32_Process"
is "$(j 'len(j)')" "$(j 'len(j)' "$OUT.cx")" "query list: as many items as CIM-XML"
is "$(j 'sorted(j[0]["properties"])')" '["Name", "ProcessId"]' \
    "query list: only the selected properties"
is "$(j 'j[0]["path"]')" null "query list: fragments carry no path"
is "$(j 'j[0]["classname"]')" Win32_Process "query list: class from the query"

# SELECT *: p:Win32_Process items (typed, with the key path)
ws query "$U1" "SELECT * FROM Win32_Process WHERE Name = 'worker07.exe'"
is "$?" 0 "query *: exit 0"
is "$(j 'len(j)')" 1 "query *: WHERE applied"
is "$(j 'j[0]["path"]')" '{"Handle": "1007"}' "query *: class items with the key"
is "$(j 'j[0]["properties"]["ProcessId"]')" '{"type": "uint32", "value": 1007}' \
    "query *: typed values"
is "$(j 'j[0]["properties"]["CommandLine"]["value"]')" null "query *: NULL as xsi:nil"

# enum with Pull over many batches
r0=$(reqs)
ws --max-elements 2 enum "$U1" Win32_Process
is "$?" 0 "enum: exit 0"
n=$(j 'len(j)')
is "$n" "$(j 'len(j)' "$OUT.cx")" "enum: every process"
r1=$(reqs)
is "$((r1 - r0))" "$(( (n + 1) / 2 ))" "enum: one Enumerate + Pulls of 2 items"

ws names "$U2" Win32_Service
is "$?" 0 "names: exit 0"
is "$(j '[p["path"] for p in j if p["path"].get("Name") == "VodStream"]')" \
    '[{"Name": "VodStream"}]' "names: EPR with the key selector"
ws get "$U2" Win32_Service Name=VodStream
is "$?" 0 "get: exit 0"
is "$(j 'j[0]["properties"]["Name"]["value"]')" VodStream "get: by selector"
ws get "$U2" Win32_Service Name=NoSuch
is "$?" 1 "get unknown: exit 1"
grep -q 'a:DestinationUnreachable' "$ERR"; ok $? "get unknown: a:DestinationUnreachable"

# kill -> missing -> Create -> back
SQ="SELECT ProcessId FROM Win32_Process WHERE Name = 'vodstream.exe'"
curl -s -X POST "$C1/kill" >/dev/null
ws query "$U1" "$SQ"; is "$(j 'len(j)')" 0 "kill: the stream process is gone"
ws invoke "$U1" Win32_Process Create \
    'CommandLine="C:\Program Files\VodStream\vodstream.exe" --port 8554 --cache D:\vod'
is "$?" 0 "create: exit 0"
is "$(j 'j["returnvalue"]["value"]')" 0 "create: ReturnValue 0"
pid=$(j 'j["out"]["ProcessId"]["value"]')
ws query "$U1" "$SQ"; is "$(j 'len(j)')" 0 "create: not back before the start delay"
has_one() {	# has_one URL QUERY: the query has one item
	ws query "$1" "$2"
	[ "$(j 'len(j)')" = 1 ]
}
back() {	# back URL QUERY: polls (up to 10 s) until the query has an item
	wait_for 10 has_one "$1" "$2"
}
back "$U1" "$SQ"; is "$(j 'j[0]["properties"]["ProcessId"]["value"]')" "$pid" \
    "create: back with the new pid after the delay"

# service mode: StartService
curl -s -X POST "$C2/kill" >/dev/null
ws invoke "$U2" 'Win32_Service.Name="VodStream"' StartService
is "$?" 0 "startservice: exit 0"
is "$(j 'j["returnvalue"]["value"]')" 0 "startservice: ReturnValue 0"
back "$U2" "SELECT State FROM Win32_Service WHERE Name = 'VodStream' AND State = 'Running'"
is "$(j 'j[0]["properties"]["State"]["value"]')" Running "startservice: running again"

# faults in the WinRM format
ws query "$U1" "SELECT * FROM NoSuchClass"
is "$?" 1 "unknown class: exit 1"
grep -q 'n:CannotProcessFilter' "$ERR"; ok $? "unknown class: n:CannotProcessFilter"
ws query "$U1" "SELEKT nonsense"
is "$?" 1 "bad filter: exit 1"
grep -q 'n:CannotProcessFilter' "$ERR"; ok $? "bad filter: n:CannotProcessFilter"
"$CIMHEAD" --timeout 5000 --protocol wsman --allow-unencrypted -u vod \
    --password-file "$TEST_TMP/badpw" enum "$U1" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 3 "wrong password: exit 3"
r=$(raw "$P1" vod wrong enum)
is "$(field "$r" status)" 401 "wrong password: HTTP 401"
echo "$r" | grep -q '^www-authenticate=Basic realm="WSMAN"$'; ok $? "401: Basic realm=WSMAN"
echo "$r" | grep -q '^www-authenticate=Negotiate$'; ok $? "401: Negotiate offered"
r=$(raw "$P1" - - enum); is "$(field "$r" status)" 401 "no credentials: 401"
"$CIMHEAD" --timeout 5000 --protocol wsman --allow-unencrypted -u vod \
    --password-file "$TEST_TMP/pw" enum "http://127.0.0.1:$P3/wsman" Win32_Process >"$OUT" 2>"$ERR"
is "$?" 1 "no rights: exit 1"
grep -q 'w:AccessDenied' "$ERR"; ok $? "no rights: w:AccessDenied"
r=$(raw "$P3" vod s3cret enum)
is "$(field "$r" status)/$(field "$r" wsmancode)" 500/5 "no rights: HTTP 500, WSManFault Code 5"
r=$(raw "$P1" vod s3cret action)
is "$(field "$r" subcode)" a:ActionNotSupported "unknown action: a:ActionNotSupported"
is "$(field "$r" relates)" True "fault: RelatesTo the request"
r=$(raw "$P1" vod s3cret resource)
is "$(field "$r" subcode)" a:DestinationUnreachable "unknown resource: a:DestinationUnreachable"
r=$(raw "$P1" vod s3cret badxml)
is "$(field "$r" subcode)" w:SchemaValidationError "bad XML: w:SchemaValidationError"
r=$(raw "$P1" vod s3cret pull uuid:00000000-0000-4000-8000-000000000000)
is "$(field "$r" subcode)" n:InvalidEnumerationContext "bad context: n:InvalidEnumerationContext"

# quota: 3 open enumerations per user, the 4th is refused
c1=$(field "$(raw "$P1" vod s3cret enum-open)" context)
c2=$(field "$(raw "$P1" vod s3cret enum-open)" context)
c3=$(field "$(raw "$P1" vod s3cret enum-open)" context)
ok "$([ -n "$c3" ] && [ "$c1" != "$c2" ]; echo $?)" "quota: 3 contexts open"
ws query "$U1" "SELECT * FROM Win32_Process"
is "$?" 1 "quota: exit 1"
grep -q 'w:QuotaLimit' "$ERR"; ok $? "quota: w:QuotaLimit"
r=$(raw "$P1" vod s3cret pull "$c1")
is "$(field "$r" items)" 1 "pull: an open context gives 1 item (no MaxElements)"
r=$(raw "$P1" vod s3cret release "$c1")
is "$(field "$r" status)" 200 "release: 200"
r=$(raw "$P1" vod s3cret pull "$c1")
is "$(field "$r" subcode)" n:InvalidEnumerationContext "release: context gone"
ws query "$U1" "$SQ"; is "$?" 0 "quota: room again after a Release"
c4=$(field "$(raw "$P4" vod s3cret enum-open)" context)
ok "$([ -n "$c4" ]; echo $?)" "expiry: a context opened"
sleep 2.5	# the test: the context left idle past its 1.5 s lifetime
r=$(raw "$P4" vod s3cret pull "$c4")
is "$(field "$r" subcode)" n:InvalidEnumerationContext "expiry: idle context dropped"

# injected faults reach /wsman too
fault() { curl -s -X POST -d "$1" "$C1/fault" | grep -q '"fault"'; }
fault '{"latency_ms": 600}'
t0=$(date +%s%N); ws query "$U1" "$SQ"; rc=$?; t1=$(date +%s%N)
is "$rc" 0 "latency: exit 0"
ok "$([ $(( (t1 - t0) / 1000000 )) -ge 550 ]; echo $?)" "latency: >= 600 ms"
fault '{"kind": "hang"}'
"$CIMHEAD" --timeout 800 --protocol wsman --allow-unencrypted -u vod \
    --password-file "$TEST_TMP/pw" query "$U1" "$SQ" >"$OUT" 2>"$ERR"
is "$?" 3 "hang: timeout, exit 3"
for k in refuse reset garbage truncate http401 http500; do
	fault "{\"kind\": \"$k\"}"
	ws query "$U1" "$SQ"
	is "$?" 3 "$k: exit 3"
done
fault '{"kind": "oversize", "mbytes": 2}'
ws --max-response 1000000 query "$U1" "$SQ"
is "$?" 3 "oversize: over --max-response, exit 3"
ws --max-response 4000000 query "$U1" "$SQ"
is "$?" 0 "oversize: still a valid reply"
fault '{"kind": "cimerror", "code": 7}'
ws query "$U1" "$SQ"
is "$?" 1 "cimerror: exit 1"
grep -q 'w:InternalError' "$ERR"; ok $? "cimerror: a WinRM fault"
grep -q 'InternalError (7)' "$ERR"; ok $? "cimerror: MSFT_WmiError CIMStatusCode 7"
fault '{"kind": "drip", "drip_bytes": 200, "drip_ms": 50}'
ws query "$U1" "$SQ"; is "$?" 0 "drip: exit 0"
curl -s -X DELETE "$C1/fault" >/dev/null
ws query "$U1" "$SQ"; is "$?" 0 "cleared: exit 0"

# the CIM-XML side is unchanged on the same port
cx enum "http://127.0.0.1:$P1/cimom" Win32_OperatingSystem
is "$?" 0 "cimom still answers"
done_testing
