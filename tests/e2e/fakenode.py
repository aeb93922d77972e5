#!/usr/bin/env python3
"""fakenode.py: a small stand-in for one cluster node, for cimheadd's tests.

It answers the CIM-XML calls cimheadd makes (ExecQuery on the Win32 load
classes and Win32_Process, InvokeMethod Win32_Process.Create) with replies
shaped like OpenPegasus's, serves GET /vod/<title> as "a stream" (each one
adds load), and takes orders on GET /control/<cmd> so a test can kill the
streaming process, make Create fail, hang, or answer garbage.

usage: fakenode.py PORTFILE [--capacity N] [--process NAME]
The port it bound (127.0.0.1:0) is written to PORTFILE.
"""
import argparse
import re
import socketserver
import sys
import threading
import time
from http.server import BaseHTTPRequestHandler, HTTPServer

LOCK = threading.Lock()


class Node:
    def __init__(self, capacity, process):
        self.capacity = capacity      # streams at 100% network
        self.process = process
        self.running = True
        self.streams = 0
        self.mode = "ok"              # ok | hang | garbage | huge | cimerror
        self.create_rc = 0            # Create's ReturnValue
        self.create_starts = True     # does a successful Create bring it up
        self.creates = 0
        self.queries = 0
        self.t0 = time.monotonic()
        self.idle_ticks = 0
        self.bytes = 0
        self.last = self.t0
        self.start_delay = 0.0

    def util(self):
        """cpu, memory and network load from the streams served."""
        net = min(100.0, 100.0 * self.streams / self.capacity)
        cpu = min(100.0, 2.0 + 0.5 * net)
        return cpu, net

    def advance(self):
        now = time.monotonic()
        dt = now - self.last
        self.last = now
        cpu, net = self.util()
        self.idle_ticks += int(dt * 1e7 * (1 - cpu / 100.0))
        self.bytes += int(dt * self.bandwidth() / 8 * net / 100.0)

    def bandwidth(self):
        return self.capacity * 1000000    # 1 Mbit/s per stream

    def ticks(self):
        return int((time.monotonic() - self.t0) * 1e7) + 130000000000000000


NODE = None


def inst_xml(cls, props):
    keyname, keyval = props[0]
    out = ['<VALUE.OBJECTWITHPATH><INSTANCEPATH><NAMESPACEPATH><HOST>fake'
           '</HOST><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/>'
           '<NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH></NAMESPACEPATH>'
           '<INSTANCENAME CLASSNAME="%s"><KEYBINDING NAME="%s">'
           '<KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>'
           '</INSTANCENAME></INSTANCEPATH><INSTANCE CLASSNAME="%s">'
           % (cls, keyname, keyval, cls)]
    for name, val in props:
        typ = "string" if isinstance(val, str) else "uint64"
        out.append('<PROPERTY NAME="%s" TYPE="%s"><VALUE>%s</VALUE>'
                   '</PROPERTY>' % (name, typ, val))
    out.append('</INSTANCE></VALUE.OBJECTWITHPATH>')
    return "".join(out)


def wrap(body, name, intrinsic=True):
    tag = "IMETHODRESPONSE" if intrinsic else "METHODRESPONSE"
    return ('<?xml version="1.0" encoding="utf-8" ?>\n'
            '<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1" '
            'PROTOCOLVERSION="1.0"><SIMPLERSP><%s NAME="%s">%s</%s>'
            '</SIMPLERSP></MESSAGE></CIM>\n' % (tag, name, body, tag))


def exec_query(q):
    n = NODE
    m = re.search(r"FROM\s+(\w+)", q)
    cls = m.group(1) if m else ""
    cpu, net = n.util()
    insts = []
    if cls == "Win32_PerfRawData_PerfOS_Processor":
        n.advance()
        insts.append(inst_xml(cls, [("Name", "_Total"),
                                    ("PercentProcessorTime", n.idle_ticks),
                                    ("Timestamp_Sys100NS", n.ticks())]))
    elif cls == "Win32_PerfFormattedData_PerfOS_Processor":
        insts.append(inst_xml(cls, [("Name", "_Total"),
                                    ("PercentProcessorTime", int(cpu))]))
    elif cls == "Win32_PerfFormattedData_PerfOS_Memory":
        total = 8 << 30
        insts.append(inst_xml(cls, [("Name", ""), ("AvailableBytes",
                                    total - (1 << 30) - n.streams * (1 << 20))]))
    elif cls == "Win32_ComputerSystem":
        insts.append(inst_xml(cls, [("Name", "FAKE"),
                                    ("TotalPhysicalMemory", 8 << 30)]))
    elif cls == "Win32_PerfRawData_Tcpip_NetworkInterface":
        n.advance()
        insts.append(inst_xml(cls, [("Name", "Intel[R] Ethernet"),
                                    ("BytesTotalPersec", n.bytes),
                                    ("CurrentBandwidth", n.bandwidth()),
                                    ("Timestamp_PerfTime", n.ticks()),
                                    ("Frequency_PerfTime", 10000000)]))
        insts.append(inst_xml(cls, [("Name", "isatap.{1}"),
                                    ("BytesTotalPersec", 99999999999),
                                    ("CurrentBandwidth", 100000),
                                    ("Timestamp_PerfTime", n.ticks()),
                                    ("Frequency_PerfTime", 10000000)]))
    elif cls == "Win32_PerfFormattedData_Tcpip_NetworkInterface":
        insts.append(inst_xml(cls, [("Name", "Intel[R] Ethernet"),
                                    ("BytesTotalPersec",
                                     int(n.bandwidth() / 8 * net / 100)),
                                    ("CurrentBandwidth", n.bandwidth())]))
    elif cls == "Win32_Process":
        m = re.search(r'Caption\s*=\s*"([^"]*)"', q)
        if m and n.running and m.group(1) == n.process:
            insts.append(inst_xml(cls, [("Handle", "4711"),
                                        ("Caption", n.process)]))
    else:
        return wrap('<ERROR CODE="5" DESCRIPTION="CIM_ERR_INVALID_CLASS"/>',
                    "ExecQuery")
    if not insts:
        return wrap("", "ExecQuery")
    return wrap("<IRETURNVALUE>%s</IRETURNVALUE>" % "".join(insts),
                "ExecQuery")


