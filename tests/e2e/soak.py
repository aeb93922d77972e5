#!/usr/bin/env python3
"""soak.py: the load soak of issue 7, item 7.  Prints TAP.

cimheadd in front of 16 cimmockd nodes (4 mock processes of 4 nodes, so a
whole process can die) takes viewers at a fixed rate from bench/loadgen
for CIMHEAD_SOAK_SECONDS (60), while a seeded random schedule injects node
faults (every cimmockd fault kind, plus added latency), kills streaming
processes (cimheadd restarts them through Win32_Process.Create),
SIGKILLs whole mock processes (restarted on the same ports a few seconds
later) and reloads cimheadd (SIGHUP, another policy).  It asserts that the daemon never dies and keeps answering
/healthz, that every viewer got exactly one reply and none a 5xx other
than 503, that the daemon's counters agree with the load generator's, that
its RSS stays flat after warm-up, that its open descriptors come back to
the baseline once the load ends, and that every node is back in service
once the faults stop.

Environment: top_builddir, top_srcdir (as make check sets them),
CIMHEAD_SOAK_SEED (default: fresh, printed), CIMHEAD_SOAK_MIX (a preset:
all, faults, kills, net, data, reload; or a comma list of event kinds:
the fault kinds, latency, kill, crash, reload),
CIMHEAD_SOAK_SECONDS, CIMHEAD_SOAK_RATE (viewers a second, 150),
CIMHEAD_TEST_SLOWDOWN (a factor for the deadlines: sanitizer builds),
CIMHEAD_SOAK_DEBUG=1 (cimheadd -d, its log and the files kept),
CIMHEAD_SOAK_KEEP=1 (the files kept: daemon.log, the configs).
"""
import json
import os
import random
import re
import signal
import subprocess
import sys
import tempfile
import threading
import time
import urllib.error
import urllib.request

FAULTS = ["hang", "refuse", "reset", "garbage", "truncate", "oversize",
          "http401", "http500", "cimerror", "drip"]
MIXES = {
    "all": FAULTS + ["latency", "kill", "crash", "reload"],
    "faults": FAULTS + ["latency"],
    "kills": ["kill", "crash"],
    "reload": ["reload", "kill"],
    "net": ["hang", "refuse", "reset", "drip", "latency", "crash"],
    "data": ["garbage", "truncate", "oversize", "http401", "http500",
             "cimerror"],
}
GROUPS = 4		# mock processes
PER_GROUP = 4		# nodes in each
WARMUP = 10		# seconds of load before RSS counts
WINDOW = 10		# seconds averaged at each end
PER_NODE_CONNS = 8	# idle connections cimheadd may keep to one node

top_builddir = os.environ.get("top_builddir", ".")
top_srcdir = os.environ.get("top_srcdir", ".")
slow = float(os.environ.get("CIMHEAD_TEST_SLOWDOWN", "1") or 1)
seconds = int(os.environ.get("CIMHEAD_SOAK_SECONDS", "60"))
rate = float(os.environ.get("CIMHEAD_SOAK_RATE", "150"))
seed = os.environ.get("CIMHEAD_SOAK_SEED", "")
seed = int(seed) if seed else random.SystemRandom().randrange(1, 2**31)
mixname = os.environ.get("CIMHEAD_SOAK_MIX", "") or "all"
mix = MIXES.get(mixname, [k for k in mixname.split(",") if k])

tap_n = 0
tap_failed = 0


def ok(cond, desc, diag=None):
    global tap_n, tap_failed
    tap_n += 1
    print("%s %d - %s" % ("ok" if cond else "not ok", tap_n, desc))
    if not cond:
        tap_failed += 1
        if diag:
            for line in str(diag).splitlines():
                print("#   " + line)
    sys.stdout.flush()
    return cond


def note(msg):
    print("# " + msg)
    sys.stdout.flush()


def bail(msg):
    print("Bail out! " + msg)
    sys.exit(1)


