#!/usr/bin/env python3
"""xml_attack_node.py: a hostile WBEM node for xml_attacks.sh.

  xml_attack_node.py DIR [CERT KEY]

Answers every CIM-XML POST with HTTP 200, the CIMOperation: MethodResponse
header and the attack named in DIR/kind (read at each request), and
listens on a second port for the fetches an attack tries to provoke (an
external entity, an external DTD): each hit is appended to DIR/fetched.
Each request served appends its kind to DIR/served.  With CERT and KEY
the node speaks HTTPS.  Writes "node PORT" and "watch PORT" to DIR/ports
once listening.

  xml_attack_node.py --measure DIR CMD...

Runs CMD, prints "EXIT WALL_MS MAXRSS_KB" (the child's peak resident set
from getrusage), its stdout to DIR/out and its stderr to DIR/err.
"""
import http.server
import os
import resource
import ssl
import subprocess
import sys
import threading
import time

OK_TAIL = ('<IMETHODRESPONSE NAME="EnumerateInstances"><IRETURNVALUE/>'
           '</IMETHODRESPONSE></SIMPLERSP></MESSAGE></CIM>')
HEAD = ('<?xml version="1.0" encoding="utf-8"?>\n')
CIM = ('<CIM CIMVERSION="2.0" DTDVERSION="2.0">'
       '<MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLERSP>')


def attack(kind, watch):
    w = 'http://127.0.0.1:%d' % watch
    if kind == 'laughs':
        ents = '<!ENTITY lol "lol">'
        for i in range(1, 10):
            prev = '&lol%s;' % ('' if i == 1 else str(i - 1))
            ents += '<!ENTITY lol%d "%s">' % (i, prev * 10)
        return (HEAD + '<!DOCTYPE CIM [' + ents + ']>' + CIM +
                '<IMETHODRESPONSE NAME="EnumerateInstances"><IRETURNVALUE>'
                '<VALUE>&lol9;</VALUE></IRETURNVALUE></IMETHODRESPONSE>'
                '</SIMPLERSP></MESSAGE></CIM>')
    if kind == 'xxe-file':
        return (HEAD + '<!DOCTYPE CIM [<!ENTITY x SYSTEM '
                '"file:///etc/passwd">]>' + CIM +
                '<IMETHODRESPONSE NAME="EnumerateInstances"><IRETURNVALUE>'
                '<VALUE>&x;</VALUE></IRETURNVALUE></IMETHODRESPONSE>'
                '</SIMPLERSP></MESSAGE></CIM>')
    if kind == 'xxe-net':
        return (HEAD + '<!DOCTYPE CIM [<!ENTITY x SYSTEM "' + w +
                '/entity">]>' + CIM +
                '<IMETHODRESPONSE NAME="EnumerateInstances"><IRETURNVALUE>'
                '<VALUE>&x;</VALUE></IRETURNVALUE></IMETHODRESPONSE>'
                '</SIMPLERSP></MESSAGE></CIM>')
    if kind == 'xxe-param':
        return (HEAD + '<!DOCTYPE CIM [<!ENTITY % p SYSTEM "' + w +
                '/param"> %p;]>' + CIM + OK_TAIL)
    if kind == 'dtd-net':
        # no entity at all: only an external DTD that must not be loaded
        return (HEAD + '<!DOCTYPE CIM SYSTEM "' + w + '/dtd">' + CIM +
                OK_TAIL)
    if kind == 'deep':
        n = 100000
        return (HEAD + CIM + '<IMETHODRESPONSE NAME="EnumerateInstances">'
                '<IRETURNVALUE>' + '<VALUE.ARRAY>' * n +
                '</VALUE.ARRAY>' * n + '</IRETURNVALUE></IMETHODRESPONSE>'
                '</SIMPLERSP></MESSAGE></CIM>')
    if kind == 'bigattr':
        return (HEAD + '<CIM CIMVERSION="2.0" DTDVERSION="2.0">'
                '<MESSAGE ID="' + 'A' * (10 * 1024 * 1024) +
                '" PROTOCOLVERSION="1.0"><SIMPLERSP>' + OK_TAIL)
    if kind == 'ok':
        return HEAD + CIM + OK_TAIL
    raise ValueError(kind)


class Node(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def log_message(self, *args):
        pass

    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        self.rfile.read(n)
        with open(os.path.join(self.server.dir, 'kind')) as f:
            kind = f.read().strip()
        with open(os.path.join(self.server.dir, 'served'), 'a') as f:
            f.write(kind + '\n')
        body = attack(kind, self.server.watch).encode()
        self.send_response(200)
        # Each protocol's own reply type: the client refuses a 200 of
        # another type before parsing, and the attack must reach the parser.
        if self.path.startswith('/wsman'):
            self.send_header('Content-Type',
                             'application/soap+xml;charset=UTF-8')
        else:
            self.send_header('Content-Type', 'application/xml; charset="utf-8"')
            self.send_header('CIMOperation', 'MethodResponse')
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        try:
            self.wfile.write(body)
        except (BrokenPipeError, ConnectionResetError):
            pass


class Watch(http.server.BaseHTTPRequestHandler):
    def log_message(self, *args):
        pass

    def do_GET(self):
        with open(os.path.join(self.server.dir, 'fetched'), 'a') as f:
            f.write(self.path + '\n')
        body = b'<!ENTITY y "fetched">'
        self.send_response(200)
        self.send_header('Content-Length', str(len(body)))
        self.end_headers()
        self.wfile.write(body)


def serve(d, tls):
    watch = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Watch)
    watch.dir = d
    node = http.server.ThreadingHTTPServer(('127.0.0.1', 0), Node)
    node.dir = d
    node.watch = watch.server_address[1]
    if tls:
        ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
        ctx.load_cert_chain(tls[0], tls[1])
        node.socket = ctx.wrap_socket(node.socket, server_side=True)
    threading.Thread(target=watch.serve_forever, daemon=True).start()
    tmp = os.path.join(d, 'ports.tmp')
    with open(tmp, 'w') as f:
        f.write('node %d\nwatch %d\n' % (node.server_address[1],
                                         watch.server_address[1]))
    os.rename(tmp, os.path.join(d, 'ports'))
    node.serve_forever()


def measure(d, cmd):
    t0 = time.monotonic()
    with open(os.path.join(d, 'out'), 'wb') as o, \
            open(os.path.join(d, 'err'), 'wb') as e:
        rc = subprocess.call(cmd, stdout=o, stderr=e)
    ms = int((time.monotonic() - t0) * 1000)
    rss = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
    print(rc, ms, rss)


if __name__ == '__main__':
    if sys.argv[1] == '--measure':
        measure(sys.argv[2], sys.argv[3:])
    else:
        serve(sys.argv[1], sys.argv[2:4])
