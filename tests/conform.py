#!/usr/bin/env python3
"""conform.py: cimhead against traffic its code was not fitted to (TAP).

  conform.py wetest    OpenPegasus's own protocol test replies
                       (tests/fixtures/wetest), each served by
                       tests/replay.py to the cimhead operation its request
                       names; the JSON is checked by an oracle that reads the
                       reply with xml.etree, independent of the C decoder.
  conform.py variants I/N
                       the OpenPegasus 2.14.4 captures (tests/fixtures/
                       conform/captures) re-sent in forms the code has not
                       seen: the JSON and the exit status must not change
                       (the I-th of N shards, so that each stays short).

Environment: top_srcdir, top_builddir (as make check sets them), PYTHON3.
Every replay.py started here is killed before the script ends.
"""
import concurrent.futures
import json
import os
import random
import re
import subprocess
import sys
import tempfile
import time
import urllib.parse
import xml.etree.ElementTree as ET

SRC = os.environ.get("top_srcdir") or os.path.join(
    os.path.dirname(os.path.abspath(__file__)), "..")
BUILD = os.environ.get("top_builddir") or SRC
CIMHEAD = os.path.join(BUILD, "cimhead")
REPLAY = os.path.join(SRC, "tests", "replay.py")
PYTHON = sys.executable
WETEST = os.path.join(SRC, "tests", "fixtures", "wetest")
CAPTURES = os.path.join(SRC, "tests", "fixtures", "conform", "captures")
HANG_MS = 3000          # a reply must end well before cimhead's deadline
INTEGER = {"uint8", "sint8", "uint16", "sint16", "uint32", "sint32",
           "uint64", "sint64"}
REAL = {"real32", "real64"}
JSON_NUMBER = re.compile(r"-?(0|[1-9][0-9]*)(\.[0-9]+)?([eE][+-]?[0-9]+)?$")

ENV = dict(os.environ)
for _v in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY",
           "all_proxy", "ALL_PROXY", "CIMHEAD_PASSWORD"):
    ENV.pop(_v, None)


class Tap:
    def __init__(self):
        self.n = 0
        self.failed = 0

    def ok(self, cond, desc, diag=None):
        self.n += 1
        print("%s %d - %s" % ("ok" if cond else "not ok", self.n, desc))
        if not cond:
            self.failed += 1
            for line in str(diag or "").splitlines()[:20]:
                print("#   " + line)
        sys.stdout.flush()
        return cond

    def done(self):
        print("1..%d" % self.n)
        return 1 if self.failed else 0


T = Tap()


class RawReal(str):
    """A JSON real kept as the digits cimhead printed."""


def parse_json(out):
    return json.loads(out.decode("utf-8"), parse_float=RawReal)


class Replay:
    """tests/replay.py serving SCRIPTS (one per TCP connection) from BASE."""

    def __init__(self, tmp, base, scripts):
        self.reqdir = tempfile.mkdtemp(dir=tmp, prefix="req")
        portfile = os.path.join(self.reqdir, "port")
        self.proc = subprocess.Popen([PYTHON, REPLAY, "--base", base,
                                      portfile, self.reqdir] + scripts)
        deadline = time.monotonic() + 10
        while not os.path.exists(portfile):
            if time.monotonic() > deadline or self.proc.poll() is not None:
                self.stop()
                print("Bail out! replay.py did not start")
                sys.exit(1)
            time.sleep(0.02)
        with open(portfile) as f:
            self.port = int(f.read())

    def url(self, ns):
        return "http://127.0.0.1:%d/%s" % (self.port, ns)

    def request(self, n):
        path = os.path.join(self.reqdir, "req-%d" % n)
        return open(path, "rb").read() if os.path.exists(path) else b""

    def stop(self):
        self.proc.kill()
        self.proc.wait()


def cimhead(args):
    t0 = time.monotonic()
    try:
        p = subprocess.run([CIMHEAD, "--timeout", "8000"] + args, env=ENV,
                           stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                           timeout=20)
        rc, out, err = p.returncode, p.stdout, p.stderr
    except subprocess.TimeoutExpired:
        rc, out, err = -1, b"", b"(killed after 20 s)"
    return rc, out, err, int((time.monotonic() - t0) * 1000)


# ---- the oracle: what the reply XML says, read with xml.etree ------------

def xml_int(s):
    s = s.strip()
    neg = s.startswith("-")
    if s[:1] in "+-":
        s = s[1:]
    v = int(s[2:], 16) if s[:2] in ("0x", "0X") else int(s, 10)
    return -v if neg else v


def value_mismatch(ctype, text, jv):
    """None when JSON value jv is exactly what XML text of type ctype says."""
    text = text if text is not None else ""
    if ctype in INTEGER:
        ok = (isinstance(jv, int) and not isinstance(jv, bool) and
              jv == xml_int(text))
    elif ctype in REAL:
        s = text.strip()
        if JSON_NUMBER.match(s):
            ok = isinstance(jv, (RawReal, int)) and str(jv) == s
        else:
            ok = isinstance(jv, (RawReal, int)) and float(jv) == float(s)
    elif ctype == "boolean":
        ok = isinstance(jv, bool) and jv == (text.strip().upper() == "TRUE")
    else:   # string, char16, datetime: byte-exact, whitespace included
        ok = jv == text
    return None if ok else "%s %r in the reply, %r in the JSON" % (
        ctype, text, jv)


