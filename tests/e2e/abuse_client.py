#!/usr/bin/env python3
"""abuse_client.py: hostile viewers for daemon_abuse.sh, on raw sockets.

  raw HOST:PORT CASE          send one canned request; print
                              "CODE NREPLIES closed|open ALLOW LOCATION"
  slowloris HOST:PORT SECS    dribble a request head one byte at a time;
                              print the seconds until the daemon hung up
                              and the bytes it sent back
  idle HOST:PORT N SECS       open N connections, send nothing, hold them
                              until the daemon has closed them all or SECS
                              have passed; print how many the daemon closed
"""
import re
import selectors
import socket
import sys
import time


def connect(hp):
    host, port = hp.rsplit(':', 1)
    return socket.create_connection((host, int(port)), timeout=5)


CASES = {
    # oversized request head: one 20 kB header line
    'bighdr': b'GET /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nX-Junk: ' +
              b'a' * 20000 + b'\r\n\r\n',
    'manyhdr': b'GET /watch/a.mp4 HTTP/1.1\r\nHost: x\r\n' +
               b''.join(b'X-H%d: v\r\n' % i for i in range(3000)) + b'\r\n',
    'post': b'POST /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
            b'Content-Length: 0\r\n\r\n',
    'put': b'PUT /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n'
           b'Content-Length: 3\r\n\r\nabc',
    'delete': b'DELETE /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'options': b'OPTIONS /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'trace': b'TRACE /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'connect': b'CONNECT 127.0.0.1:22 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'garbage': b'X@!Y /watch/a.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'nonhttp': b'\x16\x03\x01\x00\xa5\x01\x00\x00\xa1\x03\x03' + b'\0' * 64 +
               b'\r\n\r\n',
    'trav': b'GET /watch/../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'travenc': b'GET /watch/%2e%2e%2f%2e%2e%2fetc%2fpasswd HTTP/1.1\r\n'
               b'Host: x\r\nConnection: close\r\n\r\n',
    'travmid': b'GET /watch/a/../../../etc/passwd HTTP/1.1\r\n'
               b'Host: x\r\nConnection: close\r\n\r\n',
    'travup': b'GET /../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'nul': b'GET /watch/a%00.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'backslash': b'GET /watch/..\\..\\etc\\passwd HTTP/1.1\r\n'
                 b'Host: x\r\nConnection: close\r\n\r\n',
    'backslashenc': b'GET /watch/..%5c..%5cetc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'badutf8': b'GET /watch/%ff%fe.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'rawutf8': b'GET /watch/\xc3\x28.mp4 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'overlong': b'GET /watch/%c0%ae%c0%ae/etc HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'longtitle': b'GET /watch/' + b'a' * 300 + b' HTTP/1.1\r\n'
                 b'Host: x\r\nConnection: close\r\n\r\n',
    'longuri': b'GET /watch/' + b'a' * 5000 + b' HTTP/1.1\r\n'
               b'Host: x\r\nConnection: close\r\n\r\n',
    'crlf': b'GET /watch/a%0d%0aSet-Cookie:x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n',
    'body': b'GET /watch/b.mp4 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n'
            b'Connection: close\r\n\r\nhello',
    'bigbody': b'GET /watch/b.mp4 HTTP/1.1\r\nHost: x\r\n'
               b'Content-Length: 100000\r\n\r\n' + b'x' * 100000,
    'good': b'GET /watch/good.mp4 HTTP/1.1\r\nHost: x\r\n'
            b'Connection: close\r\n\r\n',
    'pipehealth': b'GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n'
                  b'GET /healthz HTTP/1.1\r\nHost: x\r\n'
                  b'Connection: close\r\n\r\n',
    'pipeline': b'GET /watch/p1.mp4 HTTP/1.1\r\nHost: x\r\n\r\n'
                b'GET /healthz HTTP/1.1\r\nHost: x\r\n'
                b'Connection: close\r\n\r\n',
}


def read_all(s, wait):
    """Bytes until the peer closes (True) or wait seconds pass (False)."""
    s.settimeout(wait)
    out = b''
    deadline = time.monotonic() + wait
    while True:
        try:
            b = s.recv(65536)
        except socket.timeout:
            return out, False
        except (ConnectionResetError, BrokenPipeError):
            return out, True
        if not b:
            return out, True
        out += b
        if time.monotonic() > deadline:
            return out, False


def raw(hp, case):
    s = connect(hp)
    try:
        s.sendall(CASES[case])
    except (ConnectionResetError, BrokenPipeError):
        pass
    out, closed = read_all(s, 1.5)
    s.close()
    # Our bodies end in a newline, so each status line starts one.
    replies = re.findall(rb'(?:^|\n)HTTP/1\.[01] (\d{3}) ', out)
    code = replies[0].decode() if replies else '-'
    head = out.split(b'\r\n\r\n', 1)[0].decode('latin-1')
    allow = loc = '-'
    for line in head.split('\r\n')[1:]:
        k, _, v = line.partition(':')
        if k.lower() == 'allow':
            allow = v.strip().replace(' ', '')
        if k.lower() == 'location':
            loc = v.strip()
    print(code, len(replies), 'closed' if closed else 'open', allow, loc)


def slowloris(hp, secs):
    head = b'GET /watch/slow.mp4 HTTP/1.1\r\nHost: x\r\n' + \
        b''.join(b'X-Slow-%d: %d\r\n' % (i, i) for i in range(100))
    s = connect(hp)
    t0 = time.monotonic()
    got = b''
    s.setblocking(False)
    for i in range(len(head)):
        if time.monotonic() - t0 > secs:
            break
        try:
            s.send(head[i:i + 1])
        except (BrokenPipeError, ConnectionResetError, BlockingIOError):
            break
        time.sleep(0.25)    # the pacing that makes it a slowloris
        try:
            b = s.recv(4096)
            if not b:
                break
            got += b
        except BlockingIOError:
            continue
        except ConnectionResetError:
            break
    print('%.1f %d' % (time.monotonic() - t0, len(got)))


def idle(hp, n, secs):
    socks = []
    for _ in range(n):
        try:
            socks.append(connect(hp))
        except OSError:
            break
    opened = len(socks)
    print('opened', opened, flush=True)
    # Wait for the daemon to close them (EOF or a reset), at most secs.  A
    # connection that gets bytes first was answered, not closed.
    end = time.monotonic() + secs
    sel = selectors.DefaultSelector()
    for s in socks:
        s.setblocking(False)
        sel.register(s, selectors.EVENT_READ)
    watched = len(socks)
    closed = 0
    while watched > 0:
        left = end - time.monotonic()
        if left <= 0:
            break
        for key, _ in sel.select(min(left, 0.1)):
            s = key.fileobj
            try:
                if s.recv(1) == b'':
                    closed += 1
            except BlockingIOError:
                continue
            except ConnectionResetError:
                closed += 1
            sel.unregister(s)
            watched -= 1
    sel.close()
    for s in socks:
        s.close()
    print('closed', closed, 'of', opened, flush=True)


if __name__ == '__main__':
    cmd = sys.argv[1]
    if cmd == 'raw':
        raw(sys.argv[2], sys.argv[3])
    elif cmd == 'slowloris':
        slowloris(sys.argv[2], float(sys.argv[3]))
    elif cmd == 'idle':
        idle(sys.argv[2], int(sys.argv[3]), float(sys.argv[4]))
    else:
        sys.exit('usage: abuse_client.py raw|slowloris|idle ...')
