#!/usr/bin/env python3
"""replay.py: an HTTP server for tests that answers with recorded bytes.

It binds 127.0.0.1:0, writes its port to PORTFILE, and serves each TCP
connection with the next script from the command line (the last script is
reused when connections outnumber scripts).  A script is a comma-separated
list of steps, one per request read on that connection:

  FILE        answer the request with the exact bytes of FILE
  hang        read the request, never answer (keep the connection open)
  close       read the request, close without answering
  accept-hang accept, read nothing, never answer
  sleep=MS    wait MS milliseconds before the next step (no request read)

After the last step the connection stays open until the client closes it,
as OpenPegasus does.  Every request received (head and body, exact bytes)
is saved as REQDIR/req-N (N from 1, in arrival order).

usage: replay.py [--tls CERT KEY] [--base DIR] PORTFILE REQDIR SCRIPT...
"""
import os
import socket
import ssl
import sys
import threading
import time

lock = threading.Lock()
counter = [0]


def read_request(conn, pending):
    """Reads one request (head + Content-Length body); None on EOF."""
    while b"\r\n\r\n" not in pending[0]:
        data = conn.recv(65536)
        if not data:
            return None
        pending[0] += data
    head, rest = pending[0].split(b"\r\n\r\n", 1)
    length = 0
    for line in head.split(b"\r\n")[1:]:
        name, _, value = line.partition(b":")
        if name.strip().lower() == b"content-length":
            length = int(value.strip())
    while len(rest) < length:
        data = conn.recv(65536)
        if not data:
            break
        rest += data
    body, pending[0] = rest[:length], rest[length:]
    return head + b"\r\n\r\n" + body


def save(reqdir, req):
    with lock:
        counter[0] += 1
        n = counter[0]
    path = os.path.join(reqdir, "req-%d" % n)
    with open(path + ".tmp", "wb") as f:
        f.write(req)
    os.rename(path + ".tmp", path)


def hold(conn):
    """Keeps the connection open until the peer closes it."""
    try:
        while conn.recv(65536):
            pass
    except OSError:
        pass


def serve(conn, steps, base, reqdir):
    pending = [b""]
    try:
        for step in steps:
            if step == "accept-hang":
                break
            if step.startswith("sleep="):
                time.sleep(int(step[6:]) / 1000.0)
                continue
            req = read_request(conn, pending)
            if req is None:
                return
            save(reqdir, req)
            if step == "hang":
                break
            if step == "close":
                return
            with open(os.path.join(base, step), "rb") as f:
                conn.sendall(f.read())
        hold(conn)
    except OSError:
        pass
    finally:
        try:
            conn.close()
        except OSError:
            pass


def main(argv):
    tls = None
    base = "."
    while argv and argv[0].startswith("--"):
        if argv[0] == "--tls":
            tls = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            tls.load_cert_chain(argv[1], argv[2])
            argv = argv[3:]
        elif argv[0] == "--base":
            base = argv[1]
            argv = argv[2:]
        else:
            sys.exit("replay.py: unknown option " + argv[0])
    if len(argv) < 3:
        sys.exit(__doc__)
    portfile, reqdir, scripts = argv[0], argv[1], argv[2:]
    srv = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind(("127.0.0.1", 0))
    srv.listen(16)
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.getsockname()[1])
    os.rename(portfile + ".tmp", portfile)
    nconn = 0
    while True:
        conn, _ = srv.accept()
        steps = scripts[min(nconn, len(scripts) - 1)].split(",")
        nconn += 1
        if tls is not None:
            try:
                conn.settimeout(5)
                conn = tls.wrap_socket(conn, server_side=True)
                conn.settimeout(None)
            except (OSError, ssl.SSLError):
                conn.close()
                continue
        threading.Thread(target=serve, args=(conn, steps, base, reqdir),
                         daemon=True).start()


if __name__ == "__main__":
    main(sys.argv[1:])
