#!/usr/bin/env python3
"""wsman_raw.py: posts hand-written WS-Man SOAP to cimmockd's /wsman for the
mock_wsman test (stdlib only) and prints what came back, one fact a line:
status, the fault subcode, the WSManFault code, context, item count.

usage: wsman_raw.py PORT USER PASSWORD KIND [ARG]
KIND: enum-open (an Enumerate that leaves its context open; prints it),
      pull CONTEXT, release CONTEXT, action (an unknown action),
      resource (a resource URI outside WMI), badxml, auth-header
"""
import base64
import http.client
import re
import sys
import uuid

port, user, password, kind = int(sys.argv[1]), sys.argv[2], sys.argv[3], \
    sys.argv[4]
arg = sys.argv[5] if len(sys.argv) > 5 else ""
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
EN = "http://schemas.xmlsoap.org/ws/2004/09/enumeration"


def envelope(action, uri, body):
    return ('<s:Envelope xmlns:s="http://www.w3.org/2003/05/soap-envelope" '
            'xmlns:a="http://schemas.xmlsoap.org/ws/2004/08/addressing" '
            'xmlns:n="%s" '
            'xmlns:w="http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd">'
            '<s:Header><a:To>http://127.0.0.1/wsman</a:To>'
            '<w:ResourceURI>%s</w:ResourceURI><a:Action>%s</a:Action>'
            '<a:MessageID>uuid:%s</a:MessageID></s:Header>'
            '<s:Body>%s</s:Body></s:Envelope>'
            % (EN, uri, action, uuid.uuid4(), body))


if kind == "enum-open":
    msg = envelope(EN + "/Enumerate", WMI + "Win32_Process",
                   "<n:Enumerate/>")
elif kind in ("pull", "release"):
    msg = envelope(EN + ("/Pull" if kind == "pull" else "/Release"),
                   WMI + "Win32_Process",
                   "<n:%s><n:EnumerationContext>%s</n:EnumerationContext>"
                   "</n:%s>" % (kind.capitalize(), arg, kind.capitalize()))
elif kind == "action":
    msg = envelope("http://example.com/NoSuchAction", WMI + "Win32_Process",
                   "")
elif kind == "resource":
    msg = envelope(EN + "/Enumerate", "http://example.com/nosuch",
                   "<n:Enumerate/>")
elif kind == "badxml":
    msg = "<s:Envelope><unclosed>"
else:
    msg = envelope(EN + "/Enumerate", WMI + "Win32_Process", "<n:Enumerate/>")

c = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
hdrs = {"Content-Type": "application/soap+xml;charset=UTF-8"}
if user != "-":
    hdrs["Authorization"] = "Basic " + base64.b64encode(
        ("%s:%s" % (user, password)).encode()).decode()
c.request("POST", "/wsman", msg.encode(), hdrs)
r = c.getresponse()
data = r.read().decode("utf-8", "replace")
print("status=%d" % r.status)
for v in r.headers.get_all("WWW-Authenticate") or []:
    print("www-authenticate=%s" % v)
m = re.search(r"<s:Subcode><s:Value>([^<]*)</s:Value>", data)
print("subcode=%s" % (m.group(1) if m else ""))
m = re.search(r'WSManFault[^>]* Code="(\d+)"', data)
print("wsmancode=%s" % (m.group(1) if m else ""))
m = re.search(r"<n:EnumerationContext>([^<]*)<", data)
print("context=%s" % (m.group(1) if m else ""))
print("items=%d" % len(re.findall(r"<p:Win32_Process ", data)))
print("relates=%s" % ("RelatesTo" in data))
