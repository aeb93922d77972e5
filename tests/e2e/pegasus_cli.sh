#!/bin/sh
# pegasus_cli.sh: cimhead against a real OpenPegasus 2.14.4 (the "pegasus"
# suite; tests/PEGASUS.md): every operation of cimhead(1) (the DSP0200 ones
# with a check each; pegasus_diff.sh compares them with cimmockd) over HTTP and
# HTTPS (a fresh self-signed certificate, --cacert), without and with Basic
# authentication, over CIM-XML and over OpenPegasus's WS-Management; and
# Win32_Process.Create through the test provider really starting a process
# whose instance comes and goes with it.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/pegasus-lib.sh"

pg_start open --data "$PG_DATASET" NODE01; r=$?; ok $r "OpenPegasus without authentication starts"; [ $r -eq 0 ] || bail
pg_start auth --data "$PG_DATASET" NODE01 --auth; r=$?; ok $r "OpenPegasus with Basic authentication starts"; [ $r -eq 0 ] || bail
PW=$(pg_password_file)
PROG=$(pg_fake_program vodstream.exe)

# ch SERVER SCHEME [cimhead args]: cimhead with the options a server
# needs (credentials for "auth", --cacert for https); URL is $U.
ch() {
	_srv=$1; _sch=$2; shift 2
	U=$(pg_url "$_srv" "$_sch")
	set -- --cacert "$PG_CERT" --timeout $((15000 * SLOW)) "$@"
	# a password over plain http must be allowed by name (issue 17)
	[ "$_srv" = auth ] && [ "$_sch" = http ] && set -- --allow-unencrypted "$@"
	[ "$_srv" = auth ] && set -- -u "$PG_USER" --password-file "$PW" "$@"
	"$CIMHEAD" "$@"
}
# An operation's URL argument is the literal "URL", replaced here.
op() {
	_srv=$1; _sch=$2; _op=$3; shift 3
	ch "$_srv" "$_sch" "$_op" "$(pg_url "$_srv" "$_sch")" "$@"
}

