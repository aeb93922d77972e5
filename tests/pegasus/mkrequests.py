#!/usr/bin/env python3
"""mkrequests.py: writes raw CIM-XML requests (HTTP head and body, as the
captures in tests/fixtures/openpegasus are stored) for DSP0200 operations
and parameters the captures do not cover: classes, qualifiers,
associations, GetProperty, the pull operations, IncludeQualifiers/
IncludeClassOrigin/PropertyList.  tests/e2e/pegasus_replay.sh sends them
to OpenPegasus and to cimmockd like the captures (livereplay.py).

usage: mkrequests.py DIR
"""
import os
import sys

NS = ('<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/>'
      '</LOCALNAMESPACEPATH>')
IN = ('<INSTANCENAME CLASSNAME="Win32_Process"><KEYBINDING NAME="Handle">'
      '<KEYVALUE VALUETYPE="string">2345</KEYVALUE></KEYBINDING></INSTANCENAME>')


def cls(n):
    return '<CLASSNAME NAME="%s"/>' % n


def ipv(name, inner):
    return '<IPARAMVALUE NAME="%s">%s</IPARAMVALUE>' % (name, inner)


def val(v):
    return "<VALUE>%s</VALUE>" % v


def props(*names):
    return "<VALUE.ARRAY>%s</VALUE.ARRAY>" % "".join(val(n) for n in names)


REQUESTS = {
    "x-gc-noqualifiers-origin": ("GetClass", [
        ipv("ClassName", cls("Win32_Process")), ipv("LocalOnly", val("FALSE")),
        ipv("IncludeQualifiers", val("FALSE")),
        ipv("IncludeClassOrigin", val("TRUE"))]),
    "x-gc-proplist": ("GetClass", [
        ipv("ClassName", cls("Win32_Process")),
        ipv("PropertyList", props("Caption"))]),
    "x-gc-unknown-class": ("GetClass", [ipv("ClassName", cls("NoSuchClass"))]),
    "x-ecn-win32": ("EnumerateClassNames", [
        ipv("ClassName", cls("Win32_Process")),
        ipv("DeepInheritance", val("TRUE"))]),
    "x-ec-computersystem": ("EnumerateClasses", [
        ipv("ClassName", cls("Win32_ComputerSystem")),
        ipv("DeepInheritance", val("TRUE"))]),
    "x-ei-qualifiers-origin": ("EnumerateInstances", [
        ipv("ClassName", cls("Win32_ComputerSystem")),
        ipv("IncludeQualifiers", val("TRUE")),
        ipv("IncludeClassOrigin", val("TRUE"))]),
    "x-ei-localonly": ("EnumerateInstances", [
        ipv("ClassName", cls("Win32_ComputerSystem")),
        ipv("DeepInheritance", val("FALSE")), ipv("LocalOnly", val("TRUE"))]),
    "x-gi-proplist": ("GetInstance", [
        ipv("InstanceName", IN),
        ipv("PropertyList", props("Caption", "ProcessId"))]),
    "x-getproperty": ("GetProperty", [
        ipv("InstanceName", IN), ipv("PropertyName", val("Caption"))]),
    "x-associators": ("Associators", [ipv("ObjectName", IN)]),
    "x-referencenames": ("ReferenceNames", [ipv("ObjectName", IN)]),
    "x-open-enum": ("OpenEnumerateInstances", [
        ipv("ClassName", cls("Win32_Process")),
        ipv("MaxObjectCount", val("2"))]),
    "x-open-enum-paths": ("OpenEnumerateInstancePaths", [
        ipv("ClassName", cls("Win32_Process")),
        ipv("MaxObjectCount", val("100"))]),
    "x-open-query": ("OpenQueryInstances", [
        ipv("FilterQueryLanguage", val("DMTF:CQL")),
        ipv("FilterQuery", val("SELECT * FROM Win32_Process")),
        ipv("ReturnQueryResultClass", val("FALSE")),
        ipv("MaxObjectCount", val("100"))]),
    "x-enum-qualifiers": ("EnumerateQualifiers", []),
    "x-get-qualifier": ("GetQualifier", [ipv("QualifierName", val("Key"))]),
    # each qualifier cimmockd declares, as OpenPegasus declares it
    "x-get-qualifier-abstract": ("GetQualifier", [ipv("QualifierName", val("Abstract"))]),
    "x-get-qualifier-association": ("GetQualifier", [
        ipv("QualifierName", val("Association"))]),
    "x-get-qualifier-description": ("GetQualifier", [
        ipv("QualifierName", val("Description"))]),
    "x-get-qualifier-embeddedinstance": ("GetQualifier", [
        ipv("QualifierName", val("EmbeddedInstance"))]),
    "x-get-qualifier-in": ("GetQualifier", [ipv("QualifierName", val("In"))]),
    "x-get-qualifier-out": ("GetQualifier", [ipv("QualifierName", val("Out"))]),
    "x-get-qualifier-static": ("GetQualifier", [ipv("QualifierName", val("Static"))]),
    "x-gi-qualifiers-origin": ("GetInstance", [
        ipv("InstanceName", IN), ipv("IncludeQualifiers", val("TRUE")),
        ipv("IncludeClassOrigin", val("TRUE"))]),
    "x-references": ("References", [ipv("ObjectName", IN)]),
    "x-associatornames-system": ("AssociatorNames", [
        ipv("ObjectName", '<INSTANCENAME CLASSNAME="Win32_ComputerSystem">'
            '<KEYBINDING NAME="Name"><KEYVALUE VALUETYPE="string">NODE01'
            '</KEYVALUE></KEYBINDING></INSTANCENAME>')]),
    "x-ei-association": ("EnumerateInstances", [
        ipv("ClassName", cls("Win32_SystemProcesses"))]),
}


def main():
    if len(sys.argv) != 2:
        sys.exit(__doc__)
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, (method, params) in sorted(REQUESTS.items()):
        body = ('<?xml version="1.0" encoding="utf-8" ?>\n'
                '<CIM CIMVERSION="2.0" DTDVERSION="2.0">\n'
                '<MESSAGE ID="5001" PROTOCOLVERSION="1.0">\n<SIMPLEREQ>\n'
                '<IMETHODCALL NAME="%s">\n%s\n%s\n</IMETHODCALL>\n'
                '</SIMPLEREQ>\n</MESSAGE>\n</CIM>\n'
                % (method, NS, "\n".join(params))).encode("utf-8")
        head = ('POST /cimom HTTP/1.1\r\nHost: 127.0.0.1:5988\r\n'
                'Content-Type: application/xml; charset="utf-8"\r\n'
                'CIMOperation: MethodCall\r\nCIMMethod: %s\r\n'
                'CIMObject: root%%2Fcimv2\r\nContent-Length: %d\r\n\r\n'
                % (method, len(body))).encode("ascii")
        with open(os.path.join(sys.argv[1], name + ".request"), "wb") as f:
            f.write(head + body)


if __name__ == "__main__":
    main()