def key_mismatch(kv, jv):
    vt = kv.get("VALUETYPE", "string")
    text = kv.text or ""
    if vt == "string":
        return value_mismatch("string", text, jv)
    if vt == "boolean":
        return value_mismatch("boolean", text, jv)
    s = text.strip()
    if re.match(r"[+-]?(0[xX][0-9a-fA-F]+|[0-9]+)$", s):
        return value_mismatch("sint64", s, jv)
    return value_mismatch("real64", s, jv)


def instance_mismatches(inst, jinst, name_el, want_path):
    """Every difference between INSTANCE (and its INSTANCENAME) and JSON."""
    bad = []
    if jinst.get("classname") != inst.get("CLASSNAME"):
        bad.append("classname %r != %r" % (jinst.get("classname"),
                                           inst.get("CLASSNAME")))
    jpath = jinst.get("path")
    if name_el is not None:
        kbs = name_el.findall("KEYBINDING")
        if not isinstance(jpath, dict) or \
                sorted(jpath) != sorted(k.get("NAME") for k in kbs):
            bad.append("path %r has not the keys of the reply" % (jpath,))
        else:
            for kb in kbs:
                m = key_mismatch(kb.find("KEYVALUE"), jpath[kb.get("NAME")])
                if m:
                    bad.append("key %s: %s" % (kb.get("NAME"), m))
    elif want_path is not None and jpath != want_path:
        bad.append("path %r, asked for %r" % (jpath, want_path))
    jprops = jinst.get("properties", {})
    seen = set()
    for p in inst:
        if p.tag not in ("PROPERTY", "PROPERTY.ARRAY", "PROPERTY.REFERENCE"):
            continue
        name, ctype = p.get("NAME"), p.get("TYPE", "reference")
        seen.add(name)
        jp = jprops.get(name)
        if not isinstance(jp, dict):
            bad.append("property %s missing from the JSON" % name)
            continue
        if jp.get("type") != ctype:
            bad.append("property %s: type %r != %r" % (name, jp.get("type"),
                                                       ctype))
        if p.tag == "PROPERTY.ARRAY":
            arr = p.find("VALUE.ARRAY")
            if arr is None:
                if jp.get("value") is not None:
                    bad.append("property %s: NULL array not null" % name)
                continue
            vals = arr.findall("VALUE")
            jv = jp.get("value")
            if not isinstance(jv, list) or len(jv) != len(vals):
                bad.append("property %s: array %r" % (name, jv))
                continue
            for v, j in zip(vals, jv):
                m = value_mismatch(ctype, v.text, j)
                if m:
                    bad.append("property %s[]: %s" % (name, m))
            continue
        v = p.find("VALUE")
        if v is None:
            if jp.get("value") is not None:
                bad.append("property %s: NULL is %r" % (name, jp["value"]))
            continue
        m = value_mismatch(ctype, v.text, jp.get("value"))
        if m:
            bad.append("property %s: %s" % (name, m))
    extra = set(jprops) - seen
    if extra:
        bad.append("JSON has properties the reply has not: %s" %
                   sorted(extra))
    return bad


def http_head(raw):
    """(status, {lower-case name: value}) of a bodiless HTTP reply."""
    lines = raw.split(b"\r\n\r\n", 1)[0].decode("latin-1").split("\r\n")
    hdrs = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        hdrs[name.strip().lower()] = value.strip()
    return int(lines[0].split()[1]), hdrs


def expect_from_reply(raw, want_op):
    """What cimhead must do with reply body RAW to operation WANT_OP:
    ("http", status, hdrs) | ("cim", code, desc) | ("other", name) |
    ("result", response-element)."""
    if raw.startswith(b"HTTP/"):
        status, hdrs = http_head(raw)
        return ("http", status, hdrs)
    root = ET.fromstring(raw)
    resp = root.find("MESSAGE/SIMPLERSP/IMETHODRESPONSE")
    if resp is None:
        resp = root.find("MESSAGE/SIMPLERSP/METHODRESPONSE")
    if resp.get("NAME") != want_op:
        return ("other", resp.get("NAME"))
    e = resp.find("ERROR")
    if e is not None:
        return ("cim", int(e.get("CODE")), e.get("DESCRIPTION", ""))
    return ("result", resp)


def reply_pairs(resp):
    """[(INSTANCE, its INSTANCENAME or None)] of an IMETHODRESPONSE."""
    irv = resp.find("IRETURNVALUE")
    pairs = []
    for el in (irv if irv is not None else []):
        if el.tag == "INSTANCE":
            pairs.append((el, None))
        elif el.tag in ("VALUE.NAMEDINSTANCE", "VALUE.INSTANCEWITHPATH",
                        "VALUE.OBJECTWITHPATH"):
            name = el.find("INSTANCENAME")
            if name is None:
                name = el.find("INSTANCEPATH/INSTANCENAME")
            pairs.append((el.find("INSTANCE"), name))
    return pairs


