#!/usr/bin/env python3
"""mock_ops.py PORT CONTROL BAREPORT: the CIM-XML operations cimmockd serves beyond the
instance reads (classes, associations, instance edits, properties,
qualifiers, pull operations), sent as raw requests; then an injected CIM
error's text (CONTROL: the node's control URL) and a node with "model":
false (BAREPORT); TAP output."""
import http.client
import sys
import time
import urllib.request
import xml.etree.ElementTree as ET

HEAD = ('<?xml version="1.0" encoding="utf-8" ?>\n<CIM CIMVERSION="2.0" '
        'DTDVERSION="2.0"><MESSAGE ID="7" PROTOCOLVERSION="1.0"><SIMPLEREQ>')
TAIL = '</SIMPLEREQ></MESSAGE></CIM>'
NS = ('<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE NAME="cimv2"/>'
      '</LOCALNAMESPACEPATH>')
PORT = int(sys.argv[1])
RAW = [b""]
n = 0
failed = 0


def ok(cond, msg):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, msg))
    sys.stdout.flush()


def call(method, params="", ns=NS):
    body = (HEAD + '<IMETHODCALL NAME="%s">' % method + ns + params +
            '</IMETHODCALL>' + TAIL)
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    c.request("POST", "/cimom", body.encode(), {
        "Content-Type": "application/xml; charset=utf-8",
        "CIMOperation": "MethodCall", "CIMMethod": method,
        "CIMObject": "root/nosuch" if "nosuch" in ns else "root/cimv2"})
    r = c.getresponse()
    data = r.read()
    c.close()
    RAW[0] = data
    root = ET.fromstring(data)
    rsp = root.find(".//IMETHODRESPONSE")
    assert rsp.get("NAME") == method
    return rsp


def err(rsp):
    e = rsp.find("ERROR")
    return None if e is None else int(e.get("CODE"))


def irv(rsp):
    v = rsp.find("IRETURNVALUE")
    return [] if v is None else list(v)


def out(rsp, name):
    for p in rsp.findall("PARAMVALUE"):
        if p.get("NAME") == name:
            return p.findtext("VALUE")
    return "<absent>"


def b(name, val):
    return ('<IPARAMVALUE NAME="%s"><VALUE>%s</VALUE></IPARAMVALUE>'
            % (name, "TRUE" if val else "FALSE"))


def v(name, val):
    return '<IPARAMVALUE NAME="%s"><VALUE>%s</VALUE></IPARAMVALUE>' % (
        name, val)


def cn(name, cls, param="ClassName"):
    return '<IPARAMVALUE NAME="%s"><CLASSNAME NAME="%s"/></IPARAMVALUE>' % (
        param, cls)


def iname(cls, key, val, param="InstanceName"):
    return ('<IPARAMVALUE NAME="%s"><INSTANCENAME CLASSNAME="%s">'
            '<KEYBINDING NAME="%s"><KEYVALUE VALUETYPE="string">%s'
            '</KEYVALUE></KEYBINDING></INSTANCENAME></IPARAMVALUE>'
            % (param, cls, key, val))


def plist(*names):
    return ('<IPARAMVALUE NAME="PropertyList"><VALUE.ARRAY>' +
            "".join("<VALUE>%s</VALUE>" % x for x in names) +
            '</VALUE.ARRAY></IPARAMVALUE>')


def names_of(els):
    return sorted(e.get("NAME") for e in els)


CS = iname("Win32_ComputerSystem", "Name", "NODE01", "ObjectName")

# ---- classes
top = names_of(irv(call("EnumerateClassNames")))
ok("Win32_Process" in top and "CIM_SystemComponent" in top and
   "Win32_SystemProcesses" not in top,
   "EnumerateClassNames: top-level classes only by default")
deep = names_of(irv(call("EnumerateClassNames", b("DeepInheritance", 1))))
ok("Win32_SystemProcesses" in deep and len(deep) == len(top) + 2,
   "EnumerateClassNames DeepInheritance: subclasses too")
sub = names_of(irv(call("EnumerateClassNames",
                        cn("ClassName", "CIM_SystemComponent"))))
ok(sub == ["Win32_SystemProcesses", "Win32_SystemServices"],
   "EnumerateClassNames ClassName: its subclasses")
ok(err(call("EnumerateClassNames", cn("ClassName", "NoSuchClass"))) == 5,
   "EnumerateClassNames unknown ClassName: CIM_ERR_INVALID_CLASS")
