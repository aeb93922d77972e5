#!/usr/bin/env python3
"""Helpers for tests/e2e/dashboard.sh (Python 3 stdlib only).

  serve PAGE FIXTURE MODE PORTFILE [EVENTS]
                                     stand in for cimheadd's admin listener
  csp PAGE [--fix]                   check (or rewrite) the page's CSP hashes
  png FILE [RRGGBB ...]              print "W H COLOURS" and which colours occur

serve modes: ok (fixture every time), fail (HTTP 500 every time),
fail-after (fixture once, then 500), auth:TOKEN (401 unless the request
carries "Authorization: Bearer TOKEN").  GET /api/v1/events[?since=N]
answers the EVENTS fixture whatever N is (the page must drop what it has
already), or an empty list without one, and records the since values
asked in PORTFILE.since.  The server writes its port to
PORTFILE, the number of API requests so far to PORTFILE.hits, and exits on
its own after 60 s so a lost test cannot leak it.
"""

import base64
import hashlib
import http.server
import os
import re
import struct
import sys
import threading
import zlib


def serve(page, fixture, mode, portfile, events=None):
    with open(page, "rb") as f:
        html = f.read()
    with open(fixture, "rb") as f:
        body = f.read()
    evbody = b'{"version":1,"first":1,"last":0,"events":[]}'
    if events:
        with open(events, "rb") as f:
            evbody = f.read()
    hits = {"api": 0}

    class Handler(http.server.BaseHTTPRequestHandler):
        def log_message(self, fmt, *args):
            pass

        def reply(self, code, ctype, data):
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            self.send_header("Cache-Control", "no-store")
            self.end_headers()
            self.wfile.write(data)

        def do_GET(self):
            if self.path == "/" or self.path.startswith("/?"):
                return self.reply(200, "text/html; charset=utf-8", html)
            if self.path.startswith("/api/v1/events"):
                since = self.path.partition("since=")[2]
                with open(portfile + ".since", "a") as f:
                    f.write(since + "\n")
                if mode.startswith("auth:") and self.headers.get(
                        "Authorization") != "Bearer " + mode[5:]:
                    return self.reply(401, "application/json",
                                      b'{"error":"unauthorized"}')
                return self.reply(200, "application/json", evbody)
            if self.path != "/api/v1/nodes":
                return self.reply(404, "text/plain", b"not found\n")
            hits["api"] += 1
            with open(portfile + ".hits", "w") as f:
                f.write("%d\n" % hits["api"])
            if mode.startswith("auth:"):
                want = "Bearer " + mode[5:]
                if self.headers.get("Authorization") != want:
                    return self.reply(401, "application/json",
                                      b'{"error":"unauthorized"}')
            elif mode == "fail" or (mode == "fail-after" and hits["api"] > 1):
                return self.reply(500, "application/json",
                                  b'{"error":"internal"}')
            return self.reply(200, "application/json", body)

    srv = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    srv.daemon_threads = True
    threading.Timer(60, srv.shutdown).start()
    with open(portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    # Rename so the test never reads a half-written port.
    os.rename(portfile + ".tmp", portfile)
    srv.serve_forever()
    return 0


def csp(page, fix):
    with open(page, encoding="utf-8") as f:
        text = f.read()
    bad = 0
    for tag, key in (("script", "script-src"), ("style", "style-src")):
        m = re.search(r"^<%s>(.*?)</%s>" % (tag, tag), text, re.S | re.M)
        if not m:
            print("no inline <%s> in %s" % (tag, page))
            return 1
        digest = base64.b64encode(
            hashlib.sha256(m.group(1).encode("utf-8")).digest()).decode()
        want = "%s 'sha256-%s'" % (key, digest)
        got = re.search(r"%s 'sha256-[^']*'" % key, text)
        if not got:
            print("CSP has no %s hash" % key)
            return 1
        if got.group(0) != want:
            print("CSP %s: have %s, want %s" % (key, got.group(0), want))
            text = text.replace(got.group(0), want)
            bad += 1
    if bad and fix:
        with open(page, "w", encoding="utf-8") as f:
            f.write(text)
        print("rewrote the CSP hashes of", page)
        return 0
    return 1 if bad else 0


def png_pixels(path):
    """Decodes an 8-bit RGB/RGBA, non-interlaced PNG (what Chromium writes)."""
    with open(path, "rb") as f:
        data = f.read()
    if data[:8] != b"\x89PNG\r\n\x1a\n":
        raise ValueError("not a PNG")
    pos, idat, hdr = 8, [], None
    while pos < len(data):
        n, kind = struct.unpack(">I4s", data[pos:pos + 8])
        chunk = data[pos + 8:pos + 8 + n]
        pos += 12 + n
        if kind == b"IHDR":
            hdr = struct.unpack(">IIBBBBB", chunk)
        elif kind == b"IDAT":
            idat.append(chunk)
        elif kind == b"IEND":
            break
    w, h, depth, ctype, _, _, interlace = hdr
    if depth != 8 or ctype not in (2, 6) or interlace:
        raise ValueError("unsupported PNG: depth %d type %d" % (depth, ctype))
    bpp = 3 if ctype == 2 else 4
    raw = zlib.decompress(b"".join(idat))
    stride = w * bpp
    prev = bytearray(stride)
    rows = []
    for y in range(h):
        ft = raw[y * (stride + 1)]
        line = bytearray(raw[y * (stride + 1) + 1:(y + 1) * (stride + 1)])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b = prev[i]
            c = prev[i - bpp] if i >= bpp else 0
            if ft == 1:
                line[i] = (line[i] + a) & 255
            elif ft == 2:
                line[i] = (line[i] + b) & 255
            elif ft == 3:
                line[i] = (line[i] + ((a + b) >> 1)) & 255
            elif ft == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pr = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pr) & 255
        rows.append(bytes(line))
        prev = line
    return w, h, bpp, rows


def png(path, want):
    w, h, bpp, rows = png_pixels(path)
    colours = set()
    for line in rows:
        for i in range(0, len(line), bpp):
            colours.add(line[i:i + 3])
    print(w, h, len(colours))
    for hexc in want:
        rgb = bytes.fromhex(hexc)
        print(hexc, "present" if rgb in colours else "absent")
    return 0


def main(argv):
    if len(argv) >= 5 and argv[0] == "serve":
        return serve(*argv[1:6])
    if len(argv) >= 2 and argv[0] == "csp":
        return csp(argv[1], "--fix" in argv[2:])
    if len(argv) >= 2 and argv[0] == "png":
        return png(argv[1], argv[2:])
    print(__doc__, file=sys.stderr)
    return 2


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
