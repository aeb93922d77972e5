#!/usr/bin/env python3
# mkseeds.py: writes the fuzz targets' seed corpora (tests/fuzz/corpus/)
# from the project's own fixtures and unit-test inputs, in each target's
# input layout (see the block comment atop tests/fuzz/fuzz_<target>.c).
# Run from the top of the source tree; the output is committed.
import ast
import glob
import hashlib
import os
import re

TOP = os.getcwd()
OUT = os.path.join(TOP, 'tests/fuzz/corpus')
OPS = {'ei': 0, 'ein': 1, 'gi': 2, 'eq': 3, 'im': 4, 'gc': 5}
# cimxml_response's second table, byte 1's bits 5-7
OPS2 = {'as': 1, 'rf': 2, 'oei': 3, 'oqi': 4, 'pi': 5, 'pip': 6, 'ec': 7}
STATUS = {200: 0, 400: 2, 401: 3, 403: 4, 413: 5, 500: 6, 501: 7}
seeds = {}


def add(target, data, name):
    d = os.path.join(OUT, target)
    os.makedirs(d, exist_ok=True)
    h = hashlib.sha1(data).hexdigest()[:12]
    with open(os.path.join(d, '%s-%s' % (name, h)), 'wb') as f:
        f.write(data)


def http_split(raw):
    """status, headers dict (lower-case), body (de-chunked), trailers"""
    head, _, body = raw.partition(b'\r\n\r\n')
    lines = head.split(b'\r\n')
    parts = lines[0].split(b' ')
    status = int(parts[1]) if len(parts) > 1 and parts[1].isdigit() else 0
    hdrs = {}
    for ln in lines[1:]:
        k, _, v = ln.partition(b':')
        hdrs[k.strip().lower()] = v.strip()
    trailers = {}
    if b'chunked' in hdrs.get(b'transfer-encoding', b'').lower():
        out, rest = b'', body
        while rest:
            sz, _, rest = rest.partition(b'\r\n')
            try:
                n = int(sz.split(b';')[0], 16)
            except ValueError:
                break
            if n == 0:
                for ln in rest.split(b'\r\n'):
                    k, _, v = ln.partition(b':')
                    if v:
                        trailers[k.strip().lower()] = v.strip()
                break
            out += rest[:n]
            rest = rest[n + 2:]
        body = out
    return status, hdrs, body, trailers


def op_of(name):
    return OPS.get(os.path.basename(name).split('-')[0], 0)


def op2_of(name):
    return OPS2.get(os.path.basename(name).split('-')[0], 0) << 5


def stem(p):
    return os.path.splitext(os.path.basename(p))[0]


# cimxml_response: 2 control bytes, body \0 CIMError \0 PGErrorDetail \0
# CIMStatusCode \0 CIMStatusCodeDescription
responses = sorted(glob.glob('tests/fixtures/openpegasus/*.response') +
                   glob.glob('tests/fixtures/replay/*.response'))
for p in responses:
    raw = open(p, 'rb').read()
    status, hdrs, body, tr = http_split(raw)
    c0 = op_of(p) + 6 * STATUS.get(status, 6)
    c1, fields = op2_of(p), [b'', b'', b'', b'']
    for i, (src, key) in enumerate(((hdrs, b'cimerror'),
                                    (hdrs, b'pgerrordetail'),
                                    (tr, b'cimstatuscode'),
                                    (tr, b'cimstatuscodedescription'))):
        if key in src:
            c1 |= 1 << i
            fields[i] = src[key]
    data = bytes([c0, c1]) + body.replace(b'\0', b'')
    if c1 & 0x0f:
        data += b'\0' + b'\0'.join(fields)
    add('cimxml_response', data, stem(p))
    add('http', bytes([2]) + raw, stem(p))
    add('xml', bytes([0]) + body, stem(p))
for p in sorted(glob.glob('tests/fixtures/cimxml/*.xml')):
    body = open(p, 'rb').read()
    add('cimxml_response', bytes([op_of(p), op2_of(p)]) + body, stem(p))
    add('xml', bytes([1]) + body, stem(p))

# cimxml_request: body \0 CIMMethod \0 CIMObject \0 CIMProtocolVersion
for p in sorted(glob.glob('tests/fixtures/openpegasus/*.request')):
    status, hdrs, body, tr = http_split(open(p, 'rb').read())
    data = body.replace(b'\0', b'')
    data += b'\0' + hdrs.get(b'cimmethod', b'') + b'\0' + \
        hdrs.get(b'cimobject', b'') + b'\0' + \
        hdrs.get(b'cimprotocolversion', b'1.0')
    add('cimxml_request', data, stem(p))

# wsman: 2 control bytes, body \0 MessageID
WS = {'enum': 3, 'pull': 3 | 8, 'get': 2, 'invoke': 4, 'fault': 3,
      'attack': 3}