cls = irv(call("EnumerateClasses", cn("ClassName", "CIM_SystemComponent")))
ok(names_of(cls) == sub and all(c.tag == "CLASS" for c in cls),
   "EnumerateClasses: CLASS elements")
sp = [c for c in cls if c.get("NAME") == "Win32_SystemProcesses"][0]
ok(names_of(sp.findall("PROPERTY.REFERENCE")) == ["PartComponent"],
   "EnumerateClasses LocalOnly by default: no inherited property")
cls = irv(call("EnumerateClasses", cn("ClassName", "CIM_SystemComponent") +
               b("LocalOnly", 0)))
sp = [c for c in cls if c.get("NAME") == "Win32_SystemProcesses"][0]
gc = [p for p in sp.findall("PROPERTY.REFERENCE")
      if p.get("NAME") == "GroupComponent"]
ok(len(gc) == 1 and gc[0].get("PROPAGATED") == "true",
   "EnumerateClasses LocalOnly=FALSE: inherited property, PROPAGATED")
c = irv(call("GetClass", cn("ClassName", "Win32_SystemProcesses") +
             b("LocalOnly", 0) + b("IncludeClassOrigin", 1)))[0]
orig = {p.get("NAME"): p.get("CLASSORIGIN")
        for p in c.findall("PROPERTY.REFERENCE")}
ok(orig == {"GroupComponent": "CIM_SystemComponent",
            "PartComponent": "Win32_SystemProcesses"},
   "GetClass IncludeClassOrigin: CLASSORIGIN per property")
c = irv(call("GetClass", cn("ClassName", "Win32_Process")))[0]
ok(c.find("QUALIFIER") is not None and c.find(".//CLASSORIGIN") is None and
   all(p.get("CLASSORIGIN") is None for p in c.iter("PROPERTY")),
   "GetClass: qualifiers by default, no class origin")
c = irv(call("GetClass", cn("ClassName", "Win32_Process") +
             b("IncludeQualifiers", 0)))[0]
ok(not list(c.iter("QUALIFIER")),
   "GetClass IncludeQualifiers=FALSE: no QUALIFIER anywhere")
c = irv(call("GetClass", cn("ClassName", "Win32_Process") +
             plist("Name", "ProcessId")))[0]
ok(names_of(c.findall("PROPERTY")) == ["Name", "ProcessId"] and
   c.find("METHOD") is not None,
   "GetClass PropertyList: only those properties (methods stay)")
ok(err(call("GetClass", cn("ClassName", "NoSuchClass"))) == 6,
   "GetClass unknown class: CIM_ERR_NOT_FOUND")
ok(err(call("GetClass", cn("ClassName", "Win32_Process"),
            ns='<LOCALNAMESPACEPATH><NAMESPACE NAME="root"/><NAMESPACE '
            'NAME="nosuch"/></LOCALNAMESPACEPATH>')) == 3,
   "GetClass bad namespace: CIM_ERR_INVALID_NAMESPACE")

# ---- associations
procs = irv(call("EnumerateInstanceNames", cn("ClassName", "Win32_Process")))
an = irv(call("AssociatorNames", CS))
ok(len(an) == len(procs) > 0 and all(
    e.tag == "OBJECTPATH" and e.find("INSTANCEPATH/INSTANCENAME")
    .get("CLASSNAME") == "Win32_Process" for e in an),
   "AssociatorNames of the computer system: every process (OBJECTPATH)")
ok(irv(call("AssociatorNames", CS + cn("x", "Win32_Service",
                                        "ResultClass"))) == [],
   "AssociatorNames ResultClass=Win32_Service: none (process mode)")
ok(irv(call("AssociatorNames", CS + cn("x", "Win32_SystemServices",
                                        "AssocClass"))) == [],
   "AssociatorNames AssocClass filters")
ok(irv(call("AssociatorNames", CS + v("Role", "PartComponent"))) == [],
   "AssociatorNames Role: the system is the GroupComponent")
ok(len(irv(call("AssociatorNames", CS + v("Role", "GroupComponent") +
                v("ResultRole", "PartComponent")))) == len(procs),
   "AssociatorNames Role/ResultRole matching")