def check_run(label, expect, rc, out, err, ms, want_path=None):
    """The TAP checks of one cimhead run against the oracle's expectation."""
    T.ok(rc >= 0 and ms < HANG_MS, "%s: ends in %d ms, no hang" % (label, ms),
         err.decode("utf-8", "replace"))
    try:
        j = parse_json(out)
    except ValueError as e:
        T.ok(False, "%s: stdout is one JSON value" % label,
             "%s\n%s" % (e, out[:400]))
        return
    kind = expect[0]
    errline = err.decode("utf-8", "replace").strip()
    if kind == "http":
        status, hdrs = expect[1], expect[2]
        token = hdrs.get("cimerror")
        je = j.get("error", {}) if isinstance(j, dict) else {}
        T.ok(rc == (1 if token else 3),
             "%s: HTTP %d%s -> exit %d" % (label, status,
                                           " CIMError" if token else "",
                                           1 if token else 3),
             "exit %d: %s" % (rc, errline))
        want = {"code": status, "http_status": status,
                "kind": "protocol" if token else "http"}
        if token:
            want["name"] = token
            if "pgerrordetail" in hdrs:
                want["description"] = urllib.parse.unquote(
                    hdrs["pgerrordetail"])
        got = {k: je.get(k) for k in want}
        T.ok(got == want, "%s: error JSON %s" % (label, json.dumps(want)),
             json.dumps(je, ensure_ascii=False))
    elif kind == "cim":
        je = j.get("error", {}) if isinstance(j, dict) else {}
        want = {"code": expect[1], "kind": "cim",
                "description": cim_description(expect[1], expect[2]),
                "http_status": 200}
        got = {k: je.get(k) for k in want}
        T.ok(rc == 1 and got == want,
             "%s: exit 1, CIM error %d" % (label, expect[1]),
             "exit %d, %s" % (rc, json.dumps(je, ensure_ascii=False)))
    elif kind == "other":
        T.ok(rc == 3 and expect[1] in errline and "\n" not in errline,
             "%s: reply for %s (an operation cimhead does not send): exit 3,"
             " one clear line" % (label, expect[1]),
             "exit %d: %s" % (rc, errline))
    else:
        pairs = reply_pairs(expect[1])
        if not T.ok(rc == 0 and isinstance(j, list) and
                    len(j) == len(pairs),
                    "%s: exit 0, %d instance(s)" % (label, len(pairs)),
                    "exit %d: %s" % (rc, errline)):
            return
        bad = []
        for (inst, name), jinst in zip(pairs, j):
            bad += instance_mismatches(inst, jinst, name, want_path)
        nvals = sum(1 for inst, _ in pairs for p in inst
                    if p.tag.startswith("PROPERTY"))
        T.ok(not bad, "%s: every key and property (%d) exact in the JSON" %
             (label, nvals), "\n".join(bad))


# ---- wetest ------------------------------------------------------------------

def wrap200(body):
    """A reply as OpenPegasus sends it: zero-padded lower-case length."""
    return (b"HTTP/1.1 200 OK\r\n"
            b"Content-Type: application/xml; charset=utf-8\r\n"
            b"content-length: %010d\r\n"
            b"CIMOperation: MethodResponse\r\n\r\n" % len(body)) + body


def wrap200_chunked(body, size):
    """The TE: trailers form: chunks of SIZE bytes and a zero status."""
    out = [b"HTTP/1.1 200 OK\r\n"
           b"Content-Type: application/xml; charset=utf-8\r\n"
           b"transfer-encoding: chunked\r\n"
           b"CIMOperation: MethodResponse\r\n"
           b"Trailer: CIMStatusCode, CIMStatusCodeDescription, "
           b"Content-Language\r\n\r\n"]
    for i in range(0, len(body), size):
        piece = body[i:i + size]
        out.append(b"%x\r\n%s\r\n" % (len(piece), piece))
    out.append(b"0\r\nCIMStatusCode: 0\r\n\r\n")
    return b"".join(out)


def request_case(reqfile):
    """cimhead arguments (after the URL's namespace) for a wetest request."""
    root = ET.parse(reqfile).getroot()
    call = root.find("MESSAGE/SIMPLEREQ/IMETHODCALL")
    op = call.get("NAME")
    ns = "/".join(n.get("NAME") for n in
                  call.findall("LOCALNAMESPACEPATH/NAMESPACE"))
    params = {p.get("NAME"): p for p in call.findall("IPARAMVALUE")}
    if op == "GetInstance":
        inn = params["InstanceName"].find("INSTANCENAME")
        keys, path = [], {}
        for kb in inn.findall("KEYBINDING"):
            kv = kb.find("KEYVALUE")
            # the server's parser strips the pretty-printing around values
            text = (kv.text or "").strip()
            if kv.get("VALUETYPE", "string") == "string":
                keys.append('%s="%s"' % (kb.get("NAME"), text.replace(
                    "\\", "\\\\").replace('"', '\\"')))
                path[kb.get("NAME")] = text
            else:
                keys.append("%s=%s" % (kb.get("NAME"), text))
                path[kb.get("NAME")] = int(text) if text.isdigit() else text
        return op, ns, ["get", inn.get("CLASSNAME")], keys, path
    cls = params["ClassName"].find("CLASSNAME").get("NAME")
    return op, ns, ["enum", cls], [], None


