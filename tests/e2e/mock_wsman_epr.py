#!/usr/bin/env python3
"""mock_wsman_epr.py PORT: WS-Man enumerations in EnumerationMode
EnumerateObjectAndEPR (as wsmancli's "enumerate -M objepr" sends them)
against cimmockd; TAP output."""
import http.client
import sys
import uuid
import xml.etree.ElementTree as ET

PORT = int(sys.argv[1])
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
EN = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"
W = "{http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd}"
A = "{http://schemas.xmlsoap.org/ws/2004/08/addressing}"
N = "{%s}" % EN
PNS = "{%sWin32_Process}" % WMI
P = PNS + "Win32_Process"
n = 0
failed = 0


def ok(cond, msg):
    global n, failed
    n += 1
    if not cond:
        failed += 1
    print(("ok" if cond else "not ok") + " %d - %s" % (n, msg))
    sys.stdout.flush()


def post(action, uri, body):
    msg = ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
           'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
           'xmlns:n="%s" '
           'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">'
           '<s:Header><a:To>http://127.0.0.1/wsman</a:To>'
           '<w:ResourceURI>%s</w:ResourceURI><a:Action>%s</a:Action>'
           '<a:MessageID>uuid:%s</a:MessageID></s:Header>'
           '<s:Body>%s</s:Body></s:Envelope>'
           % (EN, uri, action, uuid.uuid4(), body))
    c = http.client.HTTPConnection("127.0.0.1", PORT, timeout=10)
    c.request("POST", "/wsman", msg.encode(),
              {"Content-Type": "application/soap+xml;charset=UTF-8"})
    r = c.getresponse()
    data = r.read()
    c.close()
    return r.status, ET.fromstring(data)


def enum(mode, extra=""):
    return post(EN + "/Enumerate", WMI + "Win32_Process",
                "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>2"
                "</w:MaxElements><w:EnumerationMode>%s</w:EnumerationMode>"
                "%s</n:Enumerate>" % (mode, extra))


def pull_all(ctx):
    items = []
    while ctx:
        st, root = post(EN + "/Pull", WMI + "Win32_Process",
                        "<n:Pull><n:EnumerationContext>%s"
                        "</n:EnumerationContext><n:MaxElements>2"
                        "</n:MaxElements></n:Pull>" % ctx)
        rsp = root.find(".//" + N + "PullResponse")
        items += list(rsp.find(N + "Items"))
        ctx = None if rsp.find(N + "EndOfSequence") is not None else \
            rsp.findtext(N + "EnumerationContext")
    return items


def selectors(epr):
    return {s.get("Name"): s.text for s in
            epr.iter(W + "Selector")}


st, root = enum("EnumerateObjectAndEPR")
rsp = root.find(".//" + N + "EnumerateResponse")
first = list(rsp.find(W + "Items"))
ok(st == 200 and len(first) == 2 and all(i.tag == W + "Item"
                                         for i in first),
   "EnumerateObjectAndEPR: w:Item elements in w:Items")
items = first + pull_all(rsp.findtext(N + "EnumerationContext"))
ok(len(items) > 2 and all(i.tag == W + "Item" for i in items),
   "... and in the PullResponses' n:Items")
good = True
for it in items:
    kids = list(it)
    if len(kids) != 2 or kids[0].tag != P or \
            kids[1].tag != A + "EndpointReference":
        good = False
        break
    if selectors(kids[1]) != {"Handle": kids[0].findtext(PNS + "Handle")}:
        good = False
ok(good, "each item: the p:Win32_Process object, then its "
   "EndpointReference with the Handle selector")
ok(all(i.find(A + "EndpointReference/" + A + "ReferenceParameters/" + W +
              "ResourceURI").text == WMI + "Win32_Process" for i in items),
   "each EPR names the class's resource URI")
st, root = enum("EnumerateEPR")
rsp = root.find(".//" + N + "EnumerateResponse")
kids = list(rsp.find(W + "Items"))
ok(all(k.tag == A + "EndpointReference" for k in kids) and len(kids) == 2,
   "EnumerateEPR: bare EndpointReferences still")
pull_all(rsp.findtext(N + "EnumerationContext"))
st, root = post(
    EN + "/Enumerate", WMI + "Win32_Process",
    "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>100"
    "</w:MaxElements></n:Enumerate>")
kids = list(root.find(".//" + W + "Items"))
ok(kids and all(k.tag == P for k in kids),
   "no EnumerationMode: plain objects")
print("1..%d" % n)
sys.exit(1 if failed else 0)