handle = procs[0].find("KEYBINDING/KEYVALUE").text
P = iname("Win32_Process", "Handle", handle, "ObjectName")
a = irv(call("Associators", P))
ok(len(a) == 1 and a[0].tag == "VALUE.OBJECTWITHPATH" and
   a[0].find("INSTANCE").get("CLASSNAME") == "Win32_ComputerSystem" and
   a[0].find("INSTANCEPATH/NAMESPACEPATH/HOST") is not None,
   "Associators of a process: its computer system, with path")
r = irv(call("References", P))
ok(len(r) == 1 and r[0].find("INSTANCE").get("CLASSNAME") ==
   "Win32_SystemProcesses" and
   r[0].find("INSTANCE/PROPERTY.REFERENCE/VALUE.REFERENCE") is not None,
   "References of a process: the Win32_SystemProcesses instance")
rn = irv(call("ReferenceNames", P))
ok(len(rn) == 1 and rn[0].find("INSTANCEPATH/INSTANCENAME")
   .get("CLASSNAME") == "Win32_SystemProcesses",
   "ReferenceNames of a process")
ok(irv(call("ReferenceNames", P + cn("x", "Win32_SystemServices",
                                      "ResultClass"))) == [],
   "ReferenceNames ResultClass filters association classes")
# class-level: ObjectName a CLASSNAME
CSC = cn("x", "Win32_ComputerSystem", "ObjectName")
x = irv(call("AssociatorNames", CSC))
ok(sorted(e.find("CLASSPATH/CLASSNAME").get("NAME") for e in x) ==
   ["Win32_Process", "Win32_Service"] and
   x[0].find("CLASSPATH/NAMESPACEPATH/HOST") is not None,
   "AssociatorNames of a class: the classes at the other end (CLASSPATH)")
x = irv(call("ReferenceNames", CSC + v("Role", "GroupComponent")))
ok(sorted(e.find("CLASSPATH/CLASSNAME").get("NAME") for e in x) ==
   ["CIM_SystemComponent", "Win32_SystemProcesses",
    "Win32_SystemServices"],
   "ReferenceNames of a class: the association classes")
x = irv(call("Associators", cn("x", "Win32_Process", "ObjectName")))
ok(len(x) == 1 and x[0].tag == "VALUE.OBJECTWITHPATH" and
   x[0].find("CLASS").get("NAME") == "Win32_ComputerSystem",
   "Associators of a class: CLASS with its CLASSPATH")
x = irv(call("References", cn("x", "Win32_Process", "ObjectName") +
             cn("x", "CIM_SystemComponent", "ResultClass")))
ok([e.find("CLASS").get("NAME") for e in x] == ["Win32_SystemProcesses"],
   "References of a class, ResultClass: subclasses included")
ok(err(call("AssociatorNames", cn("x", "NoSuchClass", "ObjectName"))) == 4,
   "AssociatorNames of an unknown class: CIM_ERR_INVALID_PARAMETER")
ok(err(call("Associators", iname("NoSuchClass", "Name", "x",
                                 "ObjectName"))) == 4,
   "Associators of an unknown class: CIM_ERR_INVALID_PARAMETER")
ok(err(call("Associators", P + cn("x", "NoSuchAssoc", "AssocClass"))) == 4,
   "Associators unknown AssocClass: CIM_ERR_INVALID_PARAMETER")
ok(err(call("Associators")) == 4,
   "Associators without ObjectName: CIM_ERR_INVALID_PARAMETER")

# ---- instance edits
FAN = ('<IPARAMVALUE NAME="NewInstance"><INSTANCE CLASSNAME="CIM_Fan">'
       '<PROPERTY NAME="DeviceID" TYPE="string"><VALUE>fan1</VALUE>'
       '</PROPERTY><PROPERTY NAME="DesiredSpeed" TYPE="uint64"><VALUE>1000'
       '</VALUE></PROPERTY></INSTANCE></IPARAMVALUE>')
FANP = iname("CIM_Fan", "DeviceID", "fan1")
rsp = call("CreateInstance", FAN)
x = irv(rsp)
ok(len(x) == 1 and x[0].tag == "INSTANCENAME" and
   x[0].find("KEYBINDING/KEYVALUE").text == "fan1",
   "CreateInstance: the new INSTANCENAME")
ok(len(irv(call("EnumerateInstances", cn("ClassName", "CIM_Fan")))) == 1,
   "... and EnumerateInstances lists it")
