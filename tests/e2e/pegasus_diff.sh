#!/bin/sh
# pegasus_diff.sh: the differential test of the "pegasus" suite
# (tests/PEGASUS.md).  A real OpenPegasus 2.14.4 and cimmockd hold the same
# data (tests/fixtures/openpegasus-dataset.json, node NODE01: cimmockd reads
# it as its scenario, OpenPegasus gets it by CreateInstance through
# tests/pegasus/createinstances.py); the same cimhead requests (every
# cimhead operation and DSP0200 parameter) go to both and
# the replies (cimhead --format json, and cimhead's exit status) are
# compared structurally by tests/pegasus/jsondiff.py.  Every difference must
# be listed, with its reason, in the table of tests/PEGASUS.md; one that is
# not fails its test.  A difference listed there as a cimmockd bug (reported,
# not fixed yet) makes its test a "not ok ... # TODO".
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/pegasus-lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -x "$CIMMOCKD" ] || skip_all "cimmockd not built"
ALLOWED=$top_srcdir/tests/PEGASUS.md

pg_start diff --data "$PG_DATASET" NODE01; r=$?; ok $r "OpenPegasus with the data set starts"; [ $r -eq 0 ] || bail
start_mock --scenario "$PG_DATASET"; r=$?; ok $r "cimmockd with the same data set starts"; [ $r -eq 0 ] || bail
MOCKURL=http://127.0.0.1:$(mock_port NODE01)/root/cimv2
PGURL=$(pg_url diff)
PROG=$(pg_fake_program vodstream.exe)
mkdir -p "$TEST_TMP/d"
NDIFF=0
NREQ=0

# req NAME OP [ARG...]: the operation (URL inserted) against both servers;
# wsreq the same over WS-Management (their /wsman, plain http).
req() {
	_name=$1; _op=$2; shift 2
	_requrl "$_op" "$MOCKURL" "$PGURL" "$@"
}
wsreq() {
	_name=$1; _op=$2; shift 2
	_requrl "$_op" "${MOCKURL%/root/cimv2}/wsman" "${PGURL%/root/cimv2}/wsman" \
	    --protocol wsman --allow-unencrypted "$@"
}
_requrl() {
	_op=$1; _mu=$2; _pu=$3; shift 3
	NREQ=$((NREQ + 1))
	"$CIMHEAD" --timeout $((15000 * SLOW)) "$_op" "$_mu" "$@" \
	    >"$TEST_TMP/d/$_name.mock" 2>/dev/null
	_rm=$?
	"$CIMHEAD" --timeout $((15000 * SLOW)) "$_op" "$_pu" "$@" \
	    >"$TEST_TMP/d/$_name.pegasus" 2>/dev/null
	_rp=$?
	# The exit status is part of the reply.
	for _s in mock pegasus; do
		eval "_r=\$_r$(echo $_s | cut -c1)"
		"$PYTHON3" -c 'import json, sys
f, rc = sys.argv[1], int(sys.argv[2])
try:
    d = json.load(open(f, encoding="utf-8"))
except ValueError:
    d = {"unparsable-output": open(f, encoding="utf-8", errors="replace").read()[:200]}
json.dump({"exit": rc, "reply": d}, open(f + ".json", "w", encoding="utf-8"), ensure_ascii=False)' \
		    "$TEST_TMP/d/$_name.$_s" "$_r"
	done
	"$PYTHON3" "$PG_DIR/jsondiff.py" "$_name" "$TEST_TMP/d/$_name.mock.json" \
	    "$TEST_TMP/d/$_name.pegasus.json" "$ALLOWED" >"$TEST_TMP/d/$_name.diff"
	_st=$?
	sed 's/^/# /' "$TEST_TMP/d/$_name.diff"
	NDIFF=$((NDIFF + $(grep -c . "$TEST_TMP/d/$_name.diff")))
	if [ $_st -eq 2 ]; then
		todo_ok 1 "$_name: cimmockd and OpenPegasus agree" \
		    "a known cimmockd bug (tests/PEGASUS.md)"
	else
		ok $_st "$_name: cimmockd and OpenPegasus agree (or differ as tests/PEGASUS.md allows)"
	fi
}