for srv in open auth; do
for sch in http https; do
	t="$srv/$sch"
	out=$(op $srv $sch enum Win32_PerfRawData_PerfOS_Processor); rc=$?
	is "$rc" 0 "$t: enum exits 0"
	is "$(printf '%s' "$out" | jq_py 'sorted(i["path"]["Name"] for i in d)')" \
	    '["0", "1", "_Total"]' "$t: enum: the three processors"
	is "$(printf '%s' "$out" | jq_py '[i for i in d if i["path"]["Name"] == "_Total"][0]["properties"]["PercentProcessorTime"]')" \
	    '{"type": "uint64", "value": 8123456789012}' "$t: enum: a uint64 counter, exact"

	out=$(op $srv $sch names Win32_Process); rc=$?
	is "$rc" 0 "$t: names exits 0"
	is "$(printf '%s' "$out" | jq_py 'sorted(i["path"]["Handle"] for i in d)')" \
	    '["2345", "3120", "4", "4711"]' "$t: names: the four processes' Handles"

	out=$(op $srv $sch get Win32_Process 'Handle="4711"'); rc=$?
	is "$rc" 0 "$t: get exits 0"
	is "$(printf '%s' "$out" | jq_py 'd[0]["properties"]["CommandLine"]["value"]')" \
	    'C:\Dienste\Dienst_überwachung.exe -q €' "$t: get: a non-ASCII string, byte-exact"

	out=$(op $srv $sch query 'SELECT Handle, Caption FROM Win32_Process WHERE Caption = "vodstream.exe"'); rc=$?
	is "$rc" 0 "$t: query exits 0"
	is "$(printf '%s' "$out" | jq_py '[(i["path"]["Handle"], sorted(i["properties"])) for i in d]')" \
	    '[["2345", ["Caption", "Handle"]]]' "$t: query: the daemon's process query, projected"

	out=$(op $srv $sch query "SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'"); rc=$?
	is "$rc" 1 "$t: query with a single-quoted literal exits 1"
	is "$(printf '%s' "$out" | jq_py 'd["error"]["code"]')" 15 "$t: ... CIM_ERR_INVALID_QUERY"

	out=$(op $srv $sch get Win32_Process 'Handle="9999"'); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["code"]')" 1/6 "$t: get of a missing instance: exit 1, CIM_ERR_NOT_FOUND"

	out=$(op $srv $sch enum NoSuchClass); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["code"]')" 1/5 "$t: enum of an unknown class: exit 1, CIM_ERR_INVALID_CLASS"

	# Create really starts the program; its instance appears with it.
	out=$(op $srv $sch invoke Win32_Process Create "CommandLine=$PROG --port 8554" \
	    "CurrentDirectory=$TEST_TMP"); rc=$?
	is "$rc" 0 "$t: invoke Create exits 0"
	is "$(printf '%s' "$out" | jq_py 'd["returnvalue"]')" '{"type": "uint32", "value": 0}' \
	    "$t: invoke Create returns 0"
	pid=$(printf '%s' "$out" | jq_py 'd["out"]["ProcessId"]["value"]')
	kill -0 "$pid" 2>/dev/null; ok $? "$t: the new process $pid runs"
	is "$(cat "$PG_CHILD_DIR/$pid" 2>/dev/null)" "$pid" "$t: it is the program asked for"
	out=$(op $srv $sch query "SELECT Handle, Caption FROM Win32_Process WHERE ProcessId = $pid")
	is "$(printf '%s' "$out" | jq_py '[(i["path"]["Handle"], i["properties"]["Caption"]["value"]) for i in d]')" \
	    "[[\"$pid\", \"vodstream.exe\"]]" "$t: Win32_Process lists it"
	kill "$pid"
	n=0
	while [ $n -lt $((50 * SLOW)) ]; do
		out=$(op $srv $sch query "SELECT Handle FROM Win32_Process WHERE ProcessId = $pid")
		[ "$out" = "[]" ] && break
		sleep 0.1; n=$((n + 1))
	done
	is "$out" "[]" "$t: killed, it leaves Win32_Process"
	rm -f "$PG_CHILD_DIR/$pid"

	out=$(op $srv $sch invoke Win32_Process Create 'CommandLine=C:\nowhere\vodstream.exe')
	is "$(printf '%s' "$out" | jq_py 'd["returnvalue"]["value"]')" 9 "$t: Create of a missing program returns 9"

	# The DSP0200 operations beyond those five (compared with cimmockd
	# in pegasus_diff.sh), each over this server and scheme.
	out=$(op $srv $sch classnames Win32_ComputerSystem --deep); rc=$?
	is "$rc/$out" "0/[]" "$t: classnames --deep: no subclass"
	out=$(op $srv $sch getclass Win32_Process --class-origin); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'sorted(d["methods"])')" '0/["Create"]' \
	    "$t: getclass: Win32_Process and its method"
	out=$(op $srv $sch getclass Win32_ComputerSystem --format mof); rc=$?
	printf '%s\n' "$out" | grep -q '^class Win32_ComputerSystem'
	is "$rc/$?" 0/0 "$t: getclass --format mof"
	# OpenPegasus 2.14.4 with authentication on dies on any pull
	# operation (tested last, below): pulls on the open server only.
	pull=; [ $srv = open ] && pull="--pull --max-object-count 1"
	# shellcheck disable=SC2086
	out=$(op $srv $sch associators 'Win32_Process.Handle="2345"' $pull); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py '[i["path"]["Name"] for i in d]')" '0/["NODE01"]' \
	    "$t: associators${pull:+ --pull}: the process's computer system"
	out=$(op $srv $sch referencenames 'Win32_ComputerSystem.Name="NODE01"' \
	    --result-class Win32_SystemProcesses --role GroupComponent); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'len(d)')" 0/4 "$t: referencenames: one per process"
	out=$(op $srv $sch getprop 'Win32_ComputerSystem.Name="NODE01"' TotalPhysicalMemory); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["properties"]["TotalPhysicalMemory"]["value"]')" \
	    0/17179332608 "$t: getprop: a uint64's VALUE, exact"
	out=$(op $srv $sch qualifiers Key); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["name"]')" 0/Key "$t: qualifiers Key"
	out=$(op $srv $sch namespaces); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py '"root/cimv2" in d')" 0/True "$t: namespaces lists root/cimv2"
	if [ $srv = open ]; then
		out=$(op $srv $sch names Win32_Process --pull --max-object-count 1 --max-items 2); rc=$?
		is "$rc/$(printf '%s' "$out" | jq_py 'len(d)')" 0/2 "$t: names --pull --max-items: two, then CloseEnumeration"
		out=$(op $srv $sch query 'SELECT Handle FROM Win32_Process WHERE ProcessId < 4000' --pull); rc=$?
		is "$rc/$(printf '%s' "$out" | jq_py 'sorted(i["properties"]["Handle"]["value"] for i in d)')" \
		    '0/["2345", "3120", "4"]' "$t: query --pull (OpenQueryInstances)"
	fi
	svc="pgcli-$srv-$sch"
	out=$(op $srv $sch create Win32_Service "Name=$svc" State=Stopped); rc=$?
	is "$rc" 0 "$t: create exits 0"
	out=$(op $srv $sch modify "Win32_Service.Name=\"$svc\"" State=Running); rc=$?
	is "$rc" 0 "$t: modify exits 0"
	out=$(op $srv $sch setprop "Win32_Service.Name=\"$svc\"" Started:boolean=true); rc=$?
	is "$rc" 0 "$t: setprop exits 0"
	out=$(op $srv $sch get Win32_Service "Name=\"$svc\""); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["properties"]["State"]["value"], d[0]["properties"]["Started"]["value"]')" \
	    "0/('Running', True)" "$t: get: what modify and setprop set"
	out=$(op $srv $sch delete "Win32_Service.Name=\"$svc\""); rc=$?
	is "$rc" 0 "$t: delete exits 0"
	out=$(op $srv $sch get Win32_Service "Name=\"$svc\""); rc=$?
	is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["code"]')" 1/6 "$t: deleted: 6"
