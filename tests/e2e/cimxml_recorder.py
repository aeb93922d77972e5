#!/usr/bin/env python3
"""cimxml_recorder.py DIR GETCLASS_REPLY: a CIM-XML endpoint on 127.0.0.1:0
that records every request (headers, blank line, body) as DIR/reqNNN.txt,
answers GetClass with the body of the recorded reply GETCLASS_REPLY, an
Open* pull operation with two instances, more to come and the context
"500001", a Pull* with the end of the sequence, CloseEnumeration with an
empty reply, and everything else with a bodiless 400 CIMError, as
OpenPegasus refuses.  The port is written to DIR/port once it listens."""
import http.server
import os
import sys

OUT = sys.argv[1]
with open(sys.argv[2], 'rb') as f:
    GETCLASS = f.read().split(b'\r\n\r\n', 1)[1]


INST = ('<VALUE.INSTANCEWITHPATH><INSTANCEPATH><NAMESPACEPATH>'
        '<HOST>h</HOST><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/>'
        '<NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH></NAMESPACEPATH>'
        '<INSTANCENAME CLASSNAME="C"><KEYBINDING NAME="K">'
        '<KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>'
        '</INSTANCENAME></INSTANCEPATH><INSTANCE CLASSNAME="C">'
        '<PROPERTY NAME="K" TYPE="string"><VALUE>%s</VALUE></PROPERTY>'
        '</INSTANCE></VALUE.INSTANCEWITHPATH>')


def pull_reply(method):
    """A reply of a pull operation, or None for other methods."""
    if method.startswith('Open'):
        items = INST % ('a', 'a') + INST % ('b', 'b')
        if 'Paths' in method:
            items = ''
        tail = ('<PARAMVALUE NAME="EndOfSequence"><VALUE>FALSE</VALUE>'
                '</PARAMVALUE><PARAMVALUE NAME="EnumerationContext">'
                '<VALUE>500001</VALUE></PARAMVALUE>')
    elif method.startswith('Pull'):
        items = ''
        tail = ('<PARAMVALUE NAME="EndOfSequence"><VALUE>TRUE</VALUE>'
                '</PARAMVALUE><PARAMVALUE NAME="EnumerationContext">'
                '<VALUE></VALUE></PARAMVALUE>')
    elif method == 'CloseEnumeration':
        items = tail = ''
    else:
        return None
    if items:
        items = '<IRETURNVALUE>%s</IRETURNVALUE>' % items
    return ('<?xml version="1.0" encoding="utf-8" ?>\n'
            '<CIM CIMVERSION="2.0" DTDVERSION="2.0">'
            '<MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLERSP>'
            '<IMETHODRESPONSE NAME="%s">%s%s</IMETHODRESPONSE>'
            '</SIMPLERSP></MESSAGE></CIM>\n' % (method, items, tail)).encode()


class Handler(http.server.BaseHTTPRequestHandler):
    protocol_version = 'HTTP/1.1'

    def do_POST(self):
        n = int(self.headers.get('Content-Length', '0'))
        body = self.rfile.read(n)
        seq = len([f for f in os.listdir(OUT) if f.startswith('req')])
        with open(os.path.join(OUT, 'req%03d.txt' % seq), 'wb') as f:
            for k, v in self.headers.items():
                f.write(('%s: %s\n' % (k, v)).encode())
            f.write(b'\n')
            f.write(body)
        method = self.headers.get('CIMMethod', '')
        reply = GETCLASS if method == 'GetClass' else pull_reply(method)
        if reply is not None:
            self.send_response(200)
            self.send_header('Content-Type', 'application/xml; charset=utf-8')
            self.send_header('Content-Length', str(len(reply)))
            self.send_header('CIMOperation', 'MethodResponse')
            self.end_headers()
            self.wfile.write(reply)
            return
        self.send_response(400)
        self.send_header('CIMError', 'request-not-valid')
        self.send_header('Content-Length', '0')
        self.end_headers()

    def log_message(self, *args):
        pass


srv = http.server.HTTPServer(('127.0.0.1', 0), Handler)
with open(os.path.join(OUT, 'port.tmp'), 'w') as f:
    f.write('%d\n' % srv.server_address[1])
os.rename(os.path.join(OUT, 'port.tmp'), os.path.join(OUT, 'port'))
srv.serve_forever()