def sent_ok(label, req, op, ns, cls):
    """The request cimhead sent asks what the wetest request asks."""
    head, _, body = req.partition(b"\r\n\r\n")
    head = head.decode("latin-1")
    bad = []
    if not re.search(r"(?m)^CIMMethod: %s\r?$" % op, head):
        bad.append("CIMMethod is not %s" % op)
    if not re.search(r"(?m)^CIMObject: %s\r?$" % re.escape(
            urllib.parse.quote(ns, safe="")), head):
        bad.append("CIMObject is not %s" % urllib.parse.quote(ns, safe=""))
    try:
        call = ET.fromstring(body).find("MESSAGE/SIMPLEREQ/IMETHODCALL")
        sns = "/".join(n.get("NAME") for n in
                       call.findall("LOCALNAMESPACEPATH/NAMESPACE"))
        if call.get("NAME") != op or sns != ns:
            bad.append("body asks %s in %s" % (call.get("NAME"), sns))
        if cls.encode() not in body:
            bad.append("class %s not in the body" % cls)
    except (ET.ParseError, AttributeError) as e:
        bad.append("body: %s" % e)
    T.ok(not bad, "%s: sent %s %s in %s" % (label, op, cls, ns),
         "\n".join(bad))


def wetest(tmp):
    if not os.path.isdir(WETEST):
        print("1..0 # SKIP no tests/fixtures/wetest")
        return 0
    base = os.path.join(tmp, "wetest")
    os.makedirs(base)
    cases = []      # (label, response file, args, expect, check)
    for d in ("EnumerateInstances", "GetInstance", "OpenEnumerateInstances"):
        for f in sorted(os.listdir(os.path.join(WETEST, d))):
            if not f.endswith("rspgood.xml"):
                continue
            reqfile = os.path.join(WETEST, d, f[:-len("rspgood.xml")] +
                                   ".xml")
            raw = open(os.path.join(WETEST, d, f), "rb").read()
            op, ns, cmd, keys, path = request_case(reqfile)
            want_op = "EnumerateInstances" if cmd[0] == "enum" else op
            expect = expect_from_reply(raw, want_op)
            forms = [("", raw if raw.startswith(b"HTTP/") else wrap200(raw))]
            if not raw.startswith(b"HTTP/"):
                forms.append((" chunked", wrap200_chunked(raw, 97)))
            for suffix, data in forms:
                name = "%s%s.response" % (f[:-4], suffix.strip() and
                                          "-chunked")
                open(os.path.join(base, name), "wb").write(data)
                cases.append(("%s/%s%s" % (d, f[:-len("rspgood.xml")],
                                           suffix), name, ns, cmd + keys,
                              expect, (want_op, ns, cmd[1]), path))
    # the error forms of the malformed-request tests: replies only
    for d in ("ErrorXml", "Headers"):
        for f in sorted(os.listdir(os.path.join(WETEST, d))):
            if not f.endswith("rspgood.xml"):
                continue
            raw = open(os.path.join(WETEST, d, f), "rb").read()
            name = f[:-4] + ".response"
            if raw.startswith(b"HTTP/"):
                data, cmd, want_op = raw, ["enum", "Win32_Process"], \
                    "EnumerateInstances"
            else:
                data = wrap200(raw)
                rname = re.search(rb'METHODRESPONSE NAME="([^"]*)"',
                                  raw).group(1).decode()
                if b"<METHODRESPONSE" in raw:
                    cmd, want_op = ["invoke", "PG_TestPropertyTypes",
                                    rname], rname
                elif rname == "GetInstance":
                    cmd, want_op = ["get", "PG_TestPropertyTypes",
                                    "InstanceId=1"], rname
                else:
                    cmd, want_op = ["enum", "PG_TestPropertyTypes"], \
                        "EnumerateInstances"
            open(os.path.join(base, name), "wb").write(data)
            cases.append(("%s/%s" % (d, f[:-len("rspgood.xml")]), name,
                          "root/cimv2", cmd, expect_from_reply(raw, want_op),
                          None, None))
    rp = Replay(tmp, base, [c[1] for c in cases])
    try:
        for i, (label, _, ns, args, expect, sent, path) in enumerate(cases):
            rc, out, err, ms = cimhead(["--format", "json", args[0],
                                        rp.url(ns)] + args[1:])
            check_run(label, expect, rc, out, err, ms, path)
            if sent is not None:
                sent_ok(label, rp.request(i + 1), *sent)
    finally:
        rp.stop()
    return T.done()



# ---- variants of the captures ----------------------------------------------

def parse_reply(raw):
    """(status line, [(name, value)], framing, body, [(name, value)])."""
    head, _, rest = raw.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    hdrs = [tuple(x.strip() for x in line.split(b":", 1)) for line in
            lines[1:]]
    names = {n.lower(): v for n, v in hdrs}
    trailers = []
    if names.get(b"transfer-encoding", b"").lower() == b"chunked":
        body = b""
        while True:
            size, _, rest = rest.partition(b"\r\n")
            n = int(size.split(b";")[0], 16)
            if n == 0:
                break
            body, rest = body + rest[:n], rest[n + 2:]
        for line in rest.split(b"\r\n"):
            if line:
                trailers.append(tuple(x.strip() for x in
                                      line.split(b":", 1)))
        return lines[0], hdrs, "chunked", body, trailers
    if b"content-length" in names:
        return lines[0], hdrs, "length", rest[:int(names[b"content-length"])], []
    return lines[0], hdrs, "none", rest, []