for p in sorted(glob.glob('tests/fixtures/wsman/*.xml') +
                glob.glob('tests/fixtures/wsman/faults/*.xml')):
    body = open(p, 'rb').read()
    n = stem(p)
    c0 = WS.get(n.split('-')[0], 3)
    if n.startswith('enum-names'):
        c0 = 1
    if 'service' in n:
        c0 |= 16
    c1 = 6 if ('fault' in n or 'error' in n) else 0
    m = re.search(rb'RelatesTo>([^<]+)<', body)
    data = bytes([c0, c1]) + body.replace(b'\0', b'')
    if m:
        data += b'\0' + m.group(1)
    add('wsman', data, n)
    add('xml', bytes([0]) + body, n)

# wql: dialect byte, query; the unit test's queries plus a few more
src = open('tests/unit/test_wql.c').read()
queries = set()
for m in re.finditer(r'"((?:[^"\\]|\\.)*)"', src):
    s = ast.literal_eval('"' + m.group(1) + '"')
    if re.match(r'(?i)\s*(select|delete)\b', s):
        queries.add(s)
queries |= {
    "SELECT Name, PercentProcessorTime FROM "
    "Win32_PerfFormattedData_PerfOS_Processor WHERE Name = \"_Total\"",
    "SELECT * FROM Win32_Process WHERE ProcessId >= 100 AND NOT "
    "(Caption <> 'x' OR CommandLine IS NULL)",
    "SELECT * FROM Win32_Process WHERE Big > 9007199254740993",
    "SELECT * FROM Win32_Process WHERE Load < 0.5 AND Up = TRUE",
    "SELECT * FROM Win32_Process WHERE Neg < -3 OR Name LIKE '%quoted%'",
    "SELECT * FROM Win32_Process WHERE CommandLine IS NOT NULL",
}
for i, q in enumerate(sorted(queries)):
    add('wql', bytes([0]) + q.encode(), 'q%02d' % i)
    add('wql', bytes([1]) + q.encode(), 'w%02d' % i)

# mof: the mock's schema, whole and class by class
mof = open('schemas/win32.mof', 'rb').read()
add('mof', mof, 'win32')
for i, c in enumerate(re.split(rb'\n(?=\[|class )', mof)):
    if c.strip():
        add('mof', c, 'part%02d' % i)

# conf: every config text in the unit test (C string concatenations)
src = open('tests/unit/test_conf.c').read()
for i, m in enumerate(re.finditer(r'load\(((?:\s*"(?:[^"\\]|\\.)*")+)',
                                  src)):
    parts = re.findall(r'"((?:[^"\\]|\\.)*)"', m.group(1))
    text = ''.join(ast.literal_eval('"' + s + '"') for s in parts)
    add('conf', text.encode(), 'conf%02d' % i)

# title: raw title \0 stream-url template \0 node URL
TITLES = ['movies/Big%20Buck%20Bunny.mp4', 'a', 'a/b/c.ts',
          'caf%C3%A9/%E6%98%A0%E7%94%BB', '..', 'a/../b', '%2e%2e/x',
          'a//b', '%00x', 'x%2Fy', "O'Brien (1999), part+2~",
          '%ZZ', '%c3', 'a/./b', '-_.~+,()\'', '/lead', 'trail/']
TMPL = ['http://{host}:8554/{title}?e={expires}&t={token}',
        'rtsp://{host}/vod/{title}', 'https://{host}/{title}?{bogus}']
URLS = ['http://127.0.0.1:5988/cimom', 'https://u@[::1]:5986/wsman',
        'http://node', 'x://']
for i, t in enumerate(TITLES):
    data = t.encode() + b'\0' + TMPL[i % 3].encode() + b'\0' + \
        URLS[i % 4].encode()
    add('title', data, 't%02d' % i)

# cim_path: the text forms cimhead's --path takes
PATHS = ['Win32_Process.Handle="4"', 'root/cimv2:Win32_Process.Handle="4"',
         '//node1/root/cimv2:Win32_Service.Name="vod"',
         'CIM_X.A=1,B=TRUE,C=-5,D=1.5e3,E="a\\"b\\\\c"', 'Win32_Process',
         'ns:C.k="x,y=z"', 'C.k=', '//h/:C', 'C.=1', 'C."k"=1',
         'root/cimv2:CIM_Fan.Id="a",Name="b"']
for i, s in enumerate(PATHS):
    add('cim_path', s.encode(), 'p%02d' % i)

# xmlscan: caps byte (as xml's; 0: defaults, never giving up), then a
# document: every seed of xml, and the XML in every fixture under
# tests/fixtures (HTTP messages' bodies, de-chunked; other files whole).
# Names cut to 40 characters: the tarball's format keeps paths of 99.
for p in sorted(glob.glob('tests/fuzz/corpus/xml/*')):
    data = open(p, 'rb').read()
    add('xmlscan', data, os.path.basename(p).rsplit('-', 1)[0][:40])
for p in sorted(glob.glob('tests/fixtures/**/*', recursive=True)):
    if os.path.isdir(p) or p.endswith(('.md', '.json')) or 'README' in p:
        continue
    raw = open(p, 'rb').read()
    if raw.startswith((b'HTTP/', b'POST ', b'M-POST ')):
        raw = http_split(raw)[2]
    if raw:
        add('xmlscan', bytes([0]) + raw, stem(p)[:40])