rsp = call("CreateInstance", FAN)
ok(err(rsp) == 11 and 'CIM_Fan.DeviceID="fan1"' in
   rsp.find("ERROR").get("DESCRIPTION"),
   "CreateInstance again: CIM_ERR_ALREADY_EXISTS naming the path")
ok(err(call("CreateInstance", FAN.replace("CIM_Fan", "NoSuchClass"))) == 5,
   "CreateInstance unknown class: CIM_ERR_INVALID_CLASS")
ok(err(call("CreateInstance",
            '<IPARAMVALUE NAME="NewInstance"><INSTANCE CLASSNAME="CIM_Fan">'
            '<PROPERTY NAME="DesiredSpeed" TYPE="uint64"><VALUE>1</VALUE>'
            '</PROPERTY></INSTANCE></IPARAMVALUE>')) == 4,
   "CreateInstance without its key: CIM_ERR_INVALID_PARAMETER")
ok(err(call("CreateInstance")) == 4,
   "CreateInstance without NewInstance: CIM_ERR_INVALID_PARAMETER")
ok(err(call("CreateInstance",
            '<IPARAMVALUE NAME="NewInstance"><INSTANCE CLASSNAME="Win32_Process">'
            '<PROPERTY NAME="Handle" TYPE="string"><VALUE>%s</VALUE>'
            '</PROPERTY></INSTANCE></IPARAMVALUE>' % handle)) == 11,
   "CreateInstance of a running process: CIM_ERR_ALREADY_EXISTS")
gp = lambda: irv(call("GetProperty", FANP + v("PropertyName",
                                              "DesiredSpeed")))
ok([e.text for e in gp()] == ["1000"], "GetProperty: a VALUE")
MOD = ('<IPARAMVALUE NAME="ModifiedInstance"><VALUE.NAMEDINSTANCE>'
       '<INSTANCENAME CLASSNAME="CIM_Fan"><KEYBINDING NAME="DeviceID">'
       '<KEYVALUE VALUETYPE="string">%s</KEYVALUE></KEYBINDING></INSTANCENAME>'
       '<INSTANCE CLASSNAME="CIM_Fan"><PROPERTY NAME="DesiredSpeed" '
       'TYPE="uint64"><VALUE>1200</VALUE></PROPERTY></INSTANCE>'
       '</VALUE.NAMEDINSTANCE></IPARAMVALUE>')
rsp = call("ModifyInstance", MOD % "fan1")
ok(err(rsp) is None and irv(rsp) == [] and [e.text for e in gp()] ==
   ["1200"], "ModifyInstance: empty reply, the value changed")
ok(err(call("ModifyInstance", MOD % "nosuch")) == 6,
   "ModifyInstance of no instance: CIM_ERR_NOT_FOUND")
rsp = call("ModifyInstance", MOD % "fan1" + plist("DeviceID"))
ok(err(rsp) is None and [e.text for e in gp()] == ["1200"],
   "ModifyInstance PropertyList: other properties untouched")
rsp = call("SetProperty", FANP + v("PropertyName", "DesiredSpeed") +
           v("NewValue", "900"))
ok(err(rsp) is None and [e.text for e in gp()] == ["900"],
   "SetProperty: the value changed")
ok(err(call("GetProperty", FANP + v("PropertyName", "NoSuch"))) == 12,
   "GetProperty unknown property: CIM_ERR_NO_SUCH_PROPERTY")
ok(err(call("SetProperty", FANP + v("PropertyName", "NoSuch") +
            v("NewValue", "1"))) == 12,
   "SetProperty unknown property: CIM_ERR_NO_SUCH_PROPERTY")
ok(err(call("GetProperty", iname("CIM_Fan", "DeviceID", "x") +
            v("PropertyName", "DesiredSpeed"))) == 6,
   "GetProperty of no instance: CIM_ERR_NOT_FOUND")
ok(err(call("ModifyInstance", MOD.replace("CIM_Fan", "Win32_Process")
            .replace("DeviceID", "Handle").replace("DesiredSpeed",
                                                   "Caption") % handle))
   == 7, "ModifyInstance of a model process: CIM_ERR_NOT_SUPPORTED")
rsp = call("DeleteInstance", FANP)
ok(err(rsp) is None and irv(rsp) == [], "DeleteInstance: empty reply")
ok(err(call("GetInstance", FANP)) == 6, "... and it is gone")
ok(err(call("DeleteInstance", FANP)) == 6,
   "DeleteInstance again: CIM_ERR_NOT_FOUND")
