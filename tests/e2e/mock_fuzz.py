#!/usr/bin/env python3
"""mock_fuzz.py: sends mutated copies of the capture requests (and random
bytes) to cimmockd, then checks it still answers a good request.  Bounded:
N mutations, each with a short timeout.  usage: mock_fuzz.py DIR PORT N"""
import os
import random
import socket
import sys

d, port, n = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
rng = random.Random(4711)
reqs = [open(os.path.join(d, f), "rb").read() for f in sorted(os.listdir(d))
        if f.endswith(".request")]
for i in range(n):
    b = bytearray(rng.choice(reqs))
    for _ in range(rng.randint(1, 8)):
        op = rng.randint(0, 3)
        p = rng.randrange(len(b)) if b else 0
        if op == 0 and b:
            b[p] = rng.randrange(256)
        elif op == 1:
            del b[p:p + rng.randint(1, 40)]
        elif op == 2:
            b[p:p] = bytes(rng.randrange(256) for _ in range(rng.randint(1, 40)))
        else:
            b[p:p] = rng.choice([b"<", b">", b"\"", b"&#0;", b"\r\n\r\n",
                                 b"<!DOCTYPE x [<!ENTITY a 'b'>]>",
                                 b"Content-Length: 99999999999\r\n"])
    try:
        s = socket.create_connection(("127.0.0.1", port), timeout=2)
        s.settimeout(0.05)
        s.sendall(bytes(b))
        s.recv(65536)
    except OSError:
        pass
    finally:
        s.close()
good = [r for r in reqs if b"CIMMethod: EnumerateInstances" in r][0]
s = socket.create_connection(("127.0.0.1", port), timeout=5)
s.sendall(good)
ans = s.recv(100)
print("ok" if ans.startswith(b"HTTP/1.1 200 OK") else "dead")
