#!/usr/bin/env python3
"""mockctl.py: the benchmark's side of cimmockd's control API (stdlib only).

READY is a file of cimmockd ready lines, possibly from several processes
(node NAME cimom URL control URL/nodes/NAME stream URL).

  mockctl.py latency READY MS      every node answers CIM-XML MS ms late
  mockctl.py requests READY        WBEM requests served so far, all nodes
  mockctl.py streams READY         "NAME streams bytes_sent" per node
"""
import json
import sys
import urllib.request


def nodes(ready):
    out = []
    with open(ready) as f:
        for line in f:
            w = line.split()
            if len(w) >= 8 and w[0] == "node":
                out.append((w[1], w[5]))
    return out


def controls(ready):
    seen = []
    for _, ctl in nodes(ready):
        base = ctl.rsplit("/nodes/", 1)[0]
        if base not in seen:
            seen.append(base)
    return seen


def get_all(ready):
    res = []
    for base in controls(ready):
        with urllib.request.urlopen(base + "/nodes", timeout=10) as r:
            res.extend(json.load(r)["nodes"])
    return res


def main(a):
    if len(a) == 3 and a[0] == "latency":
        body = json.dumps({"kind": "none", "latency_ms": int(a[2])}).encode()
        for _, ctl in nodes(a[1]):
            req = urllib.request.Request(ctl + "/fault", data=body,
                                         method="POST")
            urllib.request.urlopen(req, timeout=10).read()
    elif len(a) == 2 and a[0] == "requests":
        print(sum(n["requests"] for n in get_all(a[1])))
    elif len(a) == 2 and a[0] == "streams":
        for n in get_all(a[1]):
            print(n["name"], n["port"], n["streams"], n["bytes_sent"])
    else:
        sys.stderr.write(__doc__)
        return 2
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
