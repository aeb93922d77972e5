#!/usr/bin/env python3
"""pywbem_shape.py REQFILE CIMMETHOD CIMOBJECT CANON: does the request that
cimxml_recorder.py saved in REQFILE have the shape pywbem gives the same
operation (see "Requests compared with pywbem's recordings" in
tests/PEGASUS.md)?  Prints "ok" or what differs, exits 0 or 1.

Checked: the CIMOperation, CIMMethod and CIMObject headers (CIMObject
percent-decoded: pywbem leaves '/' and ':' as they are, cimhead escapes
them; both are the same URI text), the envelope (CIM 2.0/2.0, MESSAGE
PROTOCOLVERSION 1.0, SIMPLEREQ), and the method call in a canonical form:

    TAG{ATTR=value,...}(CHILD CHILD ...)   or   TAG{...}"text"

attributes sorted by name, whitespace-only text dropped, the IPARAMVALUEs
sorted by NAME (DSP0200 gives their order no meaning; pywbem's own
recordings differ in it), PARAMVALUEs in the order sent.  Ignored, as
allowed differences: MESSAGE's ID and KEYVALUE's TYPE attribute."""
import sys
import urllib.parse
import xml.etree.ElementTree as ET


def canon(e):
    attrs = {k: v for k, v in e.attrib.items()
             if not (e.tag == 'KEYVALUE' and k == 'TYPE')}
    s = e.tag
    if attrs:
        s += '{' + ','.join('%s=%s' % kv for kv in sorted(attrs.items())) + '}'
    kids = list(e)
    if e.tag in ('IMETHODCALL',):
        head = [k for k in kids if k.tag != 'IPARAMVALUE']
        params = sorted((k for k in kids if k.tag == 'IPARAMVALUE'),
                        key=lambda k: k.get('NAME', ''))
        kids = head + params
    if kids:
        s += '(' + ' '.join(canon(k) for k in kids) + ')'
    elif e.text is not None and e.text.strip() != '':
        s += '"%s"' % e.text
    return s


def main():
    path, method, cimobject, want = sys.argv[1:5]
    with open(path, 'rb') as f:
        head, body = f.read().split(b'\n\n', 1)
    hdrs = {}
    for line in head.decode().splitlines():
        k, v = line.split(': ', 1)
        hdrs[k.lower()] = v
    bad = []
    if hdrs.get('cimoperation') != 'MethodCall':
        bad.append('CIMOperation %r' % hdrs.get('cimoperation'))
    if hdrs.get('cimmethod') != method:
        bad.append('CIMMethod %r, want %r' % (hdrs.get('cimmethod'), method))
    obj = urllib.parse.unquote(hdrs.get('cimobject', ''))
    if obj != cimobject:
        bad.append('CIMObject %r, want %r' % (obj, cimobject))
    root = ET.fromstring(body)
    msg = root.find('MESSAGE')
    if (root.tag != 'CIM' or root.get('CIMVERSION') != '2.0' or
            root.get('DTDVERSION') != '2.0' or msg is None or
            msg.get('PROTOCOLVERSION') != '1.0' or
            msg.find('SIMPLEREQ') is None or len(msg.find('SIMPLEREQ')) != 1):
        bad.append('envelope: %s' % ET.tostring(root)[:200])
    else:
        got = canon(msg.find('SIMPLEREQ')[0])
        if got != want:
            bad.append('body\n#   got:  %s\n#   want: %s' % (got, want))
    if bad:
        print('# ' + '\n# '.join(bad))
        return 1
    print('ok')
    return 0


sys.exit(main())
