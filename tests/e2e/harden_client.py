#!/usr/bin/env python3
"""harden_client.py: hostile HTTP clients for the issue-17 listener tests.

  flood ADDR SECONDS [CONNS]   pipeline GET /healthz on CONNS (2) connections
                               for SECONDS, never reading a reply; prints
                               "SENT-BYTES CLOSED-CONNS"
  halfclose ADDR N PATH        N pipelined GETs of PATH, then shutdown(WR);
                               prints the status codes received, one line
  pipeclose ADDR PATH...       one pipelined GET of each PATH, sent at
                               once, then shutdown(WR); prints the status
                               codes received in order, then "closed" or
                               "open" (did the daemon close after them)
  raw ADDR HEX                 sends the bytes (hex), half-closes, prints
                               the first line of the reply ("-" if none)
  hold ADDR N SECONDS          opens N connections, sends nothing, holds
                               them SECONDS; prints how many it opened
  burst ADDR N PATH            N connections at once, one GET of PATH on
                               each, then reads them all; prints the
                               number of replies and of 302s received
  unread ADDR N PATH SECONDS   N connections each send one GET of PATH and
                               never read the reply, held SECONDS; prints
                               how many it opened
"""
import re
import socket
import sys
import time


def addr(s):
    host, port = s.rsplit(":", 1)
    return host.strip("[]"), int(port)


def read_all(s, limit=5.0):
    s.settimeout(limit)
    data = b""
    end = time.monotonic() + limit
    while time.monotonic() < end:
        try:
            b = s.recv(65536)
        except socket.timeout:
            break
        except OSError:
            break
        if not b:
            break
        data += b
    return data


def flood(a, secs, nconn):
    req = b"GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n" * 64
    conns = []
    for _ in range(nconn):
        c = socket.create_connection(addr(a))
        c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
        c.setblocking(False)
        conns.append(c)
    sent = 0
    closed = set()
    end = time.monotonic() + secs
    while time.monotonic() < end and len(closed) < nconn:
        progress = False
        for i, c in enumerate(conns):
            if i in closed:
                continue
            try:
                sent += c.send(req)
                progress = True
            except BlockingIOError:
                pass
            except OSError:
                closed.add(i)
        if not progress:
            time.sleep(0.005)
    print(sent, len(closed))


def halfclose(a, n, path):
    c = socket.create_connection(addr(a))
    c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % path).encode() * n)
    c.shutdown(socket.SHUT_WR)
    data = read_all(c, 10.0)
    codes = re.findall(rb"HTTP/1\.[01] (\d\d\d)", data)
    print(" ".join(x.decode() for x in codes) or "-")


def pipeclose(a, paths):
    c = socket.create_connection(addr(a))
    c.sendall(b"".join(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n" % p).encode()
                       for p in paths))
    c.shutdown(socket.SHUT_WR)
    c.settimeout(10.0)
    data = b""
    closed = "open"
    end = time.monotonic() + 10.0
    while time.monotonic() < end:
        try:
            b = c.recv(65536)
        except socket.timeout:
            break
        except OSError:
            closed = "reset"
            break
        if not b:
            closed = "closed"
            break
        data += b
    codes = re.findall(rb"(?:^|\n)HTTP/1\.[01] (\d\d\d) ", data)
    print(" ".join(x.decode() for x in codes) or "-", closed)


def raw(a, hexdata):
    c = socket.create_connection(addr(a))
    c.sendall(bytes.fromhex(hexdata))
    try:
        c.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    data = read_all(c, 5.0)
    line = data.split(b"\r\n", 1)[0].decode("latin-1")
    print(line or "-")


def hold(a, n, secs):
    conns = []
    for _ in range(n):
        try:
            conns.append(socket.create_connection(addr(a), timeout=2))
        except OSError:
            break
    print(len(conns))
    sys.stdout.flush()
    time.sleep(secs)


def unread(a, n, path, secs):
    conns = []
    for _ in range(n):
        try:
            c = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
            c.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
            c.settimeout(2)
            c.connect(addr(a))
            c.sendall(("GET %s HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n"
                       % path).encode())
            conns.append(c)
        except OSError:
            break
    print(len(conns))
    sys.stdout.flush()
    time.sleep(secs)


def burst(a, n, path):
    conns = []
    for _ in range(n):
        try:
            conns.append(socket.create_connection(addr(a), timeout=5))
        except OSError:
            break
    for c in conns:
        try:
            c.sendall(("GET %s HTTP/1.1\r\nHost: x\r\n\r\n"
                       % path).encode())
        except OSError:
            pass
    replies = found = 0
    for c in conns:
        data = b""
        try:
            while b"\r\n\r\n" not in data:
                b = c.recv(65536)
                if not b:
                    break
                data += b
        except OSError:
            pass
        if data.startswith(b"HTTP/1."):
            replies += 1
            if data[9:12] == b"302":
                found += 1
        c.close()
    print(replies, found)


def main():
    cmd = sys.argv[1]
    if cmd == "flood":
        flood(sys.argv[2], float(sys.argv[3]),
              int(sys.argv[4]) if len(sys.argv) > 4 else 2)
    elif cmd == "halfclose":
        halfclose(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "pipeclose":
        pipeclose(sys.argv[2], sys.argv[3:])
    elif cmd == "raw":
        raw(sys.argv[2], sys.argv[3])
    elif cmd == "hold":
        hold(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    elif cmd == "burst":
        burst(sys.argv[2], int(sys.argv[3]), sys.argv[4])
    elif cmd == "unread":
        unread(sys.argv[2], int(sys.argv[3]), sys.argv[4],
               float(sys.argv[5]))
    else:
        sys.exit("usage: see the top of this file")


if __name__ == "__main__":
    main()