def build_reply(status, hdrs, framing, body, trailers=(), case=None,
                pad=True, cuts=None, hexfmt=b"%x"):
    """The reply again: header NAMES in CASE, content-length PADded or not,
    or chunked with chunk boundaries at byte offsets CUTS."""
    def c(name):
        return {"lower": name.lower(), "upper": name.upper(),
                "swap": name.swapcase()}.get(case, name)
    out = [status]
    for name, value in hdrs:
        low = name.lower()
        if low in (b"content-length", b"transfer-encoding", b"trailer"):
            continue
        out.append(c(name) + b": " + value)
    if framing == "length":
        out.append(c(b"content-length") + b": " +
                   (b"%010d" if pad else b"%d") % len(body))
    elif framing == "chunked":
        out.append(c(b"transfer-encoding") + b": chunked")
        if trailers:
            out.append(c(b"Trailer") + b": " +
                       b", ".join(c(n) for n, _ in trailers))
    data = b"\r\n".join(out) + b"\r\n\r\n"
    if framing == "length":
        return data + body
    if framing == "none":
        return data + body
    cuts = sorted(set(x for x in (cuts or [len(body)]) if 0 < x < len(body)))
    prev = 0
    for x in cuts + [len(body)]:
        if x > prev:
            data += hexfmt % (x - prev) + b"\r\n" + body[prev:x] + b"\r\n"
        prev = x
    data += b"0\r\n"
    for name, value in trailers:
        data += c(name) + b": " + value + b"\r\n"
    return data + b"\r\n"


def awkward_cuts(body):
    """Chunk boundaries inside every multi-byte UTF-8 character and inside
    every entity (after its '&' and before its ';')."""
    cuts = []
    for i, b in enumerate(body):
        if b >= 0xc0:
            cuts.append(i + 1)
    for m in re.finditer(rb"&[#a-zA-Z0-9]+;", body):
        cuts += [m.start() + 1, m.end() - 1]
    return cuts


ATTR = re.compile(rb'([\w.:-]+)\s*=\s*("[^"]*"|\'[^\']*\')')
STAG = re.compile(rb"<([A-Za-z][\w.:-]*)((?:\s+[\w.:-]+\s*=\s*"
                  rb"(?:\"[^\"]*\"|'[^']*'))*)\s*(/?)>")


def xml_retag(body, order, quote):
    """Every start tag again: attributes reversed (ORDER) with newlines and
    tabs between them, or in single quotes (QUOTE); text is untouched."""
    def one(m):
        attrs = ATTR.findall(m.group(2))
        if order:
            attrs.reverse()
        parts = []
        for name, val in attrs:
            inner = val[1:-1]
            if quote and b"'" not in inner:
                val = b"'" + inner + b"'"
            parts.append(name + (b" =\t" if order else b"=") + val)
        sep = b"\n\t  " if order else b" "
        tail = (b"\n" if order else b"") + m.group(3) + b">"
        return (b"<" + m.group(1) + (sep if parts else b"") +
                sep.join(parts) + tail)
    return STAG.sub(one, body)


DECL = re.compile(rb"^<\?xml[^?]*\?>")


def xml_variants(body):
    """(label, body) in every XML form that must decode the same."""
    if not body.lstrip().startswith(b"<"):
        return []
    out = [("attributes reversed, newlines and tabs in tags",
            xml_retag(body, True, False)),
           ("single-quoted attributes", xml_retag(body, False, True)),
           ("CRLF line ends in the XML", body.replace(b"\n", b"\r\n")),
           ("UTF-8 BOM", b"\xef\xbb\xbf" + body),
           ("comments and a processing instruction between elements",
            body.replace(b"\n<", b"\n<!-- c --><?pi x?><")),
           ("values as CDATA sections",
            re.sub(rb"<VALUE>([^<&\]]+)</VALUE>",
                   rb"<VALUE><![CDATA[\1]]></VALUE>", body)),
           ("non-ASCII as character references",
            re.sub("[^\x00-\x7f]", lambda m: "&#x%X;" % ord(m.group(0)),
                   body.decode("utf-8")).encode("ascii"))]
    if DECL.match(body):
        out[1] = ("single-quoted attributes and encoding='UTF-8'",
                  DECL.sub(b"<?xml version='1.0' encoding='UTF-8'?>",
                           out[1][1]))
        out += [("standalone declaration and a DOCTYPE (never fetched)",
                 DECL.sub(b'<?xml version="1.0" encoding="utf-8" '
                          b'standalone="no"?>\n<!DOCTYPE CIM SYSTEM '
                          b'"http://www.dmtf.org/cim/mapping/xml/v2.0/'
                          b'cim.dtd">', body)),
                ("XML declaration without encoding",
                 DECL.sub(b'<?xml version="1.0"?>', body)),
                ("no XML declaration", DECL.sub(b"", body).lstrip())]
    return out