done
done

# Create's other return codes, as WMI gives them.
printf '#!/bin/sh\n' >"$TEST_TMP/prog/noexec"; chmod 644 "$TEST_TMP/prog/noexec"
rv() { printf '%s' "$1" | jq_py 'd["returnvalue"]["value"], sorted(d.get("out") or {})'; }
is "$(rv "$(op open http invoke Win32_Process Create "CommandLine=$TEST_TMP/prog/noexec")")" \
    "(2, [])" "Create of a program that may not run: 2 (access denied), no ProcessId"
is "$(rv "$(op open http invoke Win32_Process Create "CommandLine=$PROG" "CurrentDirectory=$TEST_TMP/nowhere")")" \
    "(9, [])" "Create in a missing directory: 9"
is "$(rv "$(op open http invoke Win32_Process Create "CurrentDirectory=$TEST_TMP")")" \
    "(21, [])" "Create without a CommandLine: 21 (invalid parameter)"
is "$(rv "$(op open http invoke Win32_Process Create "CommandLine=\"$PROG\" --title \"a b\"")")" \
    "(0, ['ProcessId'])" "Create of a quoted program path with a quoted argument: 0"

# A NULL parameter: CurrentDirectory without '=' is <PARAMVALUE NAME=.../>,
# which the provider takes as not given (the process starts where it is).
is "$(rv "$(op open http invoke Win32_Process Create "CommandLine=$PROG" CurrentDirectory)")" \
    "(0, ['ProcessId'])" "Create with a NULL CurrentDirectory: 0"

# Schema changes in the repository: classes and qualifier declarations.
code() { printf '%s' "$1" | jq_py 'd["error"]["code"]'; }
out=$(op open http createclass VOD_PgBase Name:string); rc=$?
is "$rc" 0 "createclass: a base class"
out=$(op open http createclass VOD_PgTitle:VOD_PgBase Bitrate:uint32=4000 'Tags:string[]'); rc=$?
is "$rc" 0 "createclass: a subclass with a default and a NULL array"
out=$(op open http getclass VOD_PgTitle); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["superclass"], sorted(d["properties"]), d["properties"]["Bitrate"]["default"], d["properties"]["Tags"]["type"]')" \
    "0/('VOD_PgBase', ['Bitrate', 'Name', 'Tags'], '4000', 'string')" \
    "getclass: the class as created, Name inherited"
out=$(op open http createclass VOD_PgTitle Name:string); rc=$?
is "$rc/$(code "$out")" 1/11 "createclass of an existing class: CIM_ERR_ALREADY_EXISTS"
out=$(op open http createclass VOD_PgOrphan:VOD_PgNowhere Name:string); rc=$?
is "$rc/$(code "$out")" 1/10 "createclass under a missing superclass: CIM_ERR_INVALID_SUPERCLASS"
out=$(op open http modifyclass VOD_PgTitle:VOD_PgBase Rating:uint8=3); rc=$?
is "$rc" 0 "modifyclass exits 0"
out=$(op open http getclass VOD_PgTitle); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'sorted(d["properties"]), d["properties"]["Rating"]["default"]')" \
    "0/(['Name', 'Rating'], '3')" "getclass: the class as modified"
