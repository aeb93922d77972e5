#!/usr/bin/env python3
"""livereplay.py: the raw half of the differential test
(tests/e2e/pegasus_replay.sh): replays the OpenPegasus request captures of
tests/fixtures/openpegasus, byte for byte, to a live OpenPegasus and to
cimmockd, both holding the captures' data set, and compares the two
answers: status line, CIMError and CIMOperation headers, presence of
Content-Length, chunking, Trailer header and trailers (CIMStatusCode),
ERROR CODE, whether the connection stays open, and the body's XML,
normalised: whitespace between elements dropped, the children of
IRETURNVALUE sorted (instance order is not part of the protocol), HOST
text replaced (each server names its own machine).  Speaks TAP.

Each difference must be a row of tests/PEGASUS.md ("| `replay/NAME` |
`FIELD` | allowed or mock-bug | why |", * wildcards), or the capture's test
fails; a mock-bug row makes it a "not ok ... # TODO".

usage: livereplay.py DIR[:DIR...] MOCK_PORT MOCK_AUTH_PORT PEGASUS_PORT
           PEGASUS_AUTH_PORT PEGASUS.md
"""
import fnmatch
import os
import sys
import xml.etree.ElementTree as ET

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.join(HERE, "..", "e2e"))
sys.path.insert(0, HERE)
import socket  # noqa: E402
from mock_replay import AFTER, Reader, read_response, split_requests, summary  # noqa: E402,E501

# Captures not replayed here, and why.
SKIP = {
    "create-": "CreateInstance of the data set: both servers hold it already",
    "di-process-vodstream": "DeleteInstance changes the data set (pegasus_cli.sh kills real processes)",
    "eq-vodstream-after-kill": "follows di-process-vodstream",
    "im-create-module-": "provider module state (cimprovider -d/-e)",
    "err-content-length-too-big": "the server waits for the missing bytes (10 s)",
}


def exchange(port, reqs, check_after):
    """The requests one after the other on one connection, each sent when
    the previous answer has been read (as a client does; OpenPegasus
    does not answer pipelined requests); the answers, and the connection's
    state afterwards when asked for."""
    s = socket.create_connection(("127.0.0.1", port), timeout=5)
    s.settimeout(5)
    rd = Reader(s)
    out = []
    for q in reqs:
        try:
            s.sendall(q)
        except OSError:
            break
        r = read_response(rd)
        if r is None:
            break
        out.append(r)
    state = None
    if check_after:
        s.settimeout(0.4)
        try:
            state = "closed" if s.recv(1) == b"" else "data"
        except socket.timeout:
            state = "open"
        except OSError:
            state = "closed"
    s.close()
    return out, state


def canon(e):
    """A canonical string of an element tree (see the module comment)."""
    kids = [canon(c) for c in e]
    if e.tag == "IRETURNVALUE":
        kids.sort()
    text = (e.text or "").strip()
    if e.tag == "HOST":
        text = "HOST"
    attrs = " ".join('%s="%s"' % kv for kv in sorted(e.attrib.items()))
    return "<%s%s>%s%s</%s>" % (e.tag, " " + attrs if attrs else "", text,
                                "".join(kids), e.tag)


def body_form(b):
    """(canonical body, the class properties filled in as NULL): a
    PROPERTY with PROPAGATED="true" and no value is one the instance did
    not set, that OpenPegasus adds from the class; it is taken out of the
    body and compared on its own, so that the rest must match."""
    if not b:
        return "", []
    try:
        root = ET.fromstring(b)
    except ET.ParseError:
        return "(not XML) " + b.decode("utf-8", "replace")[:200], []
    filled = []
    for inst in root.iter("INSTANCE"):
        for prop in list(inst):
            if prop.tag.startswith("PROPERTY") and \
                    prop.get("PROPAGATED") == "true" and len(prop) == 0:
                filled.append("%s.%s" % (inst.get("CLASSNAME"), prop.get("NAME")))
                inst.remove(prop)
    return canon(root), sorted(set(filled))


