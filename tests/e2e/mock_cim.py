#!/usr/bin/env python3
"""mock_cim.py: a minimal CIM-XML client for the mock tests (stdlib only).

usage: mock_cim.py PORT ei CLASS | query WQL | invoke CLASS[.Key=Value] METHOD
                     [Name=Value ...] | raw FILE
Prints one line per instance: Name=Value;Name=Value (NULL as <null>), or for
invoke "rc=N out=Name=Value", or "error=N" for a CIM error; exits 0.
"""
import http.client
import re
import sys
import xml.etree.ElementTree as ET

HEAD = ('<?xml version="1.0" encoding="utf-8" ?>\n<CIM CIMVERSION="2.0" '
        'DTDVERSION="2.0"><MESSAGE ID="1" PROTOCOLVERSION="1.0"><SIMPLEREQ>')
TAIL = '</SIMPLEREQ></MESSAGE></CIM>'
NS = ('<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/>'
      '</LOCALNAMESPACEPATH>')


def esc(s):
    return (s.replace("&", "&amp;").replace("<", "&lt;")
            .replace('"', "&quot;"))


def post(port, method, obj, body, timeout=10):
    c = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    c.request("POST", "/cimom", body.encode(), {
        "Content-Type": "application/xml; charset=utf-8",
        "CIMOperation": "MethodCall", "CIMMethod": method,
        "CIMObject": obj})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, data


def show(data):
    root = ET.fromstring(data)
    err = root.find(".//ERROR")
    if err is not None:
        print("error=%s" % err.get("CODE"))
        return
    rv = root.find(".//RETURNVALUE")
    if rv is not None:
        outs = ["%s=%s" % (p.get("NAME"), p.findtext("VALUE"))
                for p in root.findall(".//PARAMVALUE")]
        print("rc=%s %s" % (rv.findtext("VALUE"), " ".join(outs)))
        return
    for inst in root.iter("INSTANCE"):
        props = []
        for p in inst:
            v = p.find("VALUE")
            props.append("%s=%s" % (p.get("NAME"),
                                    "<null>" if v is None else v.text or ""))
        print(";".join(props))


def main():
    port, op = int(sys.argv[1]), sys.argv[2]
    if op == "ei":
        body = (HEAD + '<IMETHODCALL NAME="EnumerateInstances">' + NS +
                '<IPARAMVALUE NAME="ClassName"><CLASSNAME NAME="%s"/>'
                '</IPARAMVALUE></IMETHODCALL>' % sys.argv[3] + TAIL)
        st, data = post(port, "EnumerateInstances", "root%2Fcimv2", body)
    elif op == "query":
        body = (HEAD + '<IMETHODCALL NAME="ExecQuery">' + NS +
                '<IPARAMVALUE NAME="QueryLanguage"><VALUE>WQL</VALUE>'
                '</IPARAMVALUE><IPARAMVALUE NAME="Query"><VALUE>%s</VALUE>'
                '</IPARAMVALUE></IMETHODCALL>' % esc(sys.argv[3]) + TAIL)
        st, data = post(port, "ExecQuery", "root%2Fcimv2", body)
    elif op == "invoke":
        target, method = sys.argv[3], sys.argv[4]
        m = re.match(r'(\w+)(?:\.(\w+)=(.*))?$', target)
        cls = m.group(1)
        if m.group(2):
            path = ('<LOCALINSTANCEPATH>' + NS + '<INSTANCENAME CLASSNAME="%s">'
                    '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string">%s'
                    '</KEYVALUE></KEYBINDING></INSTANCENAME>'
                    '</LOCALINSTANCEPATH>' % (cls, m.group(2),
                                              esc(m.group(3))))
            obj = "root%%2Fcimv2%%3A%s.%s%%3D%%22%s%%22" % (cls, m.group(2),
                                                          m.group(3))
        else:
            path = '<LOCALCLASSPATH>' + NS + '<CLASSNAME NAME="%s"/>' \
                '</LOCALCLASSPATH>' % cls
            obj = "root%%2Fcimv2%%3A%s" % cls
        params = ""
        for a in sys.argv[5:]:
            k, _, v = a.partition("=")
            params += ('<PARAMVALUE NAME="%s" PARAMTYPE="string"><VALUE>%s'
                       '</VALUE></PARAMVALUE>' % (k, esc(v)))
        body = (HEAD + '<METHODCALL NAME="%s">' % method + path + params +
                '</METHODCALL>' + TAIL)
        st, data = post(port, method, obj, body)
    else:
        sys.exit("unknown op")
    if st != 200:
        print("http=%d" % st)
        return
    show(data)


if __name__ == "__main__":
    main()