# The classes cimheadd reads, each enumerated whole.
req enum-processor enum Win32_PerfRawData_PerfOS_Processor
req enum-memory enum Win32_PerfFormattedData_PerfOS_Memory
req enum-computersystem enum Win32_ComputerSystem
req enum-netif enum Win32_PerfFormattedData_Tcpip_NetworkInterface
req enum-process enum Win32_Process
req enum-empty enum CIM_Fan
req enum-unmodelled enum Win32_PerfRawData_Tcpip_NetworkInterface
req enum-unknown-class enum NoSuchClass
req names-process names Win32_Process
req names-processor names Win32_PerfRawData_PerfOS_Processor
req names-empty names CIM_Fan
req get-process get Win32_Process 'Handle="2345"'
req get-process-utf8 get Win32_Process 'Handle="4711"'
req get-memory-emptykey get Win32_PerfFormattedData_PerfOS_Memory 'Name=""'
req get-not-found get Win32_Process 'Handle="9999"'
req get-wrong-key get Win32_Process 'Name="vodstream.exe"'
# Every query cimheadd sends (daemon/profile.c), then WQL's corners.
req q-cpu-raw query 'SELECT Name, PercentProcessorTime, Timestamp_Sys100NS FROM Win32_PerfRawData_PerfOS_Processor WHERE Name = "_Total"'
req q-cpu-fmt query 'SELECT Name, PercentProcessorTime FROM Win32_PerfFormattedData_PerfOS_Processor WHERE Name = "_Total"'
req q-mem query 'SELECT AvailableBytes FROM Win32_PerfFormattedData_PerfOS_Memory'
req q-total query 'SELECT Name, TotalPhysicalMemory FROM Win32_ComputerSystem'
req q-net-fmt query 'SELECT Name, BytesTotalPersec, CurrentBandwidth FROM Win32_PerfFormattedData_Tcpip_NetworkInterface'
req q-process query 'SELECT Handle, Caption FROM Win32_Process WHERE Caption = "vodstream.exe"'
req q-process-none query 'SELECT Handle, Caption FROM Win32_Process WHERE Caption = "nosuch.exe"'
req q-service query 'SELECT Name, State, Started FROM Win32_Service WHERE Name = "vodstream"'
req q-star query 'SELECT * FROM Win32_Process'
req q-numeric query 'SELECT Handle FROM Win32_Process WHERE ProcessId > 1000'
req q-and-or query 'SELECT Handle FROM Win32_Process WHERE (ProcessId < 100 OR ProcessId > 4000) AND NOT Caption = "System"'
req q-null query 'SELECT Handle FROM Win32_Process WHERE CommandLine IS NULL'
req q-uint64 query 'SELECT Name FROM Win32_PerfRawData_PerfOS_Processor WHERE PercentProcessorTime > 8100000000000'
req q-single-quotes query "SELECT * FROM Win32_Process WHERE Caption = 'vodstream.exe'"
req q-bad-wql query 'SELECT FROM WHERE'
req q-unknown-class query 'SELECT * FROM NoSuchClass'
req q-unknown-prop query 'SELECT NoSuchProperty FROM Win32_Process'
# The DSP0200 operations beyond those five (issue 15), each with its
# parameters, on the classes and associations both servers hold.
req classnames classnames Win32_Process --deep
req classes classes Win32_ComputerSystem --deep
req classnames-unknown classnames NoSuchClass
req getclass getclass Win32_Process
req getclass-origin getclass Win32_Process --no-qualifiers --class-origin
req getclass-local getclass Win32_SystemProcesses --local-only
req getclass-props getclass Win32_Process --properties Caption
req getclass-unknown getclass NoSuchClass
req associators associators 'Win32_Process.Handle="2345"'
req associators-system associators 'Win32_ComputerSystem.Name="NODE01"' --properties Handle,Name
req associators-filters associatornames 'Win32_ComputerSystem.Name="NODE01"' \
    --assoc-class Win32_SystemProcesses --result-class Win32_Process \
    --role GroupComponent --result-role PartComponent
req associators-wrong-role associatornames 'Win32_Process.Handle="2345"' --role GroupComponent
req associatornames associatornames 'Win32_Process.Handle="4711"'
req references references 'Win32_Process.Handle="2345"'
req references-system referencenames 'Win32_ComputerSystem.Name="NODE01"' \
    --result-class Win32_SystemProcesses --role GroupComponent