def capture_cmd(req):
    """cimhead arguments and namespace for what a captured request asked."""
    body = req.partition(b"\r\n\r\n")[2]
    try:
        simple = ET.fromstring(body).find("MESSAGE/SIMPLEREQ")
        call = simple.find("IMETHODCALL")
    except (ET.ParseError, AttributeError):
        return "root/cimv2", ["enum", "Win32_Process"]
    if call is not None:
        ns = "/".join(n.get("NAME") for n in
                      call.findall("LOCALNAMESPACEPATH/NAMESPACE"))
        params = {p.get("NAME"): p for p in call.findall("IPARAMVALUE")}
        op = call.get("NAME")
        if op == "ExecQuery":
            return ns, ["query", params["Query"].findtext("VALUE")]
        if op == "GetInstance":
            inn = params["InstanceName"].find("INSTANCENAME")
            return ns, ["get", inn.get("CLASSNAME")] + [
                '%s="%s"' % (kb.get("NAME"), kb.findtext("KEYVALUE"))
                for kb in inn.findall("KEYBINDING")]
        cls = params["ClassName"].find("CLASSNAME").get("NAME")
        return ns, ["names" if op == "EnumerateInstanceNames" else "enum",
                    cls]
    call = simple.find("METHODCALL")
    path = call[0]
    ns = "/".join(n.get("NAME") for n in
                  path.findall("LOCALNAMESPACEPATH/NAMESPACE"))
    inn = path.find("INSTANCENAME")
    if inn is not None:
        obj = inn.get("CLASSNAME") + "." + ",".join(
            '%s="%s"' % (kb.get("NAME"), kb.findtext("KEYVALUE"))
            for kb in inn.findall("KEYBINDING"))
    else:
        obj = path.find("CLASSNAME").get("NAME")
    return ns, ["invoke", obj, call.get("NAME")]


def capture_variants(raw, full):
    """(label, bytes) of the variants of one captured reply; only the
    header forms when not FULL (a body an earlier capture had)."""
    status, hdrs, framing, body, trailers = parse_reply(raw)
    keep = framing if trailers or framing != "length" else "length"
    out = [("header names lower-case",
            build_reply(status, hdrs, keep, body, trailers, "lower",
                        cuts=[len(body)])),
           ("header names swapped case",
            build_reply(status, hdrs, keep, body, trailers, "swap",
                        cuts=[len(body)]))]
    if not body or not full:
        return out
    if not trailers:
        out += [("content-length not zero-padded",
                 build_reply(status, hdrs, "length", body, pad=False)),
                ("header names upper-case, content-length zero-padded",
                 build_reply(status, hdrs, "length", body, (), "upper"))]
    rnd = random.Random(len(body))
    out += [("chunked, one byte a chunk",
             build_reply(status, hdrs, "chunked", body, trailers,
                         cuts=range(len(body)))),
            ("chunked, 4096 bytes a chunk, zero-padded upper-case sizes",
             build_reply(status, hdrs, "chunked", body, trailers,
                         cuts=range(0, len(body), 4096), hexfmt=b"%08X")),
            ("chunked inside UTF-8 characters and entities",
             build_reply(status, hdrs, "chunked", body, trailers,
                         cuts=awkward_cuts(body))),
            ("chunked at 40 random places",
             build_reply(status, hdrs, "chunked", body, trailers,
                         cuts=[rnd.randrange(len(body))
                               for _ in range(40)]))]
    for label, xbody in xml_variants(body):
        out.append((label, build_reply(status, hdrs, framing, xbody,
                                       trailers, cuts=awkward_cuts(xbody))))
    return out


def reply_key(raw):
    """Captures whose replies differ only in MESSAGE ID share a key."""
    _, _, framing, body, trailers = parse_reply(raw)
    return (framing, re.sub(rb'MESSAGE ID="[0-9]+"', b"", body),
            tuple(trailers))


OPNAME = {"enum": "EnumerateInstances", "get": "GetInstance",
          "query": "ExecQuery", "names": "EnumerateInstanceNames",
          "invoke": "InvokeMethod"}


# DSP0200 status names: cimhead says the name once, so a description that
# starts with its own status name (as OpenPegasus's do) loses that prefix.
CIM_STATUS = ["CIM_ERR_SUCCESS", "CIM_ERR_FAILED", "CIM_ERR_ACCESS_DENIED",
              "CIM_ERR_INVALID_NAMESPACE", "CIM_ERR_INVALID_PARAMETER",
              "CIM_ERR_INVALID_CLASS", "CIM_ERR_NOT_FOUND",
              "CIM_ERR_NOT_SUPPORTED", "CIM_ERR_CLASS_HAS_CHILDREN",
              "CIM_ERR_CLASS_HAS_INSTANCES", "CIM_ERR_INVALID_SUPERCLASS",
              "CIM_ERR_ALREADY_EXISTS", "CIM_ERR_NO_SUCH_PROPERTY",
              "CIM_ERR_TYPE_MISMATCH", "CIM_ERR_QUERY_LANGUAGE_NOT_SUPPORTED",
              "CIM_ERR_INVALID_QUERY", "CIM_ERR_METHOD_NOT_AVAILABLE",
              "CIM_ERR_METHOD_NOT_FOUND"]


def cim_description(code, desc):
    """The description cimhead reports for a CIM status and server text."""
    name = CIM_STATUS[code] if 0 <= code < len(CIM_STATUS) else None
    if name and desc.startswith(name) and desc[len(name):len(name) + 1] in \
            ("", ":", " "):
        desc = desc[len(name):].lstrip(": ")
    return desc or "no description from the server"