def first_diff(a, b):
    i = 0
    while i < min(len(a), len(b)) and a[i] == b[i]:
        i += 1
    lo = max(0, i - 60)
    return "...%s | ...%s" % (a[lo:i + 100], b[lo:i + 100])


def rules(f):
    out = []
    for line in open(f, encoding="utf-8"):
        parts = [p.strip() for p in line.split("|")]
        if len(parts) > 4 and parts[1].startswith("`replay/") and \
                parts[3] in ("allowed", "mock-bug"):
            out.append((parts[1].strip("`")[len("replay/"):],
                        parts[2].strip("`"), parts[3]))
    return out


def main():
    mport, mauth, pport, pauth = (int(x) for x in sys.argv[2:6])
    allowed = rules(sys.argv[6])
    where = {}
    for d in sys.argv[1].split(":"):
        for f in os.listdir(d):
            if f.endswith(".request"):
                where[f[:-len(".request")]] = d
    names = sorted(where)
    n = failed = 0
    for name in names:
        why = [v for k, v in SKIP.items() if name.startswith(k)]
        n += 1
        if why:
            print("ok %d - replay/%s # SKIP %s" % (n, name, why[0]))
            continue
        reqs = split_requests(open(os.path.join(where[name], name + ".request"),
                                   "rb").read())
        auth = name.startswith("auth-")
        got = {}
        for who, port in (("mock", mauth if auth else mport),
                          ("pegasus", pauth if auth else pport)):
            try:
                got[who] = exchange(port, reqs, name in AFTER)
            except OSError as e:
                got[who] = ([], "error %s" % e)
        (rm, sm), (rp, sp) = got["mock"], got["pegasus"]
        diffs = []
        if len(rm) != len(rp):
            diffs.append(("responses", str(len(rm)), str(len(rp))))
        for i, (a, b) in enumerate(zip(rm, rp)):
            pre = "%d." % i if len(rp) > 1 else ""
            sa, sb = summary(a), summary(b)
            sa["cimoperation"] = a["headers"].get("cimoperation")
            sb["cimoperation"] = b["headers"].get("cimoperation")
            for k in sa:
                if sa[k] != sb[k]:
                    diffs.append((pre + k, repr(sa[k]), repr(sb[k])))
            (fa, na), (fb, nb) = body_form(a["body"]), body_form(b["body"])
            if fa != fb and not a["status"].split()[1:2] == ["404"]:
                diffs.append((pre + "body",) + tuple(first_diff(fa, fb).split(" | ", 1)))
            if na != nb:
                diffs.append((pre + "null class properties", " ".join(na) or "-",
                              " ".join(nb) or "-"))
        if sm != sp:
            diffs.append(("connection after", str(sm), str(sp)))
        kinds = []
        for field, x, y in diffs:
            kind = None
            for rn, rf, rk in allowed:
                if fnmatch.fnmatchcase(name, rn) and fnmatch.fnmatchcase(field, rf):
                    kind = rk
                    break
            kinds.append(kind)
        status = " ".join(r["status"].split(" ", 1)[1] for r in rp) or "no response"
        if None in kinds:
            failed += 1
            print("not ok %d - replay/%s: cimmockd answers as OpenPegasus (%s)"
                  % (n, name, status))
        elif "mock-bug" in kinds:
            print("not ok %d - replay/%s: cimmockd answers as OpenPegasus (%s)"
                  " # TODO a known cimmockd bug (tests/PEGASUS.md)" % (n, name, status))
        else:
            print("ok %d - replay/%s: cimmockd answers as OpenPegasus (%s)"
                  % (n, name, status))
        for (field, x, y), kind in zip(diffs, kinds):
            print("#   %s%s: mock %s | pegasus %s" % (kind + ": " if kind else "",
                                                      field, x, y))
        sys.stdout.flush()
    print("1..%d" % n)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
