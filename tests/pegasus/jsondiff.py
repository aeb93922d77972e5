#!/usr/bin/env python3
"""jsondiff.py: structural comparison of two cimhead --format json outputs
(the differential test, tests/e2e/pegasus_diff.sh).

usage: jsondiff.py NAME A.json B.json [ALLOWED-FILE]

Normalisation: instances and names are compared as a set (sorted by their
class and path, or properties when they have no path); property order does not matter; an error's "description"
(free text) is dropped.  Everything else must be equal: class names, keys,
property names, types and values, return values, out parameters, error
code, name, kind and HTTP status.

Prints one line per difference, "NAME PATH: A-VALUE | B-VALUE".  With
ALLOWED-FILE (tests/PEGASUS.md), a difference whose "NAME PATH" (both may
hold * wildcards) is listed there in a table row
"| `NAME` | `PATH` | KIND | reason |" is printed with "KIND: " in front;
KIND is "allowed" (a difference that is right, or does not matter) or
"mock-bug" (cimmockd is wrong; reported, not fixed yet).  Exit status: 0
when every difference is allowed, 2 when some are known mock bugs and the
rest allowed, 1 when any difference is listed nowhere.
"""
import fnmatch
import json
import re
import sys


def norm(v):
    if isinstance(v, dict):
        v = {k: norm(x) for k, x in v.items()}
        if "error" in v and isinstance(v["error"], dict):
            v["error"].pop("description", None)
        return v
    if isinstance(v, list):
        items = [norm(x) for x in v]
        if all(isinstance(x, dict) and "classname" in x for x in items):
            items.sort(key=lambda x: json.dumps(
                [x.get("classname", ""), x.get("path"), x.get("properties")],
                sort_keys=True))
        return items
    return v


def label(x):
    """An item's name in a set: class and path; an instance without a path
    (a pull query's) by its properties."""
    if isinstance(x, dict) and "classname" in x:
        key = x.get("path")
        if key is None:
            key = x.get("properties")
        return "%s%s" % (x["classname"], json.dumps(key, sort_keys=True,
                                                    ensure_ascii=False))
    return None


def diff(a, b, path, out):
    if isinstance(a, dict) and isinstance(b, dict):
        for k in sorted(set(a) | set(b)):
            p = path + "." + k if path else k
            if k not in a:
                out.append((p, "(absent)", json.dumps(b[k], ensure_ascii=False)))
            elif k not in b:
                out.append((p, json.dumps(a[k], ensure_ascii=False), "(absent)"))
            else:
                diff(a[k], b[k], p, out)
        return
    if isinstance(a, list) and isinstance(b, list):
        la = [label(x) for x in a]
        lb = [label(x) for x in b]
        if None not in la and None not in lb and \
                len(set(la)) == len(la) and len(set(lb)) == len(lb):
            ma = dict(zip(la, a))
            mb = dict(zip(lb, b))
            for k in sorted(set(ma) | set(mb)):
                p = "%s[%s]" % (path, k)
                if k not in ma:
                    out.append((p, "(absent)", "(present)"))
                elif k not in mb:
                    out.append((p, "(present)", "(absent)"))
                else:
                    diff(ma[k], mb[k], p, out)
            return
        if len(a) != len(b):
            out.append((path + ".length", str(len(a)), str(len(b))))
            return
        for i, (x, y) in enumerate(zip(a, b)):
            diff(x, y, "%s[%d]" % (path, i), out)
        return
    if a != b or type(a) != type(b):
        out.append((path, json.dumps(a, ensure_ascii=False),
                    json.dumps(b, ensure_ascii=False)))


def load(f):
    text = open(f, encoding="utf-8").read()
    try:
        return json.loads(text)
    except ValueError:
        return {"unparsable-output": text[:200]}


def allowed_rules(f):
    rules = []
    for line in open(f, encoding="utf-8"):
        m = re.match(r"\|\s*`([^`]+)`\s*\|\s*`([^`]+)`\s*\|\s*(allowed|mock-bug)\s*\|",
                     line)
        if m:
            rules.append((m.group(1), m.group(2), m.group(3)))
    return rules


def main():
    if len(sys.argv) not in (4, 5):
        sys.exit(__doc__)
    name, fa, fb = sys.argv[1:4]
    rules = allowed_rules(sys.argv[4]) if len(sys.argv) == 5 else []
    out = []
    diff(norm(load(fa)), norm(load(fb)), "", out)
    status = 0
    for p, x, y in out:
        kind = None
        for rn, rp, rk in rules:
            if fnmatch.fnmatchcase(name, rn) and fnmatch.fnmatchcase(p, rp):
                kind = rk
                break
        if kind is None:
            status = 1
        elif kind == "mock-bug" and status == 0:
            status = 2
        print("%s%s %s: %s | %s" % (kind + ": " if kind else "", name,
                                    p or ".", x, y))
    sys.exit(status)


main()
