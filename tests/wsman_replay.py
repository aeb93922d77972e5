#!/usr/bin/env python3
"""wsman_replay.py: a WS-Management server for tests that answers like WinRM.

It binds 127.0.0.1:0, writes its port to PORTFILE and answers the requests
(on any connection, in arrival order) with the steps given on the command
line; the last step is reused when requests outnumber steps.  A step is

  FILE        the SOAP envelope in FILE, its a:RelatesTo rewritten to the
              request's a:MessageID (as WinRM echoes it); HTTP 500 when the
              envelope is a s:Fault, else 200
  status=N    HTTP status N with an empty body (401, 413 ...)

Every request body is saved as REQDIR/req-N (N from 1), and its
Content-Type header as REQDIR/req-N.ctype.

usage: wsman_replay.py [--base DIR] PORTFILE REQDIR STEP...
"""
import http.server
import os
import re
import sys
import threading

lock = threading.Lock()
state = {"n": 0}


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def do_POST(self):
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length)
        with lock:
            state["n"] += 1
            n = state["n"]
        path = os.path.join(self.server.reqdir, "req-%d" % n)
        with open(path + ".ctype", "w") as f:
            f.write(self.headers.get("Content-Type", ""))
        with open(path + ".tmp", "wb") as f:
            f.write(body)
        os.rename(path + ".tmp", path)
        steps = self.server.steps
        step = steps[min(n, len(steps)) - 1]
        if step.startswith("status="):
            self.send_response(int(step[7:]))
            self.send_header("Content-Length", "0")
            self.end_headers()
            return
        with open(os.path.join(self.server.base, step), "rb") as f:
            reply = f.read()
        m = re.search(rb"<a:MessageID>([^<]*)</a:MessageID>", body)
        if m is not None:
            reply = re.sub(rb"(<[A-Za-z]+:RelatesTo>)[^<]*(</[A-Za-z]+:"
                           rb"RelatesTo>)",
                           lambda r: r.group(1) + m.group(1) + r.group(2),
                           reply)
        status = 500 if re.search(rb"<[A-Za-z-]+:Fault>", reply) else 200
        self.send_response(status)
        self.send_header("Content-Type", "application/soap+xml;charset=UTF-8")
        self.send_header("Content-Length", str(len(reply)))
        self.end_headers()
        self.wfile.write(reply)


def main(argv):
    base = "."
    if argv[:1] == ["--base"]:
        base = argv[1]
        argv = argv[2:]
    if len(argv) < 3:
        sys.exit(__doc__)
    portfile, reqdir, steps = argv[0], argv[1], argv[2:]
    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    srv.base, srv.reqdir, srv.steps = base, reqdir, steps
    with open(portfile + ".tmp", "w") as f:
        f.write(str(srv.server_address[1]))
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()


if __name__ == "__main__":
    main(sys.argv[1:])