def error_oracle(raw):
    """The error a captured reply carries, as cimhead must report it, or
    None for a result."""
    status, hdrs, _, body, trailers = parse_reply(raw)
    code = int(status.split()[1])
    h = {n.decode().lower(): v.decode("latin-1") for n, v in hdrs}
    t = {n.decode().lower(): v.decode("latin-1") for n, v in trailers}
    if code in (401, 403):
        return {"exit": 3, "kind": "auth", "http_status": code}
    if "cimerror" in h:
        want = {"exit": 1, "kind": "protocol", "code": code,
                "http_status": code, "name": h["cimerror"]}
        if "pgerrordetail" in h:
            want["description"] = urllib.parse.unquote(h["pgerrordetail"])
        return want
    if code != 200:
        return {"exit": 3, "kind": "http", "code": code, "http_status": code}
    if t.get("cimstatuscode", "0") != "0":
        return {"exit": 1, "kind": "cim", "code": int(t["cimstatuscode"]),
                "description": cim_description(
                    int(t["cimstatuscode"]), urllib.parse.unquote(
                        t.get("cimstatuscodedescription", "")))}
    e = re.search(rb'<ERROR CODE="([0-9]+)" DESCRIPTION="([^"]*)"', body)
    if e is not None:
        desc = ET.fromstring(b"<x a=\"%s\"/>" % e.group(2)).get("a")
        return {"exit": 1, "kind": "cim", "code": int(e.group(1)),
                "description": cim_description(int(e.group(1)), desc)}
    return None


def names_oracle(name, resp, j):
    """EnumerateInstanceNames: every INSTANCENAME and key, in order."""
    names = resp.findall("IRETURNVALUE/INSTANCENAME")
    bad = [] if isinstance(j, list) and len(j) == len(names) else \
        ["%d names in the reply, JSON %r" % (len(names), j)]
    for iname, jp in zip(names, j if not bad else []):
        if jp.get("classname") != iname.get("CLASSNAME"):
            bad.append("classname %r" % jp.get("classname"))
        kbs = iname.findall("KEYBINDING")
        jpath = jp.get("path") or {}
        if sorted(jpath) != sorted(k.get("NAME") for k in kbs):
            bad.append("path %r" % jpath)
            continue
        for kb in kbs:
            m = key_mismatch(kb.find("KEYVALUE"), jpath[kb.get("NAME")])
            if m:
                bad.append("key %s: %s" % (kb.get("NAME"), m))
    return (not bad, "%s: as captured: %d path(s), every key exact "
            "(xml.etree oracle)" % (name, len(names)), "\n".join(bad))


def method_oracle(name, resp, j):
    """InvokeMethod: RETURNVALUE and every out PARAMVALUE, typed."""
    bad = []

    def one(el, jv, what):
        ctype = el.get("PARAMTYPE")
        if not isinstance(jv, dict) or jv.get("type") != ctype:
            bad.append("%s: %r, PARAMTYPE %s" % (what, jv, ctype))
            return
        v = el.find("VALUE")
        if v is None:
            if jv.get("value") is not None:
                bad.append("%s: NULL is %r" % (what, jv.get("value")))
            return
        m = value_mismatch(ctype, v.text, jv.get("value"))
        if m:
            bad.append("%s: %s" % (what, m))
    rv = resp.find("RETURNVALUE")
    one(rv, j.get("returnvalue"), "returnvalue")
    outs = resp.findall("PARAMVALUE")
    jout = j.get("out") or {}
    if sorted(jout) != sorted(p.get("NAME") for p in outs):
        bad.append("out %r" % sorted(jout))
    for p in outs:
        one(p, jout.get(p.get("NAME")), "out " + p.get("NAME"))
    return (not bad, "%s: as captured: return value and %d out "
            "parameter(s) exact (xml.etree oracle)" % (name, len(outs)),
            "\n".join(bad))


def capture_oracle(name, raw, args, out):
    """The xml.etree oracle on a captured result: every value exact."""
    body = parse_reply(raw)[3]
    if args[0] in ("names", "invoke"):
        try:
            j = parse_json(out)
        except ValueError as e:
            return (False, "%s: JSON" % name, str(e))
        simple = ET.fromstring(body).find("MESSAGE/SIMPLERSP")
        if args[0] == "names":
            return names_oracle(name, simple.find("IMETHODRESPONSE"), j)
        return method_oracle(name, simple.find("METHODRESPONSE"), j)
    resp = ET.fromstring(body).find("MESSAGE/SIMPLERSP/IMETHODRESPONSE")
    want_path = None
    if args[0] == "get":
        want_path = {}
        for kv in args[2:]:
            k, _, v = kv.partition("=")
            want_path[k] = v.strip('"')
    pairs = reply_pairs(resp)
    try:
        j = parse_json(out)
    except ValueError as e:
        return (False, "%s: JSON" % name, str(e))
    bad = [] if isinstance(j, list) and len(j) == len(pairs) else \
        ["%d instances in the reply, JSON: %r" % (len(pairs), out[:200])]
    for (inst, iname), jinst in zip(pairs, j if not bad else []):
        bad += instance_mismatches(inst, jinst, iname, want_path)
    nvals = sum(1 for inst, _ in pairs for p in inst
                if p.tag.startswith("PROPERTY"))
    return (not bad, "%s: as captured: %d instance(s), every key and "
            "property (%d) exact (xml.etree oracle)" % (name, len(pairs),
                                                       nvals),
            "\n".join(bad))