out=$(op open http modifyclass VOD_PgNone Name:string); rc=$?
is "$rc/$(code "$out")" 1/6 "modifyclass of a missing class: CIM_ERR_NOT_FOUND"
out=$(op open http deleteclass VOD_PgBase); rc=$?
is "$rc/$(code "$out")" 1/8 "deleteclass of a class with a subclass: CIM_ERR_CLASS_HAS_CHILDREN"
out=$(op open http deleteclass Win32_Process); rc=$?
is "$rc/$(code "$out")" 1/9 "deleteclass of a class with instances: CIM_ERR_CLASS_HAS_INSTANCES"
out=$(op open http deleteclass VOD_PgTitle); rc=$?
is "$rc" 0 "deleteclass of the subclass"
out=$(op open http deleteclass VOD_PgBase); rc=$?
is "$rc" 0 "deleteclass of the base, then"
out=$(op open http getclass VOD_PgTitle); rc=$?
is "$rc/$(code "$out")" 1/6 "getclass of a deleted class: CIM_ERR_NOT_FOUND"
out=$(op open http deleteclass VOD_PgTitle); rc=$?
is "$rc/$(code "$out")" 1/6 "deleteclass of a missing class: CIM_ERR_NOT_FOUND"
out=$(op open http setqualifier VodRating:string=PG); rc=$?
is "$rc" 0 "setqualifier exits 0"
out=$(op open http qualifiers VodRating); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["name"], d[0]["type"], d[0]["value"]')" \
    "0/('VodRating', 'string', 'PG')" "qualifiers: the declaration set"
out=$(op open http setqualifier VodRating:string=R); rc=$?
is "$rc/$(code "$out")" 1/7 "setqualifier of a declared qualifier: CIM_ERR_NOT_SUPPORTED (OpenPegasus changes none)"
out=$(op open http deletequalifier VodRating); rc=$?
is "$rc" 0 "deletequalifier exits 0"
out=$(op open http qualifiers VodRating); rc=$?
is "$rc/$(code "$out")" 1/6 "qualifiers of a deleted declaration: CIM_ERR_NOT_FOUND"
out=$(op open http deletequalifier VodRating); rc=$?
is "$rc/$(code "$out")" 1/6 "deletequalifier of a missing one: CIM_ERR_NOT_FOUND"

# Authentication: refused without or with wrong credentials.
U=$(pg_url auth http)
out=$("$CIMHEAD" enum "$U" Win32_ComputerSystem); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["kind"], d["error"].get("http_status")')" \
    "3/('auth', 401)" "auth: no credentials: exit 3, kind auth, HTTP 401"
printf 'wrong\n' >"$TEST_TMP/bad-pw"
out=$("$CIMHEAD" --allow-unencrypted -u "$PG_USER" --password-file "$TEST_TMP/bad-pw" enum "$U" Win32_ComputerSystem); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["kind"], d["error"].get("http_status")')" \
    "3/('auth', 401)" "auth: a wrong password: exit 3, kind auth, HTTP 401"
out=$(CIMHEAD_PASSWORD=$PG_PASSWORD "$CIMHEAD" --allow-unencrypted -u "$PG_USER" enum "$U" Win32_ComputerSystem); rc=$?
is "$("$CIMHEAD" -u "$PG_USER" --password-file "$PW" enum "$U" Win32_ComputerSystem >/dev/null 2>&1; echo $?)" 2 \
    "auth: a password over plain http without --allow-unencrypted: refused (exit 2)"
is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["path"]["Name"]')" 0/NODE01 "auth: CIMHEAD_PASSWORD works too"

# TLS: the self-signed certificate is refused without --cacert, accepted
# with --insecure.
U=$(pg_url open https)
out=$("$CIMHEAD" enum "$U" Win32_ComputerSystem); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["kind"]')" 3/transport \
    "https: an unknown CA is refused (exit 3, transport)"
out=$("$CIMHEAD" --insecure enum "$U" Win32_ComputerSystem 2>/dev/null); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd[0]["path"]["Name"]')" 0/NODE01 "https: --insecure works"

# -v shows the exchange with the credentials masked; --max-response caps
# the reply.
U=$(pg_url auth https)
"$CIMHEAD" -v -u "$PG_USER" --password-file "$PW" --cacert "$PG_CERT" \
    names "$U" Win32_ComputerSystem >/dev/null 2>"$TEST_TMP/v.err"; rc=$?
