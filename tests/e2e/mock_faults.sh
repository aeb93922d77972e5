#!/bin/sh
# mock_faults.sh: every fault kind of the control API is observable from a
# client: latency, hang, refuse, reset, garbage, truncated XML (also
# chunked), oversize, 401, 500, a CIM error, drip, wrong content-type;
# clearing restores normal answers.
. "$top_srcdir/tests/lib.sh"
. "$top_srcdir/tests/e2e/mock_lib.sh"
[ -n "$PYTHON3" ] || skip_all "python3 not found"

start_mock; ok $? "cimmockd ready"
P=$(mock_port NODE01)
C=$(mock_control NODE01)

fault() {	# fault JSON: sets the fault, checks the control API took it
	curl -s -X POST -d "$1" "$C/fault" | grep -q '"fault"'
}

# probe KIND: one EnumerateInstances over a raw socket; prints what happened
probe() {
	timeout 20 "$PYTHON3" - "$P" "$1" <<'PY'
import socket, sys, time, xml.dom.minidom
port, kind = int(sys.argv[1]), sys.argv[2]
body = (b'<?xml version="1.0" encoding="utf-8" ?><CIM CIMVERSION="2.0" '
        b'DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ>'
        b'<IMETHODCALL NAME="EnumerateInstances"><LOCALNAMESPACEPATH>'
        b'<NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH>'
        b'<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="Win32_Process"/>'
        b'</IPARAMVALUE></IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>')
req = (b"POST /cimom HTTP/1.1\r\nHost: x\r\nContent-Type: application/xml\r\n"
       b"CIMOperation: MethodCall\r\nCIMMethod: EnumerateInstances\r\n"
       b"CIMObject: root%2Fcimv2\r\nConnection: close\r\n" +
       (b"TE: trailers\r\n" if kind.endswith("-te") else b"") +
       b"Content-Length: " + str(len(body)).encode() + b"\r\n\r\n" + body)
t0 = time.time()
data, err = b"", None
try:
    s = socket.create_connection(("127.0.0.1", port), timeout=3)
    s.settimeout(1.5 if kind == "hang" else 10)
    s.sendall(req)
    while True:
        d = s.recv(65536)
        if not d:
            break
        data += d
except socket.timeout:
    err = "timeout"
except ConnectionRefusedError:
    err = "refused"
except ConnectionResetError:
    err = "reset"
except OSError as e:
    err = "error %s" % e
dt = time.time() - t0
head, _, bodyb = data.partition(b"\r\n\r\n")
status = head.split(b"\r\n")[0].decode(errors="replace") if data else ""
cl = None
ctype, cimop, chunked = "", "", False
for ln in head.split(b"\r\n")[1:]:
    k, _, v = ln.partition(b":")
    if k.strip().lower() == b"content-length":
        cl = int(v)
    if k.strip().lower() == b"content-type":
        ctype = v.strip().decode().replace(" ", "")
    if k.strip().lower() == b"cimoperation":
        cimop = v.strip().decode()
    if k.strip().lower() == b"transfer-encoding":
        chunked = True
framed = not chunked
if chunked:
    # de-chunk; framed when the last chunk is there
    raw, bodyb = bodyb, b""
    while True:
        size, _, rest = raw.partition(b"\r\n")
        try:
            n = int(size.split(b";")[0], 16)
        except ValueError:
            break
        if n == 0:
            framed = True
            break
        bodyb += rest[:n]
        raw = rest[n + 2:]
try:
    xml.dom.minidom.parseString(bodyb)
    wellformed = True
except Exception:
    wellformed = False
code = ""
if b'<ERROR CODE="' in bodyb:
    code = bodyb.split(b'<ERROR CODE="')[1].split(b'"')[0].decode()
print("status=%s err=%s bytes=%d cl=%s wellformed=%s code=%s secs=%.2f "
      "ctype=%s cimop=%s framed=%s"
      % (status.replace(" ", "_"), err, len(bodyb), cl, wellformed, code, dt,
         ctype, cimop, framed))
PY
}
field() { echo "$1" | tr ' ' '\n' | sed -n "s/^$2=//p"; }

