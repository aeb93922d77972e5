#!/bin/sh
# conform_requests.sh: the request lines of PROTOCOL-NOTES that no other
# test checks, for every operation cimhead sends: plain POST (never M-POST),
# CIMProtocolVersion equal to the body's PROTOCOLVERSION, CIMObject with
# '/' and ':' escaped, QueryLanguage exactly WQL, TE only when trailers are
# read, and no stall on a body over 1 KiB (the server never sends 100).
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/replay-lib.sh"
OUT="$TEST_TMP/out"

# req_check FILE EXPR [ARG]: evaluates a Python expression over the request's
# head lines `h` (a dict, names lower-cased), request line `line`, the
# parsed body `b` (an ElementTree root), the raw body `raw` and ARG as
# sys.argv[3].
req_check() {
	"$PYTHON3" -c 'import sys, xml.etree.ElementTree as ET
data = open(sys.argv[1], "rb").read()
head, _, raw = data.partition(b"\r\n\r\n")
lines = head.decode("latin-1").split("\r\n")
line = lines[0]
h = {}
for l in lines[1:]:
	n, _, v = l.partition(":")
	h[n.strip().lower()] = v.strip()
b = ET.fromstring(raw)
sys.exit(0 if eval("(" + sys.argv[2] + ")") else 1)' "$@"
}

start_replay ei-empty-class.response
NSURL="http://127.0.0.1:$PORT/root/a/b"
"$CIMHEAD" query "$NSURL" 'SELECT * FROM Win32_Process WHERE Caption = "x"' \
    >"$OUT" 2>&1
"$CIMHEAD" enum "$NSURL" Win32_Process >"$OUT" 2>&1
"$CIMHEAD" names "$NSURL" Win32_Process >"$OUT" 2>&1
"$CIMHEAD" get "$NSURL" Win32_Process 'Handle="2345"' >"$OUT" 2>&1
"$CIMHEAD" invoke "$NSURL" Win32_Process Create CommandLine=x >"$OUT" 2>&1
"$CIMHEAD" invoke "$NSURL" 'Win32_Service.Name="vod:stream/1"' \
    StartService >"$OUT" 2>&1
"$CIMHEAD" --no-trailers enum "$NSURL" Win32_Process >"$OUT" 2>&1
n=0
for r in "$REQ"/req-*; do n=$((n + 1)); done
is "$n" 7 "seven requests, one per run"

i=0
for op in ExecQuery EnumerateInstances EnumerateInstanceNames GetInstance \
    Create StartService EnumerateInstances; do
	i=$((i + 1))
	r="$REQ/req-$i"
	req_check "$r" 'line == "POST /cimom HTTP/1.1" and "man" not in h and
	    "opt" not in h and not any(k[:2].isdigit() for k in h)'
	ok $? "$op: plain POST, no M-POST Man/Opt or ns-prefixed headers"
	req_check "$r" 'h["cimprotocolversion"] ==
	    b.find("MESSAGE").get("PROTOCOLVERSION") == "1.0"'
	ok $? "$op: CIMProtocolVersion 1.0 equals MESSAGE PROTOCOLVERSION"
	req_check "$r" 'h["cimmethod"] == sys.argv[3] and
	    int(h["content-length"]) == len(raw)' "$op"
	ok $? "$op: CIMMethod $op, Content-Length the body's"
	req_check "$r" '"/" not in h["cimobject"] and
	    ":" not in h["cimobject"] and h["cimobject"].startswith("root%2Fa%2Fb")'
	ok $? "$op: CIMObject has '/' as %2F and no raw ':'"
done
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-5" | tr -d '\r')" \
    'root%2Fa%2Fb%3AWin32_Process' "static method: namespace%3AClass"
is "$(sed -n 's/^CIMObject: //p' "$REQ/req-6" | tr -d '\r')" \
    'root%2Fa%2Fb%3AWin32_Service.Name%3D%22vod%3Astream%2F1%22' \
    "instance method: ':' and '/' inside a key value escaped too"
req_check "$REQ/req-1" '[p.findtext("VALUE") for p in b.iter("IPARAMVALUE")
    if p.get("NAME") == "QueryLanguage"] == ["WQL"]'
ok $? "ExecQuery: QueryLanguage is exactly WQL, once"
req_check "$REQ/req-1" '[p.findtext("VALUE") for p in b.iter("IPARAMVALUE")
    if p.get("NAME") == "Query"] ==
    ["SELECT * FROM Win32_Process WHERE Caption = \"x\""]'
ok $? "ExecQuery: the WQL with its double quotes, unchanged"
req_check "$REQ/req-2" 'h.get("te") == "trailers"'
ok $? "TE: trailers by default (cimhead reads trailers)"
req_check "$REQ/req-7" '"te" not in h'
ok $? "--no-trailers: no TE header"

# a body over 1 KiB: no Expect, so no wait for a 100 that never comes
start_replay im-create-ok.response
big=$(head -c 3000 /dev/zero | tr '\0' 'x')
t0=$(now_ms)
"$CIMHEAD" invoke "$URL" Win32_Process Create "CommandLine=$big" \
    >"$OUT" 2>&1
rc=$?
t1=$(now_ms)
is "$rc" 0 "3 KB request body: exit 0"
req_check "$REQ/req-1" 'len(raw) > 3000 and "expect" not in h'
ok $? "3 KB request body sent whole, without Expect"
[ $((t1 - t0)) -lt $((900 * SLOW)) ]
ok $? "3 KB request body: no 1 s 100-continue stall ($((t1 - t0)) ms)"

done_testing
