#!/usr/bin/env python3
"""createinstances.py: loads one cimmockd scenario node's data into a
running CIMOM with CIM-XML CreateInstance requests, one per instance, as
the OpenPegasus captures were loaded (tests/fixtures/openpegasus/create-*):
only the properties the scenario gives are sent, so the server stores
exactly those (cimmofl, by contrast, adds every other class property as
NULL).  The instances are those of tests/pegasus/scenario2mof.py, then
the association instances cimmockd's model derives from them (each
Win32_Process and Win32_Service a part of the Win32_ComputerSystem:
Win32_SystemProcesses, Win32_SystemServices), so that both servers hold
the same associations.

usage: createinstances.py URL SCENARIO.json NODE SCHEMA.mof
           [--no-processes] [--user NAME --password-file FILE] [--cacert FILE]

URL is http[s]://host:port/cimom; the namespace is root/cimv2.  Exits 1
(after saying which) when any CreateInstance fails.
"""
import base64
import os
import ssl
import sys
import urllib.request
from xml.sax.saxutils import escape

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from scenario2mof import schema_types, scenario_instances, typed  # noqa: E402


def value_xml(typ, v):
    if typ == "boolean":
        v = "true" if (v is True or str(v).lower() == "true") else "false"
    return "<VALUE>%s</VALUE>" % escape(str(v))


def instance_xml(cls, props, types):
    out = ['<INSTANCE CLASSNAME="%s">' % cls]
    for name, typ, arr, value in typed(cls, props, types):
        if arr:
            inner = "" if value is None else "<VALUE.ARRAY>%s</VALUE.ARRAY>" % \
                "".join(value_xml(typ, x) for x in value)
            out.append('<PROPERTY.ARRAY NAME="%s" TYPE="%s">%s</PROPERTY.ARRAY>'
                       % (name, typ, inner))
        else:
            inner = "" if value is None else value_xml(typ, value)
            out.append('<PROPERTY NAME="%s" TYPE="%s">%s</PROPERTY>'
                       % (name, typ, inner))
    out.append("</INSTANCE>")
    return "\n".join(out)


# The key of each class an association of the mock's model joins.
ASSOC_KEYS = {"Win32_ComputerSystem": "Name", "Win32_Process": "Handle",
              "Win32_Service": "Name"}
# cimmockd's model: every process and service belongs to the node's
# computer system (mock/mnode.c, mnode_assoc), as on Windows.
ASSOCS = (("Win32_SystemProcesses", "Win32_Process"),
          ("Win32_SystemServices", "Win32_Service"))


def reference_xml(name, cls, key, value):
    return ('<PROPERTY.REFERENCE NAME="%s" REFERENCECLASS="%s"><VALUE.REFERENCE>'
            '<LOCALINSTANCEPATH><LOCALNAMESPACEPATH><NAMESPACE NAME="root"/>'
            '<NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH>'
            '<INSTANCENAME CLASSNAME="%s"><KEYBINDING NAME="%s">'
            '<KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING>'
            '</INSTANCENAME></LOCALINSTANCEPATH></VALUE.REFERENCE>'
            '</PROPERTY.REFERENCE>' % (name, cls, cls, key, escape(str(value))))


def associations(insts):
    """The association instances cimmockd's model derives from insts, as
    CreateInstance bodies (INSTANCE elements)."""
    out = []
    systems = [p for c, p in insts if c == "Win32_ComputerSystem"]
    for assoc, part in ASSOCS:
        for cs in systems:
            for c, p in insts:
                if c != part:
                    continue
                out.append('<INSTANCE CLASSNAME="%s">%s%s</INSTANCE>' % (
                    assoc,
                    reference_xml("GroupComponent", "Win32_ComputerSystem",
                                  "Name", cs["Name"]),
                    reference_xml("PartComponent", part, ASSOC_KEYS[part],
                                  p[ASSOC_KEYS[part]])))
    return out


def main():
    argv = sys.argv[1:]
    opts = {}
    pos = []
    i = 0
    while i < len(argv):
        a = argv[i]
        if a in ("--user", "--password-file", "--cacert"):
            opts[a] = argv[i + 1]
            i += 2
        else:
            pos.append(a)
            i += 1
    flags = [a for a in pos if a.startswith("--")]
    pos = [a for a in pos if not a.startswith("--")]
    if len(pos) != 4:
        sys.exit(__doc__)
    url, scen, node, schema = pos
    types = schema_types(schema)
    ctx = None
    if url.startswith("https:"):
        ctx = ssl.create_default_context(cafile=opts.get("--cacert"))
    headers = {
        "Content-Type": 'application/xml; charset="utf-8"',
        "CIMOperation": "MethodCall",
        "CIMMethod": "CreateInstance",
        "CIMObject": "root%2Fcimv2",
    }
    if "--user" in opts:
        pw = open(opts["--password-file"], encoding="utf-8").readline().rstrip("\r\n")
        tok = base64.b64encode(("%s:%s" % (opts["--user"], pw)).encode()).decode()
        headers["Authorization"] = "Basic " + tok
    failed = 0
    insts = scenario_instances(scen, node, "--no-processes" in flags)
    bodies = [instance_xml(c, p, types) for c, p in insts] + associations(insts)
    for n, inst in enumerate(bodies):
        body = ('<?xml version="1.0" encoding="utf-8" ?>\n'
                '<CIM CIMVERSION="2.0" DTDVERSION="2.0">\n'
                '<MESSAGE ID="%d" PROTOCOLVERSION="1.0">\n<SIMPLEREQ>\n'
                '<IMETHODCALL NAME="CreateInstance">\n'
                '<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/>'
                '<NAMESPACE NAME="cimv2"/></LOCALNAMESPACEPATH>\n'
                '<IPARAMVALUE NAME="NewInstance">%s</IPARAMVALUE>\n'
                '</IMETHODCALL>\n</SIMPLEREQ>\n</MESSAGE>\n</CIM>\n'
                % (2000 + n, inst))
        req = urllib.request.Request(url, data=body.encode("utf-8"),
                                     headers=headers, method="POST")
        try:
            with urllib.request.urlopen(req, timeout=30, context=ctx) as r:
                reply = r.read().decode("utf-8", "replace")
                status = r.status
        except Exception as e:  # noqa: BLE001
            reply, status = str(e), 0
        if status != 200 or "<ERROR" in reply or "IRETURNVALUE" not in reply:
            sys.stderr.write("createinstances: %s: %s %s\n"
                             % (inst[:200], status, reply[-400:]))
            failed += 1
    sys.exit(1 if failed else 0)


if __name__ == "__main__":
    main()
