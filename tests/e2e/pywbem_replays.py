#!/usr/bin/env python3
"""pywbem_replays.py: server replies of pywbem's recorded cases, replayed
to cimhead, the outcome compared with what pywbem makes of the same reply.

The cases (tests/fixtures/pywbem-replays.json) are rebuilt from the facts
of pywbem/pywbem tests/functiontest/*.yaml, read as a reference: the
operation, the shape of the server's reply, and pywbem's verdict (a result
with its object count and keys, a CIMError with its status, or a parse
error).  Each case is served on 127.0.0.1:0; cimhead runs against it with
the case's arguments; its exit status, error kind, CIM status, object count
and key values (and, when it says, the requests sent and a text on
standard error) are compared with the case's "expect".  Output is TAP.

A case's "reply" is one reply or a list (a pull run gets one a request):
  {"ret": XML}              IMETHODRESPONSE with IRETURNVALUE(XML) (and
                            "params": XML after it: pull PARAMVALUEs)
  {"method": XML}           METHODRESPONSE holding XML (invoke)
  {"error": CODE}           an ERROR element with that CODE
  {"body": XML}             the whole body as written
  "eos", "context"          a pull's EndOfSequence and EnumerationContext
                            PARAMVALUEs (after IRETURNVALUE; "ret": null
                            leaves IRETURNVALUE out)
  "id"                      the MESSAGE ID (the request's otherwise)
  "ctype"                   the Content-Type header's value
  "drop": "close"|"hang"    read the request, then close the connection,
                            or never answer
  "status", "headers"       HTTP status (200) and extra header lines
In XML, {LNS} stands for root/cimv2's LOCALNAMESPACEPATH and {NSP} for a
NAMESPACEPATH on host h1 holding it.
"op" names the IMETHODRESPONSE (the case's first "run" word otherwise).

usage: pywbem_replays.py CIMHEAD CASES.json
"""
import json
import os
import socket
import subprocess
import sys
import threading

# tests/replay.py reads a request whole and holds a connection open
sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                ".."))
from replay import hold, read_request  # noqa: E402

OPS = {
    "enum": "EnumerateInstances", "names": "EnumerateInstanceNames",
    "get": "GetInstance", "query": "ExecQuery", "classes": "EnumerateClasses",
    "classnames": "EnumerateClassNames", "getclass": "GetClass",
    "associators": "Associators", "associatornames": "AssociatorNames",
    "references": "References", "referencenames": "ReferenceNames",
    "create": "CreateInstance", "modify": "ModifyInstance",
    "delete": "DeleteInstance", "qualifiers": "EnumerateQualifiers",
    "createclass": "CreateClass", "modifyclass": "ModifyClass",
    "deleteclass": "DeleteClass", "setqualifier": "SetQualifier",
    "deletequalifier": "DeleteQualifier", "getprop": "GetProperty",
    "setprop": "SetProperty",
}


LNS = ("<LOCALNAMESPACEPATH><NAMESPACE NAME=\"root\"/>"
       "<NAMESPACE NAME=\"cimv2\"/></LOCALNAMESPACEPATH>")
NSP = "<NAMESPACEPATH><HOST>h1</HOST>%s</NAMESPACEPATH>" % LNS
PULL = ("<PARAMVALUE NAME=\"EndOfSequence\"><VALUE>%s</VALUE></PARAMVALUE>"
        "<PARAMVALUE NAME=\"EnumerationContext\"><VALUE>%s</VALUE>"
        "</PARAMVALUE>")


def body_of(reply, op):
    """The reply body for one reply of a case."""
    if "body" in reply:
        return reply["body"]
    if "method" in reply:
        inner = "<METHODRESPONSE NAME=\"%s\">%s</METHODRESPONSE>" % (
            reply.get("name", op), reply["method"])
    else:
        if "error" in reply:
            inner = "<ERROR CODE=\"%d\" DESCRIPTION=\"replayed\"/>" % \
                reply["error"]
        else:
            inner = ""
            if reply.get("ret", "") is not None:
                inner = "<IRETURNVALUE>%s</IRETURNVALUE>" % \
                    reply.get("ret", "")
            if "eos" in reply:
                inner += PULL % ("TRUE" if reply["eos"] else "FALSE",
                                 reply.get("context", ""))
        inner = "<IMETHODRESPONSE NAME=\"%s\">%s</IMETHODRESPONSE>" % (
            reply.get("name", op), inner)
    inner = inner.replace("{NSP}", NSP).replace("{LNS}", LNS)
    return ("<?xml version=\"1.0\" encoding=\"utf-8\" ?>\n"
            "<CIM CIMVERSION=\"2.0\" DTDVERSION=\"2.0\">"
            "<MESSAGE ID=\"%s\" PROTOCOLVERSION=\"1.0\"><SIMPLERSP>%s"
            "</SIMPLERSP></MESSAGE></CIM>\n" % ("{ID}", inner))


