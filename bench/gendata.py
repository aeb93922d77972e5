#!/usr/bin/env python3
"""gendata.py: inputs for the benchmarks (stdlib only).

  gendata.py scenario NPROC OUT.json [NODES]
      a cimmockd scenario whose node(s) list NPROC extra Win32_Process
      instances (the 10 MB EnumerateInstances reply of the codec figure)
  gendata.py fetch CIMOM_URL CLASS OUT
      the raw body of an EnumerateInstances reply, as a client receives it
  gendata.py wsman NPROC PER DIR
      a WS-Management Enumerate + Pull series as WinRM sends it for
      Win32_Process (PER items a message), DIR/0000.xml ... in order
"""
import json
import os
import sys
import urllib.request

MSGID = "uuid:00000000-0000-4000-8000-00000000b001"


def proc(i):
    pid = 10000 + 4 * i
    name = "worker%05d.exe" % i
    path = "C:\\Program Files\\Bench\\%s" % name
    return {"pid": pid, "name": name, "path": path,
            "command_line": '"%s" --instance %d --title "movie %d"'
            % (path, i, i % 500)}


def scenario(nproc, out, nodes=1):
    node = {"name": "BIG", "processes": [proc(i) for i in range(nproc)]}
    if nodes > 1:
        node["count"] = nodes
    with open(out, "w") as f:
        json.dump({"nodes": [node]}, f)


ENUM_REQ = """<?xml version="1.0" encoding="utf-8" ?>
<CIM CIMVERSION="2.0" DTDVERSION="2.0"><MESSAGE ID="1001" PROTOCOLVERSION="1.0">\
<SIMPLEREQ><IMETHODCALL NAME="EnumerateInstances"><LOCALNAMESPACEPATH>\
<NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH>\
<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="%s"/></IPARAMVALUE>\
<IPARAMVALUE NAME="DeepInheritance"><VALUE>TRUE</VALUE></IPARAMVALUE>\
<IPARAMVALUE NAME="LocalOnly"><VALUE>FALSE</VALUE></IPARAMVALUE>\
</IMETHODCALL></SIMPLEREQ></MESSAGE></CIM>"""


def fetch(url, cls, out):
    body = (ENUM_REQ % cls).encode()
    req = urllib.request.Request(url, data=body, headers={
        "Content-Type": 'application/xml; charset="utf-8"',
        "CIMOperation": "MethodCall",
        "CIMMethod": "EnumerateInstances",
        "CIMObject": "root%2Fcimv2",
        "CIMProtocolVersion": "1.0"})
    with urllib.request.urlopen(req, timeout=60) as r:
        data = r.read()
    with open(out, "wb") as f:
        f.write(data)
    print("%s: %d bytes" % (out, len(data)))


HEAD = ('<s:Envelope xml:lang="en-US" '
        'xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
        'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
        'xmlns:n="http://schemas.xmlsoap.org/ws/2004/09/enumeration" '
        'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd" '
        'xmlns:cim="http://schemas.dmtf.org/wbem/wscim/1/common" '
        'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance">'
        '<s:Header><a:Action>http://schemas.xmlsoap.org/ws/2004/09/'
        'enumeration/%s</a:Action><a:MessageID>uuid:9E1A0C55-%04X-4F00-8000-'
        '0000000000A1</a:MessageID><a:To>http://schemas.xmlsoap.org/ws/2004/'
        '08/addressing/role/anonymous</a:To><a:RelatesTo>' + MSGID +
        '</a:RelatesTo></s:Header><s:Body>')
P = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/Win32_Process"


def esc(s):
    return s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def wsman_item(i):
    p = proc(i)
    f = [("Caption", esc(p["name"])), ("CommandLine", esc(p["command_line"])),
         ("CreationDate", "<cim:Datetime>2026-11-23T19:23:57.5Z</cim:Datetime>"),
         ("CSName", "BENCH"), ("Description", esc(p["name"])),
         ("ExecutablePath", esc(p["path"])), ("Handle", str(p["pid"])),
         ("KernelModeTime", "156250"), ("Name", esc(p["name"])),
         ("OSName", "Microsoft Windows Server 2019 Datacenter"),
         ("ParentProcessId", "4"), ("Priority", "8"),
         ("ProcessId", str(p["pid"])), ("ThreadCount", "12"),
         ("UserModeTime", "312500"), ("VirtualSize", "2203487064064"),
         ("WorkingSetSize", "18446744073709551615")]
    return ('<p:Win32_Process xml:lang="en-US" xmlns:p="%s" '
            'xsi:type="p:Win32_Process_Type">' % P +
            "".join("<p:%s>%s</p:%s>" % (k, v, k) for k, v in f) +
            "</p:Win32_Process>\n")


def wsman(nproc, per, d):
    os.makedirs(d, exist_ok=True)
    total = 0
    k = 0
    i = 0
    while True:
        items = "".join(wsman_item(j) for j in range(i, min(i + per, nproc)))
        i = min(i + per, nproc)
        last = i >= nproc
        if k == 0:
            body = (HEAD % ("EnumerateResponse", k) +
                    "<n:EnumerateResponse><n:EnumerationContext>uuid:"
                    "6F4D2B8A-3C11-4E5F-9A0B-C1D2E3F4%04X</n:Enumeration"
                    "Context><w:Items>%s</w:Items>%s</n:EnumerateResponse>"
                    % (k, items, "<w:EndOfSequence/>" if last else ""))
        else:
            body = (HEAD % ("PullResponse", k) + "<n:PullResponse>" +
                    ("" if last else "<n:EnumerationContext>uuid:6F4D2B8A-"
                     "3C11-4E5F-9A0B-C1D2E3F4%04X</n:EnumerationContext>" % k)
                    + "<n:Items>%s</n:Items>%s</n:PullResponse>"
                    % (items, "<n:EndOfSequence/>" if last else ""))
        body += "</s:Body></s:Envelope>"
        with open(os.path.join(d, "%04d.xml" % k), "w") as f:
            f.write(body)
        total += len(body.encode())
        k += 1
        if last:
            break
    print("%s: %d messages, %d bytes" % (d, k, total))


def main(a):
    if len(a) >= 3 and a[0] == "scenario":
        scenario(int(a[1]), a[2], int(a[3]) if len(a) > 3 else 1)
    elif len(a) == 4 and a[0] == "fetch":
        fetch(a[1], a[2], a[3])
    elif len(a) == 4 and a[0] == "wsman":
        wsman(int(a[1]), int(a[2]), a[3])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
