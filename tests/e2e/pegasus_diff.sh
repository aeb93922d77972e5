#!/bin/sh
# pegasus_diff.sh: the differential test of the "pegasus" suite
# (tests/PEGASUS.md).  A real OpenPegasus 2.14.4 and cimmockd hold the same
# data (tests/fixtures/openpegasus-dataset.json, node NODE01: cimmockd reads
# it as its scenario, OpenPegasus gets it as MOF instances through
# tests/pegasus/scenario2mof.py); the same cimhead requests go to both and
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

# req NAME OP [ARG...]: the operation (URL inserted) against both servers.
req() {
	_name=$1; _op=$2; shift 2
	NREQ=$((NREQ + 1))
	"$CIMHEAD" --timeout $((15000 * SLOW)) "$_op" "$MOCKURL" "$@" \
	    >"$TEST_TMP/d/$_name.mock" 2>/dev/null
	_rm=$?
	"$CIMHEAD" --timeout $((15000 * SLOW)) "$_op" "$PGURL" "$@" \
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
# Win32_Process.Create: the return codes for what cannot start.
req create-no-cmdline invoke Win32_Process Create 'CurrentDirectory=/'
req create-missing invoke Win32_Process Create 'CommandLine=C:\nowhere\vodstream.exe'
req create-windows invoke Win32_Process Create 'CommandLine=C:\Windows\system32\cmd.exe /c exit'
req create-unix-path invoke Win32_Process Create "CommandLine=$PROG --port 8554"
req invoke-unknown-method invoke Win32_Process NoSuchMethod
req invoke-unknown-class invoke NoSuchClass Create 'CommandLine=x'
req startservice invoke 'Win32_Service.Name="vodstream"' StartService

is "$(ls "$TEST_TMP/d"/*.diff | wc -l)" "$NREQ" "every request ($NREQ) was compared"
echo "# $NDIFF differences in all (each listed above, allowed ones marked)"
done_testing