grep -qi '^cimhead: info: > Authorization: Basic \*\*\*\*$' "$TEST_TMP/v.err" &&
    ! grep -q "$(printf '%s:%s' "$PG_USER" "$PG_PASSWORD" | base64)" "$TEST_TMP/v.err"
r=$?; [ $rc -eq 0 ] || r=1
ok $r "-v: the Authorization header is shown masked (https + Basic)"
out=$(ch open http --max-response 200 enum "$(pg_url open)" Win32_Process 2>/dev/null); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["kind"]')" 3/toobig "--max-response: a larger reply ends with exit 3 (toobig)"

# --format text and --no-trailers on the real server.
out=$(ch open http --format text get "$(pg_url open)" Win32_ComputerSystem 'Name="NODE01"'); rc=$?
printf '%s\n' "$out" | grep -q 'TotalPhysicalMemory (uint64) = 17179332608'
ok $? "--format text: a typed property line"
out=$(ch open http --no-trailers enum "$(pg_url open)" CIM_Fan); rc=$?
is "$rc/$out" "0/[]" "--no-trailers: an empty enumeration"

# WS-Management: OpenPegasus serves /wsman with DMTF resource URIs
# (http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/CLASS).  First the
# server itself, by hand, so a cimhead failure below is cimhead's.
wsman_enum() {	# wsman_enum PORT SCHEME CLASS [USER:PASSWORD]: a raw DMTF Enumerate
	command curl -s --max-time 15 --cacert "$PG_CERT" ${4:+-u "$4"} \
	    -w '%{http_code}\n' \
	    -H 'Content-Type: application/soap+xml;charset=UTF-8' --data-binary @- \
	    "$2://127.0.0.1:$1/wsman" <<EOF
<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">
<s:Header><a:To>$2://127.0.0.1:$1/wsman</a:To>
<w:ResourceURI s:mustUnderstand="true">http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2/$3</w:ResourceURI>
<a:ReplyTo><a:Address s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/08/addressing/role/anonymous</a:Address></a:ReplyTo>
<a:Action s:mustUnderstand="true">http://schemas.xmlsoap.org/ws/2004/09/enumeration/Enumerate</a:Action>
<a:MessageID>uuid:00000000-0000-0000-0000-000000000001</a:MessageID>
<w:OperationTimeout>PT30S</w:OperationTimeout></s:Header>
<s:Body><n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>32</w:MaxElements></n:Enumerate></s:Body></s:Envelope>
EOF
}
wsman_enum "$PGHTTPS_open" https Win32_ComputerSystem >"$TEST_TMP/ws.xml"
grep -q '17179332608' "$TEST_TMP/ws.xml"
ok $? "OpenPegasus's WS-Man (DMTF URI, https) serves the repository's instances"
wsman_enum "$PGHTTP_open" http Win32_PerfRawData_PerfOS_Processor >"$TEST_TMP/ws.xml"
grep -q '8123456789012' "$TEST_TMP/ws.xml"
ok $? "OpenPegasus's WS-Man over plain http too"
wsman_enum "$PGHTTPS_auth" https Win32_ComputerSystem >"$TEST_TMP/ws.xml"
is "$(tail -n 1 "$TEST_TMP/ws.xml")" 401 "OpenPegasus's WS-Man with authentication: 401 without credentials"
wsman_enum "$PGHTTPS_auth" https Win32_ComputerSystem "$PG_USER:$PG_PASSWORD" >"$TEST_TMP/ws.xml"
grep -q '17179332608' "$TEST_TMP/ws.xml"
ok $? "... and the instances with Basic credentials"