def one_capture(tmp, base, name, full):
    """[(condition, description, diagnostic)] of one capture's variants."""
    results = []
    raw = open(os.path.join(CAPTURES, name + ".response"), "rb").read()
    req = open(os.path.join(CAPTURES, name + ".request"), "rb").read()
    ns, args = capture_cmd(req)
    files = [name + ".response"]
    labels = []
    for i, (label, data) in enumerate(capture_variants(raw, full)):
        f = "%s.v%d" % (name, i)
        open(os.path.join(base, f), "wb").write(data)
        files.append(f)
        labels.append(label)
    open(os.path.join(base, name + ".response"), "wb").write(raw)
    rp = Replay(tmp, base, files)
    try:
        argv = ["--format", "json", args[0], rp.url(ns)] + args[1:]
        rc0, out0, err0, ms0 = cimhead(argv)
        results.append((rc0 in (0, 1, 3) and ms0 < HANG_MS and
                        out0.startswith((b"[", b"{")),
                        "%s: as captured: exit %d in %d ms" % (name, rc0,
                                                               ms0),
                        err0.decode("utf-8", "replace")))
        want = error_oracle(raw)
        if want is not None:
            try:
                je = parse_json(out0).get("error", {})
            except (ValueError, AttributeError):
                je = {}
            got = {k: je.get(k) for k in want if k != "exit"}
            got["exit"] = rc0
            results.append((got == want, "%s: as captured: %s" % (
                name, json.dumps(want, ensure_ascii=False)),
                json.dumps(got, ensure_ascii=False)))
        elif rc0 == 0:
            results.append(capture_oracle(name, raw, args, out0))
        else:
            results.append((False, "%s: as captured: a result, exit 0" %
                            name, err0.decode("utf-8", "replace")))
        for label in labels:
            rc, out, err, ms = cimhead(argv)
            results.append((rc == rc0 and out == out0 and ms < HANG_MS,
                            "%s, %s: same JSON, exit %d" % (name, label,
                                                            rc0),
                            "exit %d in %d ms: %s\n%s" % (
                                rc, ms, err.decode("utf-8", "replace"),
                                out.decode("utf-8", "replace")[:600])))
    finally:
        rp.stop()
    return results


def variants(tmp, shard, nshards):
    if not os.path.isdir(CAPTURES):
        print("1..0 # SKIP no tests/fixtures/conform/captures")
        return 0
    base = os.path.join(tmp, "variants")
    os.makedirs(base)
    names = sorted(f[:-len(".response")] for f in os.listdir(CAPTURES)
                   if f.endswith(".response"))
    # all variants for the first capture of each distinct reply, the header
    # forms for the others; one replay.py per capture, two captures at a
    # time; the TAP lines are printed in capture order
    seen, full = set(), []
    for name in names:
        key = reply_key(open(os.path.join(CAPTURES, name + ".response"),
                             "rb").read())
        full.append(key not in seen)
        seen.add(key)
    names, full = names[shard - 1::nshards], full[shard - 1::nshards]
    with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
        for results in pool.map(lambda a: one_capture(tmp, base, *a),
                                zip(names, full)):
            for cond, desc, diag in results:
                T.ok(cond, desc, diag)
    if shard == 1:
        trailer_forms(tmp, base)
    return T.done()


def trailer_forms(tmp, base):
    """The chunked error form with trailer names in another case and a
    URI-escaped UTF-8 description: code and text exact."""
    raw = open(os.path.join(CAPTURES, "eq-process-caption-chunked.response"),
               "rb").read()
    req = open(os.path.join(CAPTURES, "eq-process-caption-chunked.request"),
               "rb").read()
    status, hdrs, _, body, _ = parse_reply(raw)
    desc = "CIM_ERR_INVALID_QUERY: caf\u00e9 \u20ac \"<x>\" 100% \U0001f3ac"
    esc = urllib.parse.quote(desc, safe="").encode()
    forms = []
    for case in ("lower", "upper", "swap"):
        trailers = [(b"CIMStatusCode", b"15"),
                    (b"CIMStatusCodeDescription", esc)]
        forms.append(("trailer names %s" % case,
                      build_reply(status, hdrs, "chunked", body, trailers,
                                  case, cuts=range(0, len(body), 5))))
    files = []
    for i, (_, data) in enumerate(forms):
        files.append("trailer.v%d" % i)
        open(os.path.join(base, files[-1]), "wb").write(data)
    ns, args = capture_cmd(req)
    rp = Replay(tmp, base, files)
    try:
        for label, _ in forms:
            rc, out, err, ms = cimhead(["--format", "json", args[0],
                                        rp.url(ns)] + args[1:])
            try:
                je = parse_json(out).get("error", {})
            except ValueError:
                je = {}
            T.ok(rc == 1 and je.get("code") == 15 and je.get("kind") ==
                 "cim" and je.get("description") ==
                 desc[len("CIM_ERR_INVALID_QUERY: "):] and ms < HANG_MS,
                 "trailer-only error, %s, URI-escaped UTF-8 description: "
                 "exit 1, code 15, text exact" % label,
                 "exit %d: %s" % (rc, out.decode("utf-8", "replace")))
    finally:
        rp.stop()


def main(argv):
    if not os.access(CIMHEAD, os.X_OK):
        print("1..0 # SKIP cimhead not built")
        return 0
    with tempfile.TemporaryDirectory(prefix="cimhead-conform.") as tmp:
        if argv[1:] == ["wetest"]:
            return wetest(tmp)
        m = re.match(r"([0-9]+)/([0-9]+)$", argv[2] if len(argv) == 3
                     else "")
        if argv[1] == "variants" and m and 1 <= int(m.group(1)) <= \
                int(m.group(2)):
            return variants(tmp, int(m.group(1)), int(m.group(2)))
    sys.exit(__doc__)


if __name__ == "__main__":
    sys.exit(main(sys.argv))