def http(method, url, body=None, timeout=5):
    """(status, text) of one request; status 0 when it did not complete."""
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(url, data=data, method=method)
    try:
        with urllib.request.urlopen(req, timeout=timeout) as r:
            return r.status, r.read().decode("utf-8", "replace")
    except urllib.error.HTTPError as e:
        return e.code, e.read().decode("utf-8", "replace")
    except (OSError, ValueError):
        return 0, ""


def wait_file(path, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if os.path.exists(path) and os.path.getsize(path) > 0:
            return True
        time.sleep(0.05)
    return False


class Group:
    """One cimmockd process and its nodes."""

    def __init__(self, tmp, k):
        self.tmp = tmp
        self.k = k
        self.names = ["G%dN%02d" % (k, i + 1) for i in range(PER_GROUP)]
        self.ports = {}
        self.control = {}
        self.proc = None
        self.down = False
        self.starts = 0

    def start(self):
        nodes = []
        for n in self.names:
            nd = {"name": n}
            if n in self.ports:
                nd["port"] = self.ports[n]
            nodes.append(nd)
        self.starts += 1
        sc = os.path.join(self.tmp, "scenario%d.json" % self.k)
        ready = os.path.join(self.tmp, "ready%d.%d" % (self.k, self.starts))
        with open(sc, "w") as f:
            json.dump({"nodes": nodes}, f)
        err = open(os.path.join(self.tmp, "mock%d.err" % self.k), "a")
        self.proc = subprocess.Popen(
            [os.path.join(top_builddir, "cimmockd"),
             "--schema", os.path.join(top_srcdir, "schemas/win32.mof"),
             "--ready-file", ready, "--log-level", "warn",
             "--scenario", sc],
            stdout=subprocess.DEVNULL, stderr=err)
        err.close()
        if not wait_file(ready, 10 * slow):
            self.proc.kill()
            self.proc.wait()
            return False
        with open(ready) as f:
            for line in f:
                w = line.split()
                # node NAME cimom URL control URL stream URL
                port = int(re.search(r":(\d+)/", w[3]).group(1))
                if self.ports.get(w[1], port) != port:
                    return False
                self.ports[w[1]] = port
                self.control[w[1]] = w[5]
        self.down = False
        return True

    def crash(self):
        self.proc.send_signal(signal.SIGKILL)
        self.proc.wait()
        self.down = True

    def stop(self):
        if self.proc is not None and self.proc.poll() is None:
            self.proc.terminate()
            try:
                self.proc.wait(10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait()


def write_conf(path, groups, policy="least-load"):
    with open(path, "w") as f:
        f.write("""[cimheadd]
policy = %s
listen = 127.0.0.1:0
admin-listen = 127.0.0.1:0
decision-timeout = %dms
query-timeout = %dms
restart-grace = 300ms
restart-backoff = 100ms
restart-limit = 1000
recheck = 200ms
suspect-after = 2
idle-check = 0
""" % (policy, 1500 * slow, 3000 * slow))
        for g in groups:
            for n in g.names:
                p = g.ports[n]
                f.write("""[node %s]
url = http://127.0.0.1:%d/cimom
process = vodstream.exe
command = "C:\\Program Files\\VodStream\\vodstream.exe" --port 8554
directory = C:\\Program Files\\VodStream
stream-url = http://{host}:%d/vod/{title}
""" % (n, p, p))


def tcp_inodes():
    """socket inode -> (local port, remote port, state) from /proc/net."""
    socks = {}
    for name in ("/proc/net/tcp", "/proc/net/tcp6"):
        try:
            with open(name) as f:
                next(f)
                for line in f:
                    w = line.split()
                    socks[w[9]] = (int(w[1].rsplit(":", 1)[1], 16),
                                   int(w[2].rsplit(":", 1)[1], 16), w[3])
        except OSError:
            pass
    return socks


def fd_kinds(pid, node_ports):
    """Counts of the daemon's descriptors: to nodes, other."""
    socks = tcp_inodes()
    kinds = {"node": 0, "other": 0}
    try:
        fds = os.listdir("/proc/%d/fd" % pid)
    except OSError:
        return None
    for fd in fds:
        try:
            target = os.readlink("/proc/%d/fd/%s" % (pid, fd))
        except OSError:
            continue
        mm = re.match(r"socket:\[(\d+)\]", target)
        s = socks.get(mm.group(1)) if mm else None
        if s is not None and s[1] in node_ports:
            kinds["node"] += 1
        else:
            kinds["other"] += 1
    return kinds


def proc_status(pid):
    """(VmRSS in kB, open descriptors), or None when pid is gone."""
    try:
        with open("/proc/%d/status" % pid) as f:
            rss = int(re.search(r"VmRSS:\s+(\d+)", f.read()).group(1))
        return rss, len(os.listdir("/proc/%d/fd" % pid))
    except (OSError, AttributeError):
        return None


def make_schedule(rng, secs, groups):
    """[(t, kind, target, duration)], sorted by t."""
    events = []
    t = 4.0
    busy = {}		# target -> until
    nodes = [n for g in groups for n in g.names]
    while t < secs - 8:
        kind = rng.choice(mix)
        dur = rng.uniform(1.0, 6.0)
        if kind == "crash":
            target = rng.randrange(len(groups))
            names = groups[target].names
        elif kind == "reload":
            target = rng.choice(["least-load", "two-choices",
                                 "round-robin", "least-streams"])
            names = []
        else:
            target = rng.choice(nodes)
            names = [target]
        # a node already in trouble gets no second event on top; at most
        # a third of the cluster is affected at any moment.
        live = [k for k, u in busy.items() if u > t]
        if all(n not in live for n in names) and \
                len(live) + len(names) <= len(nodes) // 3:
            events.append((t, kind, target, dur))
            for n in names:
                busy[n] = t + dur + 1
        t += rng.uniform(0.4, 1.6)
    return events


def fault_body(rng, kind):
    if kind == "latency":
        return {"kind": "none", "latency_ms": rng.randrange(200, 2500)}
    b = {"kind": kind}
    if kind == "oversize":
        b["mbytes"] = 2		# over cimheadd's 1 MiB cap
    elif kind == "cimerror":
        b["code"] = rng.choice([1, 2, 4, 6, 7])
    elif kind == "drip":
        b["drip_bytes"] = rng.choice([8, 16, 64])
        b["drip_ms"] = rng.choice([50, 100, 200])
    return b


def main():
    for k in mix:
        if k not in MIXES["all"]:
            bail("unknown event kind in CIMHEAD_SOAK_MIX: %s" % k)
    loadgen = os.path.join(top_builddir, "bench/loadgen")
    for prog in ("cimheadd", "cimmockd", "bench/loadgen"):
        if not os.access(os.path.join(top_builddir, prog), os.X_OK):
            print("1..0 # SKIP %s not built (make bench/loadgen)" % prog)
            return 0
    note("seed %d mix %s: rerun with CIMHEAD_SOAK_SEED=%d "
         "CIMHEAD_SOAK_MIX=%s" % (seed, mixname, seed, mixname))
    note("%d s at %g viewers/s, %d nodes in %d mock processes" %
         (seconds, rate, GROUPS * PER_GROUP, GROUPS))
    rng = random.Random(seed)
    tmp = tempfile.mkdtemp(prefix="cimhead-soak.")
    groups = [Group(tmp, k + 1) for k in range(GROUPS)]
    daemon = None
    try:
        for g in groups:
            if not g.start():
                bail("cimmockd did not start")
        conf = os.path.join(tmp, "cimheadd.conf")
        write_conf(conf, groups)
        ports = os.path.join(tmp, "ports")
        dlog = open(os.path.join(tmp, "daemon.log"), "w")
        argv = [os.path.join(top_builddir, "cimheadd"), "-f", conf,
                "-P", ports]
        if os.environ.get("CIMHEAD_SOAK_DEBUG"):
            argv.append("-d")
        daemon = subprocess.Popen(argv, stderr=dlog)
        if not wait_file(ports, 10 * slow):
            bail("cimheadd did not start")
        with open(ports) as f:
            addr = dict(line.split() for line in f)
        viewer, admin = addr["viewer"], addr["admin"]
        return run(rng, tmp, groups, daemon, viewer, admin, loadgen, conf)
    finally:
        if daemon is not None and daemon.poll() is None:
            daemon.kill()
            daemon.wait()
        for g in groups:
            g.stop()
        if tap_failed:
            note("daemon log tail:")
            try:
                with open(os.path.join(tmp, "daemon.log"), errors="replace") as f:
                    for line in f.readlines()[-20:]:
                        note("  " + line.rstrip())
            except OSError:
                pass
        if os.environ.get("CIMHEAD_SOAK_DEBUG") or \
                os.environ.get("CIMHEAD_SOAK_KEEP"):
            note("kept %s" % tmp)
        else:
            for name in os.listdir(tmp):
                os.unlink(os.path.join(tmp, name))
            os.rmdir(tmp)


def nodes_json(admin):
    st, text = http("GET", "http://%s/api/v1/nodes" % admin)
    try:
        return json.loads(text)["nodes"] if st == 200 else None
    except (ValueError, KeyError):
        return None


def metrics(admin):
    st, text = http("GET", "http://%s/metrics" % admin)
    m = {}
    for line in text.splitlines():
        # 302s are counted per node: summed here
        mm = re.match(r'cimheadd_dispatch_total\{(?:node="[^"]*",)?'
                      r'result="(\w+)"\} (\d+)', line)
        if mm:
            m[mm.group(1)] = m.get(mm.group(1), 0) + int(mm.group(2))
    return m


def all_up(admin):
    ns = nodes_json(admin)
    return ns is not None and all(n["state"] == "up" for n in ns)


def wait_until(pred, secs):
    end = time.monotonic() + secs
    while time.monotonic() < end:
        if pred():
            return True
        time.sleep(0.25)
    return pred()


def run(rng, tmp, groups, daemon, viewer, admin, loadgen, conf):
    pid = daemon.pid
    byname = {n: g for g in groups for n in g.names}

    # Every node answered once and the curl connections exist: the
    # baseline of descriptors is taken in this steady idle state.
    ok(wait_until(lambda: all_up(admin), 20 * slow),
       "every node is up before the load")
    warm = subprocess.run([loadgen, "-r", "50", "-d", "1", "-c", "16",
                           "http://%s/watch/" % viewer],
                          capture_output=True, text=True)
    time.sleep(1)
    base = proc_status(pid)
    node_ports = set(p for g in groups for p in g.ports.values())
    base_kinds = fd_kinds(pid, node_ports)
    # curl keeps a finished query's connection for the next one: at most
    # one for each query of a round that can run at once on a node.
    node_bound = len(node_ports) * PER_NODE_CONNS
    note("baseline: rss %d kB, %d descriptors (%s)" %
         (base[0], base[1], warm.stdout.strip()))

    schedule = make_schedule(rng, seconds, groups)
    note("schedule: %d events: %s" % (len(schedule), ", ".join(
        "%.1fs %s %s %.1fs" % (t, k, ("G%d" % (x + 1)) if k == "crash"
                               else x, d) for t, k, x, d in schedule)))
    m0 = metrics(admin)

    samples = []		# (t, rss, fds)
    health = {"bad": 0, "checks": 0, "api_bad": 0}
    stop = threading.Event()
    t0 = time.monotonic()

    def sampler():
        while not stop.is_set():
            t = time.monotonic() - t0
            s = proc_status(pid)
            if s is not None:
                samples.append((t, s[0], s[1]))
            st, _ = http("GET", "http://%s/healthz" % viewer, timeout=5)
            health["checks"] += 1
            if st != 200 or daemon.poll() is not None:
                health["bad"] += 1
            if nodes_json(admin) is None:
                health["api_bad"] += 1
            stop.wait(max(0.0, 1.0 - (time.monotonic() - t0 - t) ))

    lg = subprocess.Popen([loadgen, "-r", str(rate), "-d", str(seconds),
                           "-c", "1000", "-T", "100",
                           "http://%s/watch/" % viewer],
                          stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                          text=True)
    th = threading.Thread(target=sampler, daemon=True)
    th.start()

    pending = []		# (until, action, arg)
    counts = {}
    ctl_errors = []
    for t, kind, target, dur in schedule:
        while True:
            now = time.monotonic() - t0
            pending.sort(key=lambda p: p[0])
            if pending and pending[0][0] <= min(t, now):
                _, act, arg = pending.pop(0)
                act(arg)
                continue
            if now >= t:
                break
            time.sleep(min(t - now, 0.05))
        counts[kind] = counts.get(kind, 0) + 1
        if kind == "reload":
            write_conf(conf, groups, target)
            daemon.send_signal(signal.SIGHUP)
            continue
        if kind == "crash":
            g = groups[target]
            g.crash()
            pending.append((t + dur, lambda g: g.start() or
                            ctl_errors.append("restart G%d" % g.k), g))
            continue
        g = byname[target]
        if g.down:
            continue
        ctl = g.control[target]
        if kind == "kill":
            st, _ = http("POST", ctl + "/kill", {})
            if st not in (200, 409):
                ctl_errors.append("kill %s: %d" % (target, st))
            continue
        st, text = http("POST", ctl + "/fault", fault_body(rng, kind))
        if st != 200:
            ctl_errors.append("fault %s %s: %d %s" % (kind, target, st,
                                                     text[:80]))
        pending.append((t + dur, lambda c: http("POST", c + "/clear", {}),
                        ctl))
    out, err = lg.communicate(timeout=seconds + 60)
    for _, act, arg in sorted(pending, key=lambda p: p[0]):
        act(arg)
    for g in groups:
        if g.down and not g.start():
            ctl_errors.append("restart G%d at the end" % g.k)
    stop.set()
    th.join()
    note("events: %s" % ", ".join("%s %d" % kv for kv in
                                  sorted(counts.items())))

    # What the viewers saw
    m = re.search(r"sent (\d+) done (\d+) 302 (\d+) 503 (\d+) other (\d+) "
                  r"err (\d+) rate (\S+) p50 (\S+) p99 (\S+) max (\S+) "
                  r"conns (\d+) unsent (\d+)", out)
    if not ok(m is not None, "loadgen ran", out + err):
        return 1
    sent, done, c302, c503, other, cerr = map(int, m.group(*range(1, 7)))
    unsent = int(m.group(12))
    note("loadgen: " + out.strip())
    ok(ctl_errors == [], "every fault, kill and restart was applied",
       "\n".join(ctl_errors))
    ok(daemon.poll() is None, "cimheadd still runs, same pid %d" % pid)
    ok(health["bad"] == 0, "/healthz answered 200 every second (%d checks)"
       % health["checks"], "%d failed" % health["bad"])
    ok(health["api_bad"] == 0, "the admin API answered every second",
       "%d failed" % health["api_bad"])
    planned = int(rate * seconds + 0.5)
    ok(sent == planned and unsent == 0,
       "every planned request was sent (%d)" % planned,
       "sent %d unsent %d" % (sent, unsent))
    ok(done == sent and cerr == 0,
       "every request got exactly one reply (%d)" % sent,
       "done %d err %d" % (done, cerr))
    ok(other == 0, "no reply but 302 and 503 (302: %d, 503: %d)" %
       (c302, c503), "other %d" % other)
    ok(c302 > sent // 2, "most viewers were sent to a node",
       "302 %d of %d" % (c302, sent))
    m1 = metrics(admin)
    d302 = m1.get("302", 0) - m0.get("302", 0)
    d503 = m1.get("503", 0) - m0.get("503", 0)
    ok(d302 == c302 and d503 == c503,
       "the daemon's counters match (302 %d, 503 %d)" % (d302, d503),
       "metrics %s -> %s" % (m0, m1))

    # Memory: flat after warm-up
    rss = [(t, r) for t, r, _ in samples if t <= seconds]
    first = [r for t, r in rss if WARMUP <= t < WARMUP + WINDOW]
    last = [r for t, r in rss if seconds - WINDOW <= t <= seconds]
    if ok(len(first) >= WINDOW // 2 and len(last) >= WINDOW // 2,
          "RSS sampled every second (%d samples)" % len(rss)):
        a = sum(first) / len(first)
        b = sum(last) / len(last)
        note("rss kB: baseline %d, %d-%d s mean %.0f, last %d s mean %.0f, "
             "max %d" % (base[0], WARMUP, WARMUP + WINDOW, a, WINDOW, b,
                         max(r for _, r in rss)))
        ok(b <= a * 1.10, "RSS flat after warm-up: %.0f -> %.0f kB "
           "(%+.1f%%)" % (a, b, (b - a) * 100 / a))
    fdmax = max((f for _, _, f in samples), default=0)

    # The end: every node back, the idle state the baseline was taken in
    if not ok(wait_until(lambda: all_up(admin), 30 * slow),
              "every node is up again once the faults stop"):
        for n in nodes_json(admin) or []:
            if n["state"] == "up":
                continue
            note("  %s: state %s, process %s, sample age %s ms, last "
                 "error %s" % (n["name"], n["state"], n["process"],
                               n["sample_age_ms"], n["last_error"]))
            with open(os.path.join(tmp, "daemon.log"), errors="replace") as f:
                for line in [x for x in f if n["name"] in x][-15:]:
                    note("    " + line.rstrip())
    # one more short load so every node's connection is renewed (those to
    # killed mock processes are found dead and closed), then idle
    warm = subprocess.run([loadgen, "-r", "50", "-d", "1", "-c", "16",
                           "http://%s/watch/" % viewer],
                          capture_output=True, text=True)
    kinds = {}

    def fds_back():
        kinds.update(fd_kinds(pid, node_ports) or {"node": -1, "other": -1})
        return kinds["other"] <= base_kinds["other"] and \
            kinds["node"] <= node_bound
    back = wait_until(fds_back, 15 * slow)
    note("descriptors: baseline %d (%d to nodes), max under load %d, at the "
         "end %d (%d to nodes)" % (base[1], base_kinds["node"], fdmax,
                                    kinds["other"] + kinds["node"],
                                    kinds["node"]))
    ok(back and kinds["other"] == base_kinds["other"],
       "descriptors other than node connections back to the baseline "
       "(%d = %d)" % (kinds["other"], base_kinds["other"]),
       subprocess.run(["ls", "-l", "/proc/%d/fd" % pid],
                      capture_output=True, text=True).stdout)
    ok(kinds["node"] <= node_bound, "idle keep-alive connections to the "
       "nodes bounded (%d <= %d)" % (kinds["node"], node_bound))
    end = proc_status(pid)
    note("rss at the end %d kB" % (end[0] if end else -1))
    daemon.send_signal(signal.SIGTERM)
    try:
        rc = daemon.wait(15 * slow)
    except subprocess.TimeoutExpired:
        rc = None
    ok(rc == 0, "SIGTERM: cimheadd stops cleanly", "exit %s" % rc)
    with open(os.path.join(tmp, "daemon.log"), errors="replace") as f:
        bad = [line for line in f if re.search(
            r"fatal|Sanitizer|runtime error|assert", line)]
    ok(bad == [], "nothing fatal in the daemon's log", "".join(bad[:10]))
    print("1..%d" % tap_n)
    return 1 if tap_failed else 0


if __name__ == "__main__":
    sys.exit(main())