ok(err(call("DeleteInstance", iname("NoSuchClass", "Name", "x"))) == 5,
   "DeleteInstance unknown class: CIM_ERR_INVALID_CLASS")

# ---- qualifiers
q = irv(call("EnumerateQualifiers"))
ok({"Key", "Association", "Description"} <= set(names_of(q)) and
   all(e.tag == "QUALIFIER.DECLARATION" for e in q),
   "EnumerateQualifiers: QUALIFIER.DECLARATION elements")
q = irv(call("GetQualifier", v("QualifierName", "Key")))
ok(len(q) == 1 and q[0].get("TYPE") == "boolean" and
   q[0].get("OVERRIDABLE") == "false" and
   q[0].find("SCOPE").get("PROPERTY") == "true" and
   q[0].findtext("VALUE") == "FALSE",
   "GetQualifier Key: boolean, DisableOverride, its scope and default")
ok(err(call("GetQualifier", v("QualifierName", "NoSuch"))) == 6,
   "GetQualifier unknown: CIM_ERR_NOT_FOUND")

# ---- pull operations
ei = irv(call("EnumerateInstances", cn("ClassName", "Win32_Process")))
rsp = call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
           v("MaxObjectCount", "1"))
got = irv(rsp)
ctx = out(rsp, "EnumerationContext")
ok(len(got) == 1 and got[0].tag == "VALUE.INSTANCEWITHPATH" and
   out(rsp, "EndOfSequence") == "FALSE" and ctx not in (None, "<absent>"),
   "OpenEnumerateInstances MaxObjectCount=1: one item, a context")
pages = 1
while True:
    rsp = call("PullInstancesWithPath", v("EnumerationContext", ctx) +
               v("MaxObjectCount", "1"))
    if err(rsp) is not None:
        break
    got += irv(rsp)
    pages += 1
    if out(rsp, "EndOfSequence") == "TRUE":
        break
ok(len(got) == len(ei) and pages == len(ei),
   "PullInstancesWithPath pages through every instance, one a page")
ok(out(rsp, "EnumerationContext") in ("", None) and
   b'<PARAMVALUE NAME="EnumerationContext">\n<VALUE></VALUE>' in RAW[0],
   "... the last page has EndOfSequence and an empty context")
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx) +
            v("MaxObjectCount", "1"))) == 21,
   "Pull after the end: CIM_ERR_INVALID_ENUMERATION_CONTEXT")
rsp = call("OpenEnumerateInstancePaths", cn("ClassName", "Win32_Process") +
           v("MaxObjectCount", "1000"))
ok(len(irv(rsp)) == len(ei) and irv(rsp)[0].tag == "INSTANCEPATH" and
   out(rsp, "EndOfSequence") == "TRUE",
   "OpenEnumerateInstancePaths: every INSTANCEPATH, EndOfSequence")
rsp = call("OpenEnumerateInstancePaths", cn("ClassName", "Win32_Process"))
ctx = out(rsp, "EnumerationContext")
ok(irv(rsp) == [] and out(rsp, "EndOfSequence") == "FALSE",
   "Open with no MaxObjectCount: no items yet")
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx) +
            v("MaxObjectCount", "1"))) == 1 and
   b"Pull and Open Types do not match." in RAW[0],
   "PullInstancesWithPath on a paths context: 1, as OpenPegasus")
rsp = call("PullInstancePaths", v("EnumerationContext", ctx) +
           v("MaxObjectCount", "1000"))
ok(len(irv(rsp)) == len(ei) and out(rsp, "EndOfSequence") == "TRUE",
   "PullInstancePaths: the rest")
ok(err(call("PullInstancePaths", v("EnumerationContext", ctx))) == 21,
   "... the context is gone after the end")
rsp = call("OpenEnumerateInstances", cn("ClassName", "Win32_Process"))
ctx = out(rsp, "EnumerationContext")
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx))) == 4,
   "Pull without MaxObjectCount: CIM_ERR_INVALID_PARAMETER")
ok(err(call("EnumerationCount", v("EnumerationContext", ctx))) == 7,
   "EnumerationCount: CIM_ERR_NOT_SUPPORTED")
rsp = call("CloseEnumeration", v("EnumerationContext", ctx))
ok(err(rsp) is None and irv(rsp) == [], "CloseEnumeration: empty reply")
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx) +
            v("MaxObjectCount", "1"))) == 21,
   "Pull after CloseEnumeration: CIM_ERR_INVALID_ENUMERATION_CONTEXT")