def message_id(req):
    """The MESSAGE ID of a request, so a reply can echo it."""
    i = req.find(b"MESSAGE ID=\"")
    if i < 0:
        return "1001"
    j = req.find(b"\"", i + 12)
    return req[i + 12:j].decode()


def serve(srv, replies, op, seen, stop):
    """Answers requests in order with the case's replies, the last reused;
    seen[0] counts them.  The thread owns srv and closes it once stop is
    set: a socket closed under a thread in accept() may have its number
    taken by the next case's, which the old thread would then answer."""
    n = 0
    srv.settimeout(0.1)
    try:
        while not stop.is_set():
            try:
                conn, _ = srv.accept()
            except socket.timeout:
                continue
            conn.settimeout(None)
            n = answer(conn, replies, op, seen, n)
    except OSError:
        pass
    finally:
        srv.close()


def answer(conn, replies, op, seen, n):
    """One connection's requests answered from reply n on; the next n."""
    pending = [b""]
    try:
        while True:
            req = read_request(conn, pending)
            if req is None:
                break
            req = req.split(b"\r\n\r\n", 1)[1]
            reply = replies[min(n, len(replies) - 1)]
            n += 1
            seen[0] = n
            if reply.get("drop") == "close":
                break
            if reply.get("drop") == "hang":
                hold(conn)
                break
            # a lone surrogate goes out as its three bytes, as a
            # server that writes UTF-16 halves one by one sends it
            body = body_of(reply, op).replace(
                "{ID}", reply.get("id", message_id(req))).encode(
                    "utf-8", "surrogatepass")
            head = ["HTTP/1.1 %d %s" % (reply.get("status", 200),
                                        reply.get("reason", "OK")),
                    "Content-Type: %s" % reply.get(
                        "ctype", "application/xml; charset=\"utf-8\""),
                    "Content-Length: %d" % len(body)]
            hdrs = reply.get("headers", {"CIMOperation": "MethodResponse"})
            head += ["%s: %s" % kv for kv in hdrs.items()]
            conn.sendall(("\r\n".join(head) + "\r\n\r\n").encode() +
                         body)
    except OSError:
        pass
    finally:
        conn.close()
    return n


def outcome(proc):
    """exit, kind, code, count, keys of one cimhead run."""
    got = {"exit": proc.returncode}
    try:
        j = json.loads(proc.stdout)
    except ValueError:
        return got
    if isinstance(j, dict) and "error" in j:
        got["kind"] = j["error"].get("kind")
        if got["kind"] == "cim":
            got["code"] = j["error"].get("code")
        return got
    items = j if isinstance(j, list) else [j]
    got["count"] = len(items)
    keys = []
    for it in items:
        if isinstance(it, dict):
            p = it.get("path", it.get("keybindings"))
            if isinstance(p, dict):
                keys.append(p)
    got["keys"] = keys
    return got


def check(cimhead, case):
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.bind(("127.0.0.1", 0))
    srv.listen(4)
    url = "http://127.0.0.1:%d" % srv.getsockname()[1]
    replies = case["reply"]
    if isinstance(replies, dict):
        replies = [replies]
    op = case.get("op", OPS.get(case["run"][0], case["run"][0]))
    seen = [0]
    stop = threading.Event()
    t = threading.Thread(target=serve, args=(srv, replies, op, seen, stop),
                         daemon=True)
    t.start()
    args = [cimhead] + case.get("options", []) + [case["run"][0], url] + \
        case["run"][1:]
    try:
        proc = subprocess.run(args, stdout=subprocess.PIPE,
                              stderr=subprocess.PIPE, timeout=20,
                              universal_newlines=True)
    finally:
        stop.set()
        t.join(10)
    got = outcome(proc)
    got["requests"] = seen[0]
    want = case["expect"]
    # "stderr": a text the one line on standard error must hold
    if "stderr" in want:
        got["stderr"] = want["stderr"] if want["stderr"] in proc.stderr \
            else proc.stderr.strip()
    bad = [k for k in want if got.get(k) != want[k]]
    return bad, got, proc.stderr


def main(argv):
    if len(argv) != 2:
        sys.exit(__doc__)
    with open(argv[1]) as f:
        cases = json.load(f)
    failed = 0
    for n, case in enumerate(cases, 1):
        bad, got, err = check(argv[0], case)
        desc = "%s %s: %s" % (case["file"], case["case"], case["why"])
        if bad:
            failed += 1
            print("not ok %d - %s" % (n, desc))
            got = dict((k, got[k]) for k in got if k not in
                       ("requests", "stderr") or k in case["expect"])
            print("#   got:  %s" % json.dumps(got, sort_keys=True))
            print("#   want: %s" % json.dumps(case["expect"],
                                            sort_keys=True))
            for line in err.splitlines()[:3]:
                print("#   stderr: %s" % line)
        else:
            print("ok %d - %s" % (n, desc))
    print("1..%d" % len(cases))
    print("# %d cases, %d agree with pywbem" % (len(cases),
                                               len(cases) - failed))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