r=$(probe none)
is "$(field "$r" status)" "HTTP/1.1_200_OK" "no fault: 200"
is "$(field "$r" wellformed)" True "no fault: well-formed XML"

fault '{"latency_ms": 600}'; ok $? "set latency"
r=$(probe latency)
$PYTHON3 -c "import sys; sys.exit(0 if $(field "$r" secs) >= 0.55 else 1)"
ok $? "latency: the reply takes >= 600 ms ($r)"
is "$(field "$r" status)" "HTTP/1.1_200_OK" "latency: then a normal reply"

fault '{"kind": "hang"}'
r=$(probe hang)
is "$(field "$r" err)" timeout "hang: accepted, never answered"
is "$(field "$r" bytes)" 0 "hang: not a byte"

fault '{"kind": "refuse"}'
r=$(probe refuse)
is "$(field "$r" err)" refused "refuse: connecting is refused ($r)"

fault '{"kind": "reset"}'
r=$(probe reset)
is "$(field "$r" err)" reset "reset: RST mid-reply"
is "$(field "$r" status)" "HTTP/1.1_200_OK" "reset: after part of a reply"

fault '{"kind": "garbage"}'
r=$(probe garbage)
is "$(field "$r" status)" "HTTP/1.1_200_OK" "garbage: 200"
is "$(field "$r" wellformed)" False "garbage: body is not XML"

fault '{"kind": "truncate"}'
r=$(probe truncate)
is "$(field "$r" wellformed)" False "truncate: XML cut short"
is "$(field "$r" cl)" "$(field "$r" bytes)" "truncate: well framed (content-length matches)"
r=$(probe truncate-te)
is "$(field "$r" framed)/$(field "$r" wellformed)" True/False \
    "truncate, chunked (TE: trailers): well framed, XML cut short"

fault '{"kind": "ctype"}'
r=$(probe ctype)
is "$(field "$r" status)/$(field "$r" ctype)/$(field "$r" cimop)" \
    "HTTP/1.1_200_OK/text/html;charset=utf-8/" \
    "ctype: 200 served as text/html, no CIMOperation"
is "$(field "$r" wellformed)" True "ctype: the reply itself is right"

fault '{"kind": "oversize", "mbytes": 3}'
r=$(probe oversize)
$PYTHON3 -c "import sys; sys.exit(0 if $(field "$r" bytes) > 3*1024*1024 else 1)"
ok $? "oversize: a reply over 3 MiB"
is "$(field "$r" wellformed)" True "oversize: still well-formed"

fault '{"kind": "http401"}'
r=$(probe http401)
is "$(field "$r" status)" "HTTP/1.1_401_Unauthorized" "http401"

fault '{"kind": "http500"}'
r=$(probe http500)
is "$(field "$r" status)" "HTTP/1.1_500_Internal_Server_Error" "http500"

fault '{"kind": "cimerror", "code": 7}'
r=$(probe cimerror)
is "$(field "$r" code)" 7 "cimerror: ERROR CODE 7"

fault '{"kind": "drip", "drip_bytes": 400, "drip_ms": 100}'
r=$(probe drip)
$PYTHON3 -c "import sys; sys.exit(0 if $(field "$r" secs) >= 0.5 else 1)"
ok $? "drip: the reply trickles ($r)"
is "$(field "$r" wellformed)" True "drip: all of it arrives"

code=$(curl -s -o /dev/null -w '%{http_code}' -X POST -d '{"kind": "nosuch"}' "$C/fault")
is "$code" 400 "unknown fault kind: 400"
curl -s -X DELETE "$C/fault" | grep -q '"kind":"none"'
ok $? "clear faults"
r=$(probe none)
is "$(field "$r" wellformed)" True "after clear: normal reply"
done_testing