# Then cimhead --protocol wsman.  By default it addresses WinRM's resource
# URIs for Win32_* classes (schemas.microsoft.com/wbem/wsman/1/wmi/...),
# which OpenPegasus does not serve, and DMTF ones for the others;
# --resource-uri names the DMTF URI OpenPegasus serves the Win32 classes at.
D=http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2
for sch in https http; do
	eval "port=\$PGHTTPS_open"
	[ $sch = http ] && eval "port=\$PGHTTP_open"
	W="$sch://127.0.0.1:$port/wsman"
	out=$("$CIMHEAD" --protocol wsman --allow-unencrypted --cacert "$PG_CERT" \
	    enum "$W" Win32_ComputerSystem --resource-uri "$D/Win32_ComputerSystem" \
	    2>"$TEST_TMP/ws.err"); rc=$?
	echo "# cimhead --protocol wsman enum ($sch): exit $rc: $(printf '%s' "$out" | tr -d '\n' | cut -c1-200)"
	[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | jq_py 'd[0]["properties"]["TotalPhysicalMemory"]["value"]')" = 17179332608 ]
	ok $? "wsman/$sch: cimhead enum Win32_ComputerSystem --resource-uri (DMTF)"
	out=$("$CIMHEAD" --protocol wsman --allow-unencrypted --cacert "$PG_CERT" \
	    query "$W" 'SELECT Handle, Caption FROM Win32_Process WHERE Caption = "System"' \
	    --resource-uri "$D/Win32_Process" 2>>"$TEST_TMP/ws.err"); rc=$?
	[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | jq_py '[i["properties"]["Handle"]["value"] for i in d]')" = '["4"]' ]
	ok $? "wsman/$sch: cimhead query Win32_Process --resource-uri (a WQL filter)"
	out=$("$CIMHEAD" --protocol wsman --allow-unencrypted --cacert "$PG_CERT" \
	    get "$W" Win32_Process 'Handle="2345"' --resource-uri "$D/Win32_Process" \
	    2>>"$TEST_TMP/ws.err"); rc=$?
	[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | jq_py 'd[0]["properties"]["Caption"]["value"]')" = vodstream.exe ]
	ok $? "wsman/$sch: cimhead get Win32_Process --resource-uri"
	out=$("$CIMHEAD" --protocol wsman --allow-unencrypted --cacert "$PG_CERT" \
	    enum "$W" Win32_Process --epr --resource-uri "$D/Win32_Process" \
	    2>>"$TEST_TMP/ws.err"); rc=$?
	[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | jq_py 'all(h in [i["path"]["Handle"] for i in d] for h in ("4", "2345", "4711"))')" = True ]
	ok $? "wsman/$sch: cimhead enum --epr (EnumerateObjectAndEPR): objects with their paths"
	out=$("$CIMHEAD" --protocol wsman --allow-unencrypted --cacert "$PG_CERT" \
	    enum "$W" CIM_Fan 2>>"$TEST_TMP/ws.err"); rc=$?
	is "$rc/$out" "0/[]" "wsman/$sch: a class not Win32_*: the DMTF URI by default (no instances)"
done
out=$("$CIMHEAD" --protocol wsman -u "$PG_USER" --password-file "$PW" --cacert "$PG_CERT" \
    enum "https://127.0.0.1:$PGHTTPS_auth/wsman" Win32_ComputerSystem \
    --resource-uri "$D/Win32_ComputerSystem" 2>/dev/null); rc=$?
[ $rc -eq 0 ] && [ "$(printf '%s' "$out" | jq_py 'd[0]["properties"]["TotalPhysicalMemory"]["value"]')" = 17179332608 ]
ok $? "wsman/https + Basic: cimhead enum Win32_ComputerSystem --resource-uri"
# Without --resource-uri a Win32 class goes to WinRM's URI: OpenPegasus's
# clean fault, which cimhead reports as such (exit 1), not a crash.
out=$("$CIMHEAD" --protocol wsman --cacert "$PG_CERT" enum "https://127.0.0.1:$PGHTTPS_open/wsman" Win32_ComputerSystem 2>/dev/null); rc=$?
is "$rc $(printf '%s' "$out" | jq_py 'd["error"]["name"]')" "1 a:DestinationUnreachable" \
    "wsman: a Win32 class at WinRM's URI: OpenPegasus's a:DestinationUnreachable, exit 1"

# Last, as it ends that server: OpenPegasus 2.14.4 with authentication on
# (enableAuthentication=true) dies on any pull operation, here
# OpenEnumerateInstances; cimhead reports the empty reply as a transport
# error (exit 3).  An OpenPegasus bug, listed in tests/PEGASUS.md.
out=$(ch auth https enum "$(pg_url auth https)" Win32_Process --pull 2>/dev/null); rc=$?
is "$rc/$(printf '%s' "$out" | jq_py 'd["error"]["kind"]')" 3/transport \
    "auth: OpenPegasus dies on a pull operation: cimhead says so, exit 3 (transport)"
n=0
while kill -0 "$PGPID_auth" 2>/dev/null && [ $n -lt $((50 * SLOW)) ]; do sleep 0.1; n=$((n + 1)); done
! kill -0 "$PGPID_auth" 2>/dev/null
ok $? "auth: ... the server is gone (OpenPegasus 2.14.4's bug, not cimhead's)"

done_testing