def come_up(delay):
    time.sleep(delay)
    with LOCK:
        NODE.running = True


def invoke_create():
    n = NODE
    n.creates += 1
    rc = n.create_rc
    if rc == 0 and n.create_starts:
        if n.start_delay > 0:
            threading.Thread(target=come_up, args=(n.start_delay,),
                             daemon=True).start()
        else:
            n.running = True
    return wrap('<RETURNVALUE PARAMTYPE="uint32"><VALUE>%d</VALUE>'
                '</RETURNVALUE><PARAMVALUE NAME="ProcessId" '
                'PARAMTYPE="uint32"><VALUE>5000</VALUE></PARAMVALUE>' % rc,
                "Create", intrinsic=False)


class Handler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"

    def log_message(self, fmt, *args):
        pass

    def send(self, code, body, ctype="application/xml; charset=utf-8"):
        data = body.encode() if isinstance(body, str) else body
        self.send_response(code)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(data)))
        if ctype.startswith("application/xml"):
            self.send_header("CIMOperation", "MethodResponse")
        self.end_headers()
        self.wfile.write(data)

    def do_GET(self):
        n = NODE
        if self.path.startswith("/vod/"):
            with LOCK:
                n.streams += 1
            self.send(200, "stream\n", "text/plain")
            return
        m = re.match(r"/control/(\w+)(?:/(\w+))?$", self.path)
        if not m:
            self.send(404, "no\n", "text/plain")
            return
        cmd, arg = m.group(1), m.group(2)
        with LOCK:
            if cmd == "kill":
                n.running = False
            elif cmd == "start":
                n.running = True
            elif cmd == "mode":
                n.mode = arg
            elif cmd == "create_rc":
                n.create_rc = int(arg)
            elif cmd == "create_starts":
                n.create_starts = arg == "1"
            elif cmd == "start_delay":
                n.start_delay = float(arg) / 1000.0
            elif cmd == "streams":
                n.streams = int(arg)
            elif cmd == "state":
                pass
            else:
                self.send(404, "unknown command\n", "text/plain")
                return
            state = ("running=%d streams=%d creates=%d queries=%d mode=%s\n"
                     % (n.running, n.streams, n.creates, n.queries, n.mode))
        self.send(200, state, "text/plain")

    def do_POST(self):
        n = NODE
        length = int(self.headers.get("Content-Length", "0"))
        body = self.rfile.read(length).decode("utf-8", "replace")
        with LOCK:
            n.queries += 1
            mode = n.mode
        if mode == "hang":
            time.sleep(30)
            return
        if mode == "garbage":
            self.send(200, "<CIM><MESSAGE><<<not xml at all")
            return
        if mode == "huge":
            self.send(200, "<x>" + "A" * (4 << 20) + "</x>")
            return
        method = self.headers.get("CIMMethod", "")
        with LOCK:
            if method == "ExecQuery":
                m = re.search(r'<IPARAMVALUE NAME="Query"><VALUE>(.*?)'
                              r'</VALUE>', body, re.S)
                q = m.group(1) if m else ""
                q = (q.replace("&quot;", '"').replace("&lt;", "<")
                     .replace("&gt;", ">").replace("&apos;", "'")
                     .replace("&amp;", "&"))
                reply = exec_query(q)
            elif method == "Create":
                reply = invoke_create()
            else:
                reply = wrap('<ERROR CODE="7" DESCRIPTION="not supported"/>',
                             method or "X")
        self.send(200, reply)


class Server(socketserver.ThreadingMixIn, HTTPServer):
    daemon_threads = True
    allow_reuse_address = True


def main():
    global NODE
    ap = argparse.ArgumentParser()
    ap.add_argument("portfile")
    ap.add_argument("--capacity", type=int, default=100)
    ap.add_argument("--process", default="vodstream.exe")
    a = ap.parse_args()
    NODE = Node(a.capacity, a.process)
    srv = Server(("127.0.0.1", 0), Handler)
    with open(a.portfile + ".tmp", "w") as f:
        f.write("%d\n" % srv.server_address[1])
    import os
    os.rename(a.portfile + ".tmp", a.portfile)
    try:
        srv.serve_forever()
    except KeyboardInterrupt:
        pass
    return 0


if __name__ == "__main__":
    sys.exit(main())
