#!/usr/bin/env python3
"""mock_winrm.py: python3-winrm's Protocol.send_message against cimmockd's
/wsman (the mock_winrm test): an Enumerate with Pulls to the end of the
sequence, an Invoke of Win32_Process.Create, a fault and a bad password.
Prints TAP-friendly facts, one "name=value" a line.

usage: mock_winrm.py URL USER PASSWORD
"""
import sys
import uuid
import xml.etree.ElementTree as ET

import winrm.exceptions
import winrm.protocol

url, user, password = sys.argv[1:4]
WMI = "http://schemas.microsoft.com/wbem/wsman/1/wmi/root/cimv2/"
NS = {
    "s": "http://www.w3.org/2003/05/soap-envelope",
    "a": "http://schemas.xmlsoap.org/ws/2004/08/addressing",
    "n": "http://schemas.xmlsoap.org/ws/2004/09/enumeration",
    "w": "http://schemas.dmtf.org/wbem/wsman/1/wsman.xsd",
    "p": WMI + "Win32_Process",
}


def envelope(action, uri, body, msgid):
    return ('<s:Envelope xmlns:s="%(s)s" xmlns:a="%(a)s" xmlns:n="%(n)s" '
            'xmlns:w="%(w)s"><s:Header><a:To>' % NS + url + '</a:To>'
            '<w:ResourceURI s:mustUnderstand="true">' + uri +
            '</w:ResourceURI><a:ReplyTo><a:Address>http://schemas.xmlsoap'
            '.org/ws/2004/08/addressing/role/anonymous</a:Address>'
            '</a:ReplyTo><a:Action s:mustUnderstand="true">' + action +
            '</a:Action><a:MessageID>' + msgid + '</a:MessageID>'
            '<w:OperationTimeout>PT20S</w:OperationTimeout></s:Header>'
            '<s:Body>' + body + '</s:Body></s:Envelope>')


def send(p, action, uri, body):
    msgid = "uuid:%s" % uuid.uuid4()
    reply = p.send_message(envelope(action, uri, body, msgid))
    root = ET.fromstring(reply)
    rel = root.find("s:Header/a:RelatesTo", NS)
    if rel is None or rel.text != msgid:
        print("relates=wrong")
    return root


p = winrm.protocol.Protocol(endpoint=url, transport="basic",
                            username=user, password=password,
                            server_cert_validation="ignore")
root = send(p, NS["n"] + "/Enumerate", WMI + "Win32_Process",
            "<n:Enumerate><w:OptimizeEnumeration/><w:MaxElements>4"
            "</w:MaxElements></n:Enumerate>")
resp = root.find("s:Body/n:EnumerateResponse", NS)
names = [e.text for e in resp.findall("w:Items/p:Win32_Process/p:Name", NS)]
ctx = resp.find("n:EnumerationContext", NS).text
pulls = 0
while ctx:
    root = send(p, NS["n"] + "/Pull", WMI + "Win32_Process",
                "<n:Pull><n:EnumerationContext>%s</n:EnumerationContext>"
                "<n:MaxElements>4</n:MaxElements></n:Pull>" % ctx)
    pulls += 1
    resp = root.find("s:Body/n:PullResponse", NS)
    names += [e.text for e in
              resp.findall("n:Items/p:Win32_Process/p:Name", NS)]
    if resp.find("n:EndOfSequence", NS) is not None:
        ctx = None
    else:
        ctx = resp.find("n:EnumerationContext", NS).text
print("enum_items=%d" % len(names))
print("enum_pulls=%d" % pulls)
print("enum_has_stream=%s" % ("vodstream.exe" in names))

root = send(p, WMI + "Win32_Process/Create", WMI + "Win32_Process",
            '<p:Create_INPUT xmlns:p="%s"><p:CommandLine>vodstream.exe'
            '</p:CommandLine></p:Create_INPUT>' % NS["p"])
out = root.find("s:Body/p:Create_OUTPUT", NS)
print("create_rc=%s" % out.find("p:ReturnValue", NS).text)
print("create_pid=%s" % out.find("p:ProcessId", NS).text)

try:
    send(p, NS["n"] + "/Enumerate", WMI + "*",
         '<n:Enumerate><w:Filter Dialect="http://schemas.microsoft.com/'
         'wbem/wsman/1/WQL">SELECT * FROM NoSuch</w:Filter></n:Enumerate>')
    print("fault=none")
except winrm.exceptions.WinRMError as e:
    print("fault=%s" % ("n:CannotProcessFilter" in str(e) and
                         "2150858778" in str(e)))

bad = winrm.protocol.Protocol(endpoint=url, transport="basic",
                              username=user, password=password + "x",
                              server_cert_validation="ignore")
try:
    send(bad, NS["n"] + "/Enumerate", WMI + "Win32_Process",
         "<n:Enumerate/>")
    print("badpw=accepted")
except winrm.exceptions.InvalidCredentialsError:
    print("badpw=InvalidCredentialsError")
except Exception as e:
    print("badpw=%s" % type(e).__name__)
