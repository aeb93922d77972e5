#!/bin/sh
# wbemcli_requests.sh: what sblim-wbemcli sends, cimmockd's decoder must
# accept.  A recorder stands in for the server; each recorded request goes
# through cimxml_decode_request + cimxml_check_headers (cimxml_judge).
. "$top_srcdir/tests/lib.sh"

[ -n "$WBEMCLI" ] && [ -x "$WBEMCLI" ] || skip_all "wbemcli not found"
[ -n "$PYTHON3" ] && [ -x "$PYTHON3" ] || skip_all "python3 not found"

REC="$TEST_TMP/rec"
mkdir -p "$REC"
"$PYTHON3" "$top_srcdir/tests/e2e/cimxml_recorder.py" "$REC" \
    "$top_srcdir/tests/fixtures/openpegasus/gc-process.response" &
TEST_PIDS="$TEST_PIDS $!"
wait_for_file "$REC/port" 10
ok $? "recorder listens"
PORT=$(cat "$REC/port")
U="http://127.0.0.1:$PORT/root/cimv2"

# each call fails at the recorder's 400; only the request matters here
wb() { timeout 10 "$WBEMCLI" "$@" >/dev/null 2>&1; }
wb ei "$U:Win32_Process"
wb -nl ei "$U:Win32_Process" Caption,ProcessId
wb ein "$U:Win32_Process"
wb gi "$U:Win32_Process.Handle=\"2345\""
wb cm "$U:Win32_Process" 'Create.CommandLine="C:\vod\vodstream.exe",CurrentDirectory="C:\vod"'
wb cm "$U:Win32_Process.Handle=\"2345\"" 'Create.CommandLine="x"'

judge() {	# judge N EXPECTED-PREFIX DESCRIPTION
	f=$(printf '%s/req%03d.txt' "$REC" "$1")
	got=$("$top_builddir/tests/unit/cimxml_judge" "$f" 2>&1)
	case "$got" in
	"$2"*) ok 0 "$3" ;;
	*) ok 1 "$3"; echo "#   got: $got"; echo "#  want: $2..." ;;
	esac
}
judge 0 "OK EnumerateInstances op=EnumerateInstances ns=root/cimv2 class=Win32_Process keys=0" \
    "wbemcli ei accepted"
judge 1 "OK EnumerateInstances op=EnumerateInstances" "wbemcli ei with PropertyList accepted"
judge 2 "OK EnumerateInstanceNames op=EnumerateInstanceNames" "wbemcli ein accepted"
judge 3 "OK GetInstance op=GetInstance ns=root/cimv2 class=Win32_Process keys=1" "wbemcli gi accepted"
judge 4 "OK GetClass op=GetClass" "wbemcli cm asks GetClass first, accepted"
judge 5 "OK Create op=InvokeMethod ns=root/cimv2 class=Win32_Process keys=0 params=2" \
    "wbemcli static cm accepted (PARAMVALUE without PARAMTYPE)"
judge 7 "OK Create op=InvokeMethod ns=root/cimv2 class=Win32_Process keys=1 params=1" \
    "wbemcli instance cm accepted (CIMObject with raw quotes)"

# the judge must be able to say no
sed 's/CIMMethod: EnumerateInstances/CIMMethod: GetInstance/' \
    "$REC/req000.txt" > "$TEST_TMP/bad.txt"
got=$("$top_builddir/tests/unit/cimxml_judge" "$TEST_TMP/bad.txt")
case "$got" in "REFUSED header-mismatch 400"*) r=0 ;; *) r=1 ;; esac
ok $r "a CIMMethod that does not match the body is refused"

done_testing