ok(err(call("CloseEnumeration", v("EnumerationContext", "424242"))) == 21
   and b"CIM_ERR_INVALID_ENUMERATION_CONTEXT: Context undefined" in RAW[0],
   "CloseEnumeration of an unknown context: 21, Context undefined")
ok(err(call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
            v("OperationTimeout", "0"))) == 22,
   "OperationTimeout 0: CIM_ERR_INVALID_OPERATION_TIMEOUT")
ok(err(call("OpenEnumerateInstances", cn("ClassName", "NoSuchClass"))) == 5,
   "OpenEnumerateInstances unknown class: CIM_ERR_INVALID_CLASS")
ok(err(call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
            v("OperationTimeout", "100000"))) == 22,
   "OperationTimeout beyond the limit: CIM_ERR_INVALID_OPERATION_TIMEOUT")
ok(err(call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
            "<IPARAMVALUE NAME=\"ContinueOnError\"><VALUE> true </VALUE>"
            "</IPARAMVALUE>")) == 7 and b"ContinueOnError = true argument "
   b"not supported." in RAW[0],
   "ContinueOnError true: CIM_ERR_NOT_SUPPORTED, as OpenPegasus words it")
rsp = call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
           "<IPARAMVALUE NAME=\"MaxObjectCount\"><VALUE> 2 </VALUE>"
           "</IPARAMVALUE><IPARAMVALUE NAME=\"OperationTimeout\"><VALUE>"
           "</VALUE></IPARAMVALUE><IPARAMVALUE NAME=\"ContinueOnError\">"
           "<VALUE> false </VALUE></IPARAMVALUE>")
ok(err(rsp) is None and len(irv(rsp)) == 2 and
   b'<PARAMVALUE NAME="EndOfSequence">\n<VALUE>FALSE</VALUE>' in RAW[0],
   "Open: values with white space, an empty OperationTimeout (wetest 61002)")
call("CloseEnumeration", v("EnumerationContext",
                           out(rsp, "EnumerationContext")))
rsp = call("OpenEnumerateInstances", cn("ClassName", "CIM_Fan") +
           v("MaxObjectCount", "1"))
ok(rsp.find("IRETURNVALUE") is None and out(rsp, "EndOfSequence") == "TRUE",
   "Open of no instances: no IRETURNVALUE, EndOfSequence (wetest 61000)")
rsp = call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
           v("OperationTimeout", "1"))
ctx = out(rsp, "EnumerationContext")
time.sleep(1.3)
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx) +
            v("MaxObjectCount", "1"))) == 21,
   "a context idle past its OperationTimeout expires")
rsp = call("OpenEnumerateInstances", cn("ClassName", "Win32_Process") +
           v("OperationTimeout", "2") + v("MaxObjectCount", "0"))
ctx = out(rsp, "EnumerationContext")
time.sleep(1.2)
call("PullInstancesWithPath", v("EnumerationContext", ctx) +
     v("MaxObjectCount", "0"))
time.sleep(1.2)
ok(err(call("PullInstancesWithPath", v("EnumerationContext", ctx) +
            v("MaxObjectCount", "1"))) is None,
   "each pull restarts the OperationTimeout")
call("CloseEnumeration", v("EnumerationContext", ctx))
rsp = call("OpenQueryInstances",
           v("FilterQuery", "SELECT Handle FROM Win32_Process") +
           v("FilterQueryLanguage", "WQL") + v("MaxObjectCount", "1"))
first = irv(rsp)
ctx = out(rsp, "EnumerationContext")
rsp = call("PullInstances", v("EnumerationContext", ctx) +
           v("MaxObjectCount", "1000"))
allq = first + irv(rsp)
ok(len(allq) == len(ei) and all(e.tag == "INSTANCE" and
                                names_of(e) == ["Handle"] for e in allq),
   "OpenQueryInstances + PullInstances: INSTANCEs, the SELECT list")
ok(err(call("OpenQueryInstances",
            v("FilterQuery", "SELECT * FROM Win32_Process") +
            v("FilterQueryLanguage", "SQL"))) == 14,
   "OpenQueryInstances unknown language: 14")
rsp = call("OpenAssociatorInstances",
           iname("Win32_ComputerSystem", "Name", "NODE01") +
           v("MaxObjectCount", "1000"))