req referencenames referencenames 'Win32_Process.Handle="2345"'
req associators-unknown associators 'Win32_Process.Handle="9999"'
req getprop getprop 'Win32_Process.Handle="4711"' Caption
req getprop-uint64 getprop 'Win32_ComputerSystem.Name="NODE01"' TotalPhysicalMemory
req getprop-unset getprop 'Win32_ComputerSystem.Name="NODE01"' Model
req getprop-unknown getprop 'Win32_Process.Handle="2345"' NoSuchProperty
req getprop-not-found getprop 'Win32_Process.Handle="9999"' Caption
req qualifier-key qualifiers Key
req qualifier-description qualifiers Description
req qualifier-unknown qualifiers NoSuchQualifier
req namespaces namespaces
req enum-props enum Win32_Process --properties Caption,ProcessId
req enum-no-props enum Win32_Process --properties ''
req enum-origin enum Win32_ComputerSystem --qualifiers --class-origin
req get-props get Win32_Process 'Handle="2345"' --properties Caption
req pull-enum enum Win32_Process --pull --max-object-count 1
req pull-names names Win32_Process --pull --max-object-count 2
req pull-query query 'SELECT Handle, Caption FROM Win32_Process' --pull
req pull-associators associators 'Win32_ComputerSystem.Name="NODE01"' --pull --max-object-count 1
req pull-referencenames referencenames 'Win32_ComputerSystem.Name="NODE01"' --pull
req pull-early-close enum Win32_Process --pull --max-object-count 1 --max-items 2
req pull-unknown-class enum NoSuchClass --pull
# Instance edits, in the same order on both servers.
req create create Win32_Service Name=diffsvc State=Stopped Started:boolean=false
req create-again create Win32_Service Name=diffsvc State=Stopped
req create-unknown-class create NoSuchClass Name=x
req create-unknown-prop create Win32_Service Name=other NoSuchProperty=1
req get-created get Win32_Service 'Name="diffsvc"'
req modify modify 'Win32_Service.Name="diffsvc"' State=Running Caption=c
req modify-missing modify 'Win32_Service.Name="nosuch"' State=Running
req setprop setprop 'Win32_Service.Name="diffsvc"' Started:boolean=true
req setprop-unknown setprop 'Win32_Service.Name="diffsvc"' NoSuchProperty=1
req get-edited get Win32_Service 'Name="diffsvc"'
req enum-edited enum Win32_Service
req delete delete 'Win32_Service.Name="diffsvc"'
req delete-again delete 'Win32_Service.Name="diffsvc"'
req get-deleted get Win32_Service 'Name="diffsvc"'
# WS-Management: OpenPegasus's and cimmockd's /wsman, the Win32 classes at
# their DMTF resource URIs (cimmockd, like WinRM, serves those too).
D=http://schemas.dmtf.org/wbem/wscim/1/cim-schema/2
wsreq ws-enum-computersystem enum Win32_ComputerSystem --resource-uri "$D/Win32_ComputerSystem"
wsreq ws-enum-process enum Win32_Process --resource-uri "$D/Win32_Process"
wsreq ws-enum-batches enum Win32_Process --max-elements 1 --resource-uri "$D/Win32_Process"
wsreq ws-enum-epr enum Win32_Process --epr --resource-uri "$D/Win32_Process"
wsreq ws-names names Win32_Process --resource-uri "$D/Win32_Process"
wsreq ws-enum-processor enum Win32_PerfRawData_PerfOS_Processor --resource-uri "$D/Win32_PerfRawData_PerfOS_Processor"
wsreq ws-get get Win32_Process 'Handle="4711"' --resource-uri "$D/Win32_Process"
wsreq ws-get-not-found get Win32_Process 'Handle="9999"' --resource-uri "$D/Win32_Process"
wsreq ws-query query 'SELECT Handle, Caption FROM Win32_Process WHERE ProcessId > 1000' --resource-uri "$D/Win32_Process"
wsreq ws-enum-cim enum CIM_Fan
wsreq ws-enum-unknown-class enum NoSuchClass --resource-uri "$D/NoSuchClass"

# Win32_Process.Create: the return codes for what cannot start (last: the
# test provider really starts create-unix-path's program, a Win32_Process
# more on OpenPegasus while it runs).
req create-no-cmdline invoke Win32_Process Create 'CurrentDirectory=/'
req create-missing invoke Win32_Process Create 'CommandLine=C:\nowhere\vodstream.exe'
req create-windows invoke Win32_Process Create 'CommandLine=C:\Windows\system32\cmd.exe /c exit'
req create-unix-path invoke Win32_Process Create "CommandLine=$PROG --port 8554"
req invoke-unknown-method invoke Win32_Process NoSuchMethod
req invoke-unknown-class invoke NoSuchClass Create 'CommandLine=x'
req startservice invoke 'Win32_Service.Name="vodstream"' StartService

is "$(ls "$TEST_TMP/d"/*.diff | wc -l)" "$NREQ" "every request ($NREQ) was compared"
# tests/PEGASUS.md's summary: the rows of each kind its tables hold.
"$PYTHON3" -c 'import re, sys
s = open(sys.argv[1], encoding="utf-8").read()
rows = re.findall(r"^\|\s*`[^`]+`\s*\|\s*`[^`]+`\s*\|\s*(allowed|mock-bug|fixed)\s*\|", s, re.M)
said = dict(re.findall(r"^\|\s*(allowed|mock-bug|fixed)\s*\|\s*(\d+)\s*\|\s*$", s, re.M))
bad = [(k, said.get(k), rows.count(k)) for k in ("allowed", "mock-bug", "fixed")
       if said.get(k) != str(rows.count(k))]
for k, a, b in bad:
    print("# summary says %s rows %s, the tables hold %d" % (k, a, b))
sys.exit(1 if bad else 0)' "$ALLOWED"
ok $? "tests/PEGASUS.md: its summary counts the rows of each kind"
echo "# $NDIFF differences in all (each listed above, allowed ones marked)"
done_testing
