#!/usr/bin/env python3
"""linkshape.py: the architecture, checked at the link level.

  linkshape.py BUILDDIR

Reads every object of the build with nm and checks the rules the layout
promises (tests/README.md, README "Architecture"):

  1. the library (lib/, compat/) uses no symbol defined by the daemon,
     the CLI or the mock;
  2. no daemon object uses a symbol defined by the daemon's entry file
     (daemon/main.o): nothing calls into main;
  3. the daemon's modules form no call cycle (module A -> B when A has an
     undefined symbol that B defines);
  4. no global function name is defined by two programs (main aside).

Prints TAP, one line per rule, with the offending symbols on failure.
"""
import os
import re
import subprocess
import sys


def objects(build, sub):
    d = os.path.join(build, sub)
    if not os.path.isdir(d):
        return []
    return sorted(os.path.join(d, f) for f in os.listdir(d)
                  if f.endswith(".o"))


def module_name(path):
    """daemon/libcimheadd_a-node.o -> node; daemon/main.o -> main."""
    base = os.path.basename(path)[:-2]
    return re.sub(r"^[a-z_]+_a-|^[a-z]+-", "", base)


def symbols(path):
    out = subprocess.run(["nm", "-P", path], capture_output=True,
                         text=True, check=True).stdout
    defined, undefined = set(), set()
    for line in out.splitlines():
        f = line.split()
        if len(f) < 2:
            continue
        name, kind = f[0], f[1]
        if kind == "U":
            undefined.add(name)
        elif kind in "TDBRCGSV" and kind.isupper():
            defined.add(name)
    return defined, undefined


def sccs(graph):
    """Tarjan: the strongly connected components with more than one node
    (or a self loop)."""
    index, low, stack, onstack, out = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        onstack.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in onstack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                onstack.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))
    for v in sorted(graph):
        if v not in index:
            visit(v)
    return out


def main():
    build = sys.argv[1]
    groups = {
        "library": objects(build, "lib") + objects(build, "compat"),
        "daemon": objects(build, "daemon"),
        "cli": objects(build, "cli"),
        "mock": objects(build, "mock"),
    }
    for g, objs in groups.items():
        if not objs:
            print("Bail out! no %s objects under %s" % (g, build))
            return 1
    syms = {o: symbols(o) for objs in groups.values() for o in objs}
    print("1..4")

    # 1. the library stands alone
    upper = {}
    for g in ("daemon", "cli", "mock"):
        for o in groups[g]:
            for s in syms[o][0]:
                upper[s] = o
    bad = []
    for o in groups["library"]:
        for s in sorted(syms[o][1]):
            if s in upper:
                bad.append("%s uses %s (%s)" % (os.path.relpath(o, build), s,
                           os.path.relpath(upper[s], build)))
    report(1, "the library uses nothing of the daemon, the CLI or the mock",
           bad)

    # 2. nothing calls into the daemon's entry file
    mains = [o for o in groups["daemon"] if module_name(o) == "main"]
    bad = []
    if not mains:
        bad.append("daemon/main.o not found")
    else:
        mdefs = syms[mains[0]][0] - {"main"}
        for o in groups["daemon"]:
            if o in mains:
                continue
            for s in sorted(syms[o][1] & mdefs):
                bad.append("%s uses %s" % (os.path.relpath(o, build), s))
    report(2, "no daemon module uses a symbol of daemon/main.o", bad)

    # 3. the daemon's modules call in one direction
    owner = {}
    for o in groups["daemon"]:
        for s in syms[o][0]:
            owner[s] = module_name(o)
    graph = {}
    why = {}
    for o in groups["daemon"]:
        a = module_name(o)
        graph.setdefault(a, set())
        for s in syms[o][1]:
            b = owner.get(s)
            if b is not None and b != a:
                graph[a].add(b)
                why.setdefault((a, b), s)
    bad = []
    for comp in sccs(graph):
        edges = ["%s->%s (%s)" % (a, b, why[(a, b)]) for a in comp
                 for b in sorted(graph[a]) if b in comp]
        bad.append("cycle among %s: %s" % (", ".join(comp), "; ".join(edges)))
    report(3, "the daemon's modules form no call cycle", bad)

    # 4. one definition per function name across the programs
    prog = {}
    bad = []
    for g in ("daemon", "cli", "mock"):
        names = set()
        for o in groups[g]:
            names |= syms[o][0]
        for s in names - {"main"}:
            prog.setdefault(s, []).append(g)
    for s, gs in sorted(prog.items()):
        if len(gs) > 1:
            bad.append("%s defined by %s" % (s, " and ".join(gs)))
    report(4, "no global name is defined by two programs", bad)
    return 1 if FAILED else 0


FAILED = []


def report(n, what, bad):
    if bad:
        FAILED.append(n)
        print("not ok %d - %s" % (n, what))
        for b in bad:
            print("# " + b)
    else:
        print("ok %d - %s" % (n, what))


if __name__ == "__main__":
    sys.exit(main())