ok(len(irv(rsp)) == len(procs) and out(rsp, "EndOfSequence") == "TRUE",
   "OpenAssociatorInstances: every associated process")
rsp = call("OpenAssociatorInstancePaths",
           iname("Win32_ComputerSystem", "Name", "NODE01") +
           cn("x", "Win32_Service", "ResultClass") +
           v("MaxObjectCount", "1000"))
ok(irv(rsp) == [] and out(rsp, "EndOfSequence") == "TRUE",
   "OpenAssociatorInstancePaths ResultClass filters")
rsp = call("OpenAssociatorInstances",
           '<IPARAMVALUE NAME="InstanceName"><INSTANCENAME '
           'CLASSNAME="Win32_ComputerSystem"/></IPARAMVALUE>')
ok(err(rsp) == 4 and b"Full Model Path required." in RAW[0],
   "OpenAssociatorInstances of a path without keys: 4, as OpenPegasus")
rsp = call("OpenReferenceInstances",
           iname("Win32_Process", "Handle", handle) +
           v("MaxObjectCount", "1000"))
ok(len(irv(rsp)) == 1 and irv(rsp)[0].find("INSTANCE").get("CLASSNAME") ==
   "Win32_SystemProcesses", "OpenReferenceInstances")
rsp = call("OpenReferenceInstancePaths",
           iname("Win32_Process", "Handle", handle) +
           v("MaxObjectCount", "1000"))
ok(len(irv(rsp)) == 1 and irv(rsp)[0].tag == "INSTANCEPATH",
   "OpenReferenceInstancePaths")
codes = []
for i in range(70):
    rsp = call("OpenEnumerateInstancePaths",
               cn("ClassName", "Win32_Process"))
    codes.append(err(rsp))
ok(codes[:64].count(None) == 64 and codes[64:] == [27] * 6,
   "at most 64 open contexts a node: then CIM_ERR_SERVER_LIMITS_EXCEEDED")

# ---- an injected CIM error with OpenPegasus's text (cimprovider -d)
CTL = sys.argv[2]
urllib.request.urlopen(urllib.request.Request(
    CTL + "/fault", data=b'{"kind": "cimerror", "code": 7, "text": '
    b'"provider blocked."}', method="POST"), timeout=5).read()
rsp = call("EnumerateInstances", cn("ClassName", "Win32_Process"))
ok(err(rsp) == 7 and rsp.find("ERROR").get("DESCRIPTION") ==
   "CIM_ERR_NOT_SUPPORTED: provider blocked.",
   "fault cimerror with text: the description OpenPegasus gives")
urllib.request.urlopen(urllib.request.Request(
    CTL + "/clear", data=b"{}", method="POST"), timeout=5).read()
ok(err(call("EnumerateInstances", cn("ClassName", "Win32_Process"))) is None,
   "... cleared")

# ---- a bare node: no modelled instances, no method provider
PORT = int(sys.argv[3])
ok(irv(call("EnumerateInstanceNames", cn("ClassName", "Win32_Process"))) ==
   [], "model false: no processes until created")
ok(irv(call("AssociatorNames", CS)) == [],
   "model false: no associations either")
rsp = call("CreateInstance", FAN)
ok(err(rsp) is None and len(irv(call("EnumerateInstances",
                                     cn("ClassName", "CIM_Fan")))) == 1,
   "model false: CreateInstance fills it")
body = (HEAD + '<METHODCALL NAME="Create"><LOCALCLASSPATH>' + NS +
        '<CLASSNAME NAME="Win32_Process"/></LOCALCLASSPATH><PARAMVALUE '
        'NAME="CommandLine" PARAMTYPE="string"><VALUE>x.exe</VALUE>'
        '</PARAMVALUE></METHODCALL>' + TAIL)
c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
c.request("POST", "/cimom", body.encode(), {
    "Content-Type": "application/xml; charset=utf-8",
    "CIMOperation": "MethodCall", "CIMMethod": "Create",
    "CIMObject": "root/cimv2:Win32_Process"})
data = c.getresponse().read()
ok(b'<ERROR CODE="16" DESCRIPTION="CIM_ERR_METHOD_NOT_AVAILABLE: Create"/>'
   in data, "model false: no method provider, 16 as OpenPegasus")
print("1..%d" % n)
sys.exit(1 if failed else 0)
