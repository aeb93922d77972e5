#!/usr/bin/env python3
"""balance.py: the balancing benchmark of issue 13 (stdlib only).

  balance.py BUILDDIR SRCDIR TMPDIR

Side by side in one run, every policy against the same arrival traces:

  a  unequal nodes: 6 cimmockd nodes of 20, 20, 40, 40, 80, 80 streams
     (bandwidth 20..80 Mbit/s, 1 Mbit/s streams: bandwidth binds), the
     weights 1, 1, 2, 2, 4, 4 written in cimheadd.conf (HAProxy: 25..100);
  b  the same nodes, every weight 1 (capacities unknown to the operator);
  c  the nodes of a, weights known, with background (non-viewer) traffic
     moving between the two nodes of each size: every BENCH_B_MOVE
     seconds each pair picks the member that carries BENCH_B_BG of its
     bandwidth, and the traffic ramps over there in 0.5 s steps (cimmockd
     control API, POST /nodes/NAME/load background_bps);
  d  12 viewers one after another (BENCH_B_SEQ_GAP apart) on 3 identical
     nodes, each keeping its stream: viewers per node, target within one
     of even (4);
  e  the nodes of a, weights known, two head-ends (two cimheadd, or two
     HAProxy) in front of them, each viewer sent to one at random.

Viewers arrive as a Poisson process (seeded: every policy sees the same
trace at a given scenario and load), ask the front end, and really pull
the stream they are sent to for a whole session (BENCH_B_SESSION seconds
at the bitrate), so the mock's counters carry real load.  The offered load
is a fraction of the total capacity in streams (c: of the mean capacity
left by the background), arrivals/s = load x capacity / session.

Per point, over the measurement window (after one session of warm-up):
  - QoS violations: % of stream-seconds on nodes over capacity, from each
    node's open streams and background read from the control API every
    BENCH_B_SAMPLE s (a node is over when streams x bitrate + background
    exceeds its bandwidth: all its streams then fall below the bitrate);
  - blocking: % of viewers refused (503), and the reference: Erlang-B of
    the total capacity (exact recursion) for a, b and e; for c an
    omniscient dispatcher simulated over the same arrival trace and
    background schedule (it knows every node's streams and the schedule,
    sends each viewer to the node with the most room over the whole
    session, refuses only when no node has room for one more all along,
    so it never puts a node over capacity);
  - 503 with room: refusals while the benchmark's own count of open
    streams showed a node with room for one more stream;
  - held: QoS violations < 1 % of stream-seconds and blocking within 1
    point of the reference.
Each scenario ends with the largest load held per policy.

Policies (BENCH_B_POLICIES, default below; BENCH_B_NEW_POLICY appends
cimheadd policy names): "default" is cimheadd with no policy line (the
shipped default); a cimheadd policy name puts "policy = NAME" in the
[cimheadd] section (nothing else changes from the defaults but the nodes,
"process = vodstream.exe" and the listen addresses); "haproxy-agent" is
HAProxy (balance roundrobin, one "redir http://node" server per node, so
viewers get a 302 to the node) with an agent-check per server: a TCP agent
in this script answering the node's free capacity, 100 x (1 - (streams x
bitrate + background) / bandwidth), as "NN%", every BENCH_B_AGENT_INTER;
"haproxy-wrr" is the same HAProxy with weights only, no agents.

Environment:
  BENCH_B_QUICK=1       quick mode (about 5 minutes): session 4 s, 5 s
                        points, loads 0.7 0.9, policies default
                        round-robin haproxy-agent (+ BENCH_B_NEW_POLICY)
  BENCH_B_SCENARIOS     default "d a b c e"
  BENCH_B_POLICIES      default "default least-load two-choices round-robin
                        least-streams haproxy-agent haproxy-wrr"
  BENCH_B_NEW_POLICY    cimheadd policy names added to the list
  BENCH_B_LOADS         default "0.5 0.6 0.7 0.8 0.9 0.95"
  BENCH_B_SWEEP         "search" (default): a bisection over the sorted
                        loads starting at BENCH_B_START (0.8), which finds
                        the largest load held in at most 3 points of 6
                        (assuming a policy that holds a load holds every
                        lower one); "all": every load
  BENCH_B_SECS          measured seconds per point (default 7; quick 5)
  BENCH_B_SESSION       session seconds (default 5; quick 4)
  BENCH_B_SAMPLE        sampling period of the mock, s (default 0.25)
  BENCH_B_BITRATE       stream bitrate, bit/s (default 1000000)
  BENCH_B_MOVE          c: seconds between moves (default: the session)
  BENCH_B_BG            c: background as a fraction of bandwidth (0.5)
  BENCH_B_SEQ_GAP       d: seconds between viewers (default 0.5)
  BENCH_B_AGENT_INTER   HAProxy agent-inter (default 1s)
  BENCH_B_CONF          file of lines added to cimheadd's [cimheadd]
  BENCH_B_NODE_CONF     file of lines added to every [node] section
  BENCH_B_MAX_MIN       stop starting points after this many minutes (30)
  BENCH_B_OUT           markdown output (default BUILDDIR/bench-out/
                        balance.md; appended)
  BENCH_B_SEED          trace seed (default 13)
  BENCH_B_TRACE         file: every sample, JSON lines of the truth (each
                        node's streams, background) beside the first
                        cimheadd's view (sessions, count, room, learned
                        cost, sample age and uses, departure rate, base
                        trend), for debugging a policy; the truth alone
                        for HAProxy
  BENCH_CPU_D, BENCH_CPU_L  cores of the front ends and of the mock
"""
import asyncio
import json
import math
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import time

ENV = os.environ
TRACE = ENV.get("BENCH_B_TRACE")	# JSON lines: truth and daemon's view
ADMINS = []			# the running daemons' admin ports
QUICK = ENV.get("BENCH_B_QUICK", "0") not in ("", "0")


def env(name, default, quick=None):
    if name in ENV and ENV[name] != "":
        return ENV[name]
    return quick if QUICK and quick is not None else default


BITRATE = int(env("BENCH_B_BITRATE", "1000000"))
SESSION = float(env("BENCH_B_SESSION", "5", "4"))
SECS = float(env("BENCH_B_SECS", "7", "5"))
SAMPLE = float(env("BENCH_B_SAMPLE", "0.25"))
LOADS = [float(x) for x in env("BENCH_B_LOADS", "0.5 0.6 0.7 0.8 0.9 0.95",
                               "0.7 0.9").split()]
SWEEP = env("BENCH_B_SWEEP", "search", "all")
START = float(env("BENCH_B_START", "0.8"))
SCENARIOS = env("BENCH_B_SCENARIOS", "d a b c e").split()
POLICIES = (env("BENCH_B_POLICIES", "default least-load two-choices "
                "round-robin least-streams haproxy-agent haproxy-wrr",
                "default round-robin haproxy-agent").split()
            + env("BENCH_B_NEW_POLICY", "").split())
MOVE = float(env("BENCH_B_MOVE", str(SESSION)))
BG = float(env("BENCH_B_BG", "0.5"))
STEP = 0.5			# background ramp step, s
SEQ_GAP = float(env("BENCH_B_SEQ_GAP", "0.5"))
SEQ_N = 12
AGENT_INTER = env("BENCH_B_AGENT_INTER", "1s")
MAX_MIN = float(env("BENCH_B_MAX_MIN", "30", "8"))
SEED = int(env("BENCH_B_SEED", "13"))
CPU_D = env("BENCH_CPU_D", "0")
CPU_L = env("BENCH_CPU_L", "1")
MBIT = 1000000
UNEQUAL = [20, 20, 40, 40, 80, 80]	# capacity in streams (x bitrate)
PAIRS = [(0, 1), (2, 3), (4, 5)]
NTITLES = 100

PROCS = []
STOPPING = False		# a signal came: start nothing more
OUTF = None
T_START = time.time()


def out(line=""):
    print(line)
    sys.stdout.flush()
    if OUTF:
        OUTF.write(line + "\n")
        OUTF.flush()


def start(cmd, cpu, log):
    if STOPPING:
        raise KeyboardInterrupt
    p = subprocess.Popen(["taskset", "-c", str(cpu)] + cmd,
                         stdout=subprocess.DEVNULL, stderr=log,
                         stdin=subprocess.DEVNULL)
    PROCS.append(p)
    return p


def stop(p):
    if p is None or p.poll() is not None:
        if p in PROCS:
            PROCS.remove(p)
        return
    p.terminate()
    try:
        p.wait(5)
    except subprocess.TimeoutExpired:
        p.kill()
        p.wait(5)
    PROCS.remove(p)


def stop_all(kill=False):
    for p in list(PROCS):
        try:
            if kill:
                p.kill()
            stop(p)
        except Exception:
            pass


def wait_lines(path, n, secs=20):
    end = time.time() + secs
    while time.time() < end:
        try:
            with open(path) as f:
                lines = f.read().splitlines()
            if len(lines) >= n:
                return lines
        except OSError:
            pass
        time.sleep(0.05)
    raise RuntimeError("timeout waiting for " + path)


def free_port():
    s = socket.socket()
    s.bind(("127.0.0.1", 0))
    port = s.getsockname()[1]
    s.close()
    return port


def wait_port(port, secs=10):
    end = time.time() + secs
    while time.time() < end:
        try:
            socket.create_connection(("127.0.0.1", port), 0.5).close()
            return
        except OSError:
            time.sleep(0.05)
    raise RuntimeError("nothing listens on port %d" % port)


def erlang_b(c, a):
    b = 1.0
    for k in range(1, c + 1):
        b = a * b / (k + a * b)
    return b


# ------------------------------------------------------------ the cluster
class Cluster:
    """cimmockd with the scenario's nodes; names, ports, control URL."""

    def __init__(self, tdir, caps, title_bytes, log, tag):
        scen = os.path.join(tdir, "b-%s.json" % tag)
        with open(scen, "w") as f:
            json.dump({"nodes": [
                {"name": "N%d" % (i + 1), "bitrate": BITRATE,
                 "bandwidth": c * BITRATE, "title_bytes": title_bytes,
                 "stream_cpu": 0.2, "stream_memory": 1048576}
                for i, c in enumerate(caps)]}, f)
        ready = os.path.join(tdir, "b-%s.ready" % tag)
        if os.path.exists(ready):
            os.unlink(ready)
        self.proc = start([os.path.join(BDIR, "cimmockd"), "--scenario",
                           scen, "--schema",
                           os.path.join(SDIR, "schemas/win32.mof"),
                           "--log-level", "err", "--ready-file", ready],
                          CPU_L, log)
        lines = wait_lines(ready, len(caps))
        self.nodes = [ln.split() for ln in lines]
        self.names = [n[1] for n in self.nodes]
        self.ports = [int(n[3].split(":")[2].split("/")[0])
                      for n in self.nodes]
        self.byport = {p: i for i, p in enumerate(self.ports)}
        self.ctl = self.nodes[0][5].rsplit("/nodes/", 1)[0]
        self.ctl_port = int(self.ctl.split(":")[2])
        self.caps = list(caps)

    def close(self):
        stop(self.proc)


async def http(port, method, path, body=None, timeout=5):
    r, w = await asyncio.wait_for(
        asyncio.open_connection("127.0.0.1", port), timeout)
    try:
        data = body.encode() if body else b""
        w.write(("%s %s HTTP/1.0\r\nHost: 127.0.0.1\r\nContent-Type: "
                 "application/json\r\nContent-Length: %d\r\n\r\n"
                 % (method, path, len(data))).encode() + data)
        await w.drain()
        resp = await asyncio.wait_for(r.read(), timeout)
    finally:
        w.close()
    head, _, rest = resp.partition(b"\r\n\r\n")
    return int(head.split()[1]), rest


# ------------------------------------------------------------ front ends
def daemon_conf(path, cl, policy, weights):
    with open(path, "w") as f:
        f.write("[cimheadd]\nlisten = 127.0.0.1:0\n"
                "admin-listen = 127.0.0.1:0\n")
        if policy != "default":
            f.write("policy = %s\n" % policy)
        if ENV.get("BENCH_B_CONF"):
            with open(ENV["BENCH_B_CONF"]) as g:
                f.write(g.read().rstrip("\n") + "\n")
        for n, w in zip(cl.nodes, weights):
            f.write("[node %s]\nurl = %s\nprocess = vodstream.exe\n"
                    "stream-url = %s{title}\nweight = %d\n"
                    % (n[1], n[3], n[7], w))
            if ENV.get("BENCH_B_NODE_CONF"):
                with open(ENV["BENCH_B_NODE_CONF"]) as g:
                    f.write(g.read().rstrip("\n") + "\n")


def start_daemon(tdir, cl, policy, weights, log, k):
    conf = os.path.join(tdir, "b-d%d.conf" % k)
    ports = os.path.join(tdir, "b-d%d.ports" % k)
    if os.path.exists(ports):
        os.unlink(ports)
    daemon_conf(conf, cl, policy, weights)
    p = start([os.path.join(BDIR, "cimheadd"), "-f", conf, "-P", ports],
              CPU_D, log)
    pl = wait_lines(ports, 2)
    hp = [ln.split()[1] for ln in pl if ln.startswith("viewer")][0]
    ap = [ln.split()[1] for ln in pl if ln.startswith("admin")]
    if ap:
        ADMINS.append(int(ap[0].rsplit(":", 1)[1]))
    return p, int(hp.rsplit(":", 1)[1])


def start_haproxy(tdir, cl, weights, agents, log, k):
    port = free_port()
    conf = os.path.join(tdir, "b-h%d.cfg" % k)
    with open(conf, "w") as f:
        f.write("global\n    maxconn 8192\n"
                "defaults\n    mode http\n    timeout connect 2s\n"
                "    timeout client 10s\n    timeout server 10s\n"
                "frontend viewers\n    bind 127.0.0.1:%d\n"
                "    http-request replace-path ^/watch/(.*) /vod/\\1\n"
                "    default_backend nodes\n"
                "backend nodes\n    balance roundrobin\n" % port)
        for i, (nm, np) in enumerate(zip(cl.names, cl.ports)):
            line = ("    server %s 127.0.0.1:%d redir http://127.0.0.1:%d "
                    "weight %d" % (nm, np, np, weights[i] * 25))
            if agents:
                line += (" agent-check agent-addr 127.0.0.1 agent-port %d "
                         "agent-inter %s" % (agents[i], AGENT_INTER))
            f.write(line + "\n")
    p = start(["haproxy", "-db", "-q", "-f", conf], CPU_D, log)
    wait_port(port)
    return p, port


class Agents:
    """One TCP agent per node for HAProxy's agent-check: free capacity of
    the node as a weight percentage, from the latest control-API sample."""

    def __init__(self, point):
        self.point = point
        self.servers = []
        self.ports = []

    async def start(self, n):
        for i in range(n):
            srv = await asyncio.start_server(
                lambda r, w, i=i: self.answer(i, r, w), "127.0.0.1", 0)
            self.servers.append(srv)
            self.ports.append(srv.sockets[0].getsockname()[1])

    async def answer(self, i, r, w):
        free = self.point.free_fraction(i)
        w.write(("%d%%\n" % int(100 * free)).encode())
        try:
            await w.drain()
        except OSError:
            pass
        w.close()

    def close(self):
        for s in self.servers:
            s.close()


# ------------------------------------------------------------ traces
def trace(tag, load, cap, duration, nfront):
    """Poisson arrivals over duration at load x cap / SESSION per second:
    [(t, title, front)], the same for every policy."""
    rng = random.Random("%d/%s/%.3f" % (SEED, tag, load))
    rate = load * cap / SESSION
    zipf = [1.0 / k for k in range(1, NTITLES + 1)]
    t, res = 0.0, []
    while True:
        t += rng.expovariate(rate)
        if t >= duration:
            return rate, res
        res.append((t, "title%03d" % rng.choices(range(NTITLES), zipf)[0],
                    rng.randrange(nfront)))


def bg_schedule(tag, caps, duration):
    """c: [(t, [background bytes/s per node])] every STEP seconds."""
    rng = random.Random("%d/%s/bg" % (SEED, tag))
    full = [BG * c * BITRATE / 8 for c in caps]
    cur = [0.0] * len(caps)
    for a, b in PAIRS:
        cur[a if rng.random() < 0.5 else b] = 1.0
    prev, steps, t, k = list(cur), [], 0.0, 0
    while t <= duration + STEP:
        if t >= (k + 1) * MOVE - 1e-9:
            k += 1
            prev = list(cur)
            tgt = [0.0] * len(caps)
            for a, b in PAIRS:
                tgt[a if rng.random() < 0.5 else b] = 1.0
            cur = tgt
        x = min(1.0, (t - k * MOVE) / MOVE + STEP / MOVE) if k else 1.0
        steps.append((t, [int(full[i] * (prev[i] + (cur[i] - prev[i]) * x))
                          for i in range(len(caps))]))
        t = round(t + STEP, 6)
    return steps


def bg_at(steps, t):
    v = steps[0][1]
    for ts, vals in steps:
        if ts > t:
            break
        v = vals
    return v


def simulate(arrivals, caps, steps, w0, w1):
    """The omniscient dispatcher over the same trace: it knows every
    node's streams and the background schedule, sends each viewer to the
    node with the most room left over the whole session (capacity minus
    the streams still open, at the arrival and at every background step
    until the session ends), and refuses only when no node has room for
    one more all along.  Returns blocking % and QoS violation % (stream-
    seconds over capacity) within [w0, w1)."""
    import bisect
    ends = [[] for _ in caps]	# sorted end times of open streams
    times = [ts for ts, _ in steps]

    def cap(i, t):
        return caps[i] - 8 * bg_at(steps, t)[i] / BITRATE

    asked = refused = 0
    admitted = []
    for t, _, _ in arrivals:
        for e in ends:
            del e[:bisect.bisect_right(e, t)]
        checks = [t] + [ts for ts in times[bisect.bisect_right(times, t):]
                        if ts < t + SESSION]
        room = [min(cap(i, ts) - (len(ends[i]) -
                                  bisect.bisect_right(ends[i], ts))
                    for ts in checks) for i in range(len(caps))]
        best = max(range(len(caps)), key=lambda i: room[i])
        inwin = w0 <= t < w1
        asked += inwin
        if room[best] >= 1 - 1e-9:
            bisect.insort(ends[best], t + SESSION)
            admitted.append((t, best))
        else:
            refused += inwin
    # QoS: sweep each node's arrivals, departures and background steps
    tot = over = 0.0
    for i in range(len(caps)):
        ev = sorted([(t, 1) for t, n in admitted if n == i] +
                    [(t + SESSION, -1) for t, n in admitted if n == i] +
                    [(ts, 0) for ts in times] + [(w0, 0), (w1, 0)])
        n, prev = 0, 0.0
        for t, d in ev:
            a, b = max(prev, w0), min(t, w1)
            if b > a:
                tot += n * (b - a)
                if n > cap(i, a) + 1e-9:
                    over += n * (b - a)
            n += d
            prev = t
    return (100.0 * refused / asked if asked else 0.0,
            100.0 * over / tot if tot else 0.0)


# ------------------------------------------------------------ one point
class Point:
    def __init__(self, cl, fronts, bg_steps):
        self.cl = cl
        self.fronts = fronts
        self.steps = bg_steps
        self.live = [0] * len(cl.caps)
        self.last = None	# latest sample: [(streams, bg bytes/s)]
        self.st = dict.fromkeys(("asked", "302", "503", "room503", "other",
                                 "err", "stream_err", "sessions"), 0)
        self.tot = self.over = 0.0
        self.maxutil = 0.0
        self.t0 = 0.0
        self.w0 = self.w1 = 0.0
        self.counts = [0] * len(cl.caps)
        self.asking = 0		# measured viewers waiting for an answer

    def bg_now(self):
        if not self.steps:
            return [0] * len(self.cl.caps)
        return bg_at(self.steps, time.monotonic() - self.t0)

    def free_fraction(self, i):
        if self.last is None:
            return 1.0
        s, bg = self.last[i]
        bw = self.cl.caps[i] * BITRATE
        return max(0.0, 1.0 - (s * BITRATE + 8 * bg) / bw)

    async def ask(self, front, title):
        r, w = await asyncio.open_connection("127.0.0.1", front)
        try:
            w.write(("GET /watch/%s HTTP/1.1\r\nHost: 127.0.0.1:%d\r\n"
                     "Connection: close\r\n\r\n" % (title, front)).encode())
            await w.drain()
            status = int((await r.readline()).split()[1])
            loc = None
            while True:
                line = (await r.readline()).decode().strip()
                if not line:
                    break
                k, _, v = line.partition(":")
                if k.strip().lower() == "location":
                    loc = v.strip()
        finally:
            w.close()
        return status, loc

    async def viewer(self, title, front, measured):
        st = self.st
        self.asking += measured
        try:
            status, loc = await asyncio.wait_for(self.ask(front, title), 10)
        except (OSError, ValueError, IndexError, asyncio.TimeoutError):
            st["err"] += measured
            return
        finally:
            self.asking -= measured
        st["asked"] += measured
        if status == 503:
            st["503"] += measured
            bg = self.bg_now()
            if measured and any(
                    c - 8 * bg[i] / BITRATE - self.live[i] >= 1
                    for i, c in enumerate(self.cl.caps)):
                st["room503"] += 1
            return
        if status != 302 or not loc:
            st["other"] += measured
            return
        st["302"] += measured
        hp, _, path = loc[len("http://"):].partition("/")
        node = self.cl.byport.get(int(hp.rsplit(":", 1)[1]))
        if node is None:
            st["other"] += measured
            return
        self.counts[node] += 1
        self.live[node] += 1
        try:
            r, w = await asyncio.open_connection("127.0.0.1",
                                                 self.cl.ports[node])
            w.write(("GET /%s HTTP/1.1\r\nHost: %s\r\nConnection: close"
                     "\r\n\r\n" % (path, hp)).encode())
            await w.drain()
            line = await r.readline()
            if int(line.split()[1]) not in (200, 206):
                st["stream_err"] += 1
            else:
                while await r.read(65536):
                    pass
                st["sessions"] += 1
            w.close()
        except (OSError, ValueError, IndexError):
            st["stream_err"] += 1
        finally:
            self.live[node] -= 1

    async def sampler(self, end):
        loop = asyncio.get_running_loop()
        prev = None
        while loop.time() < end:
            try:
                code, body = await http(self.cl.ctl_port, "GET", "/nodes")
                nodes = {n["name"]: n for n in json.loads(body)["nodes"]}
            except (OSError, ValueError, KeyError, asyncio.TimeoutError):
                await asyncio.sleep(SAMPLE)
                continue
            now = loop.time()
            self.last = [(nodes[nm]["streams"], nodes[nm]["background_bps"])
                         for nm in self.cl.names]
            self.sent = [nodes[nm].get("stream_bytes") for nm in self.cl.names]
            if TRACE:
                await self.trace(now)
            if prev is not None and self.w0 <= now <= self.w1:
                dt = now - prev
                for i, (s, bg) in enumerate(self.last):
                    bw = self.cl.caps[i] * BITRATE
                    u = (s * BITRATE + 8 * bg) / bw
                    self.tot += s * dt
                    if u > 1 + 1e-9:
                        self.over += s * dt
                    self.maxutil = max(self.maxutil, u)
            prev = now
            await asyncio.sleep(SAMPLE)

    async def trace(self, now):
        """BENCH_B_TRACE: the truth beside the first daemon's view."""
        dn = {}
        try:
            if ADMINS:
                code, body = await http(ADMINS[0], "GET", "/api/v1/nodes")
                dn = {n["name"]: n for n in json.loads(body)["nodes"]}
        except (OSError, ValueError, KeyError, asyncio.TimeoutError):
            return
        rec = {"t": round(now - self.t0, 3), "nodes": []}
        for i, nm in enumerate(self.cl.names):
            s, bg = self.last[i]
            d = dn.get(nm, {})
            rec["nodes"].append({
                "name": nm, "cap": self.cl.caps[i], "streams": s,
                "sent": self.sent[i],
                "bg": round(8 * bg / BITRATE, 2),
                "sessions": d.get("sessions"),
                "counted": d.get("sessions_counted"),
                "room": d.get("room"), "cost": d.get("cost"),
                "net": d.get("net"), "age": d.get("sample_age_ms"),
                "uses": d.get("sample_uses"),
                "dep": d.get("departure_rate"),
                "len": d.get("session_length_ms"),
                "lag": d.get("session_lag_ms"),
                "disp": d.get("streams_dispatched"),
                "trend": d.get("trend")})
        with open(TRACE, "a") as f:
            f.write(json.dumps(rec) + "\n")

    async def mover(self, end):
        loop = asyncio.get_running_loop()
        cur = [None] * len(self.cl.caps)
        for ts, vals in self.steps:
            d = self.t0 + ts - time.monotonic()
            if d > 0:
                await asyncio.sleep(d)
            if loop.time() >= end:
                return
            for i, v in enumerate(vals):
                if v != cur[i]:
                    try:
                        await http(self.cl.ctl_port, "POST",
                                   "/nodes/%s/load" % self.cl.names[i],
                                   json.dumps({"background_bps": v}))
                        cur[i] = v
                    except (OSError, asyncio.TimeoutError):
                        pass

    async def run(self, arrivals, warm, secs):
        loop = asyncio.get_running_loop()
        self.t0 = time.monotonic()
        lt0 = loop.time()
        self.w0, self.w1 = lt0 + warm, lt0 + warm + secs
        tasks = set()
        side = [asyncio.create_task(self.sampler(self.w1))]
        if self.steps:
            side.append(asyncio.create_task(self.mover(self.w1)))
        for t, title, fi in arrivals:
            d = lt0 + t - loop.time()
            if d > 0:
                await asyncio.sleep(d)
            task = asyncio.create_task(
                self.viewer(title, self.fronts[fi], warm <= t < warm + secs))
            tasks.add(task)
            task.add_done_callback(tasks.discard)
        d = self.w1 - loop.time()
        if d > 0:
            await asyncio.sleep(d)
        # viewers who arrived in the window get their answer (3 s at most)
        end = loop.time() + 3
        while self.asking and loop.time() < end:
            await asyncio.sleep(0.05)
        self.st["err"] += self.asking
        for t in side:
            t.cancel()
        for t in list(tasks):
            t.cancel()
        await asyncio.gather(*tasks, *side, return_exceptions=True)


# ------------------------------------------------------------ scenarios
def weights_for(scn, caps):
    if scn == "b" or scn == "d":
        return [1] * len(caps)
    return [c // min(caps) for c in caps]


async def run_point(tdir, scn, policy, load, log):
    caps = [20, 20, 20] if scn == "d" else UNEQUAL
    weights = weights_for(scn, caps)
    nfront = 2 if scn == "e" else 1
    warm = SESSION
    if scn == "d":
        title_bytes = int(BITRATE / 8 * (SEQ_N * SEQ_GAP + SESSION + 5))
    else:
        title_bytes = int(BITRATE / 8 * SESSION)
    cl = Cluster(tdir, caps, title_bytes, log, scn)
    procs, agents = [], None
    try:
        steps = None
        cap = sum(caps)
        if scn == "c":
            steps = bg_schedule("c%.3f" % load, caps, warm + SECS)
            cap = sum(caps) * (1 - BG / 2)	# one of each pair loaded
            cl_bg = steps[0][1]
            for i, v in enumerate(cl_bg):
                await http(cl.ctl_port, "POST", "/nodes/%s/load"
                           % cl.names[i], json.dumps({"background_bps": v}))
        point = Point(cl, [], steps)
        if policy.startswith("haproxy"):
            if policy == "haproxy-agent":
                agents = Agents(point)
                await agents.start(len(caps))
            for k in range(nfront):
                p, port = await asyncio.to_thread(
                    start_haproxy, tdir, cl, weights,
                    agents.ports if agents else None, log, k)
                procs.append(p)
                point.fronts.append(port)
        else:
            for k in range(nfront):
                p, port = await asyncio.to_thread(
                    start_daemon, tdir, cl, policy, weights, log, k)
                procs.append(p)
                point.fronts.append(port)
        # the daemons' first look at the nodes; the agents' first answer
        samp = asyncio.create_task(point.sampler(
            asyncio.get_running_loop().time() + 1.0))
        await asyncio.sleep(1.0)
        await samp
        if scn == "d":
            return await run_seq(point)
        # a, b and e share their trace (e's front end choice aside)
        rate, arrivals = trace("c" if scn == "c" else "u", load, cap,
                               warm + SECS, nfront)
        await point.run(arrivals, warm, SECS)
        if steps:
            ref_b, ref_v = simulate(arrivals, caps, steps, warm, warm + SECS)
        else:
            ref_b, ref_v = 100 * erlang_b(int(cap), load * cap), 0.0
        return point, rate, ref_b, ref_v
    finally:
        if agents:
            agents.close()
        for p in procs:
            stop(p)
        ADMINS.clear()
        cl.close()


async def run_seq(point):
    tasks = []
    for k in range(SEQ_N):
        before = sum(point.counts)
        tasks.append(asyncio.create_task(
            point.viewer("title%03d" % k, point.fronts[0], True)))
        end = time.monotonic() + 10
        while sum(point.counts) == before and time.monotonic() < end \
                and not tasks[-1].done():
            await asyncio.sleep(0.01)
        await asyncio.sleep(SEQ_GAP)
    for t in tasks:
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    return point


def held(st, viol, blk, ref_b, ref_v):
    return st["asked"] > 0 and viol < 1.0 and blk <= ref_b + 1.0


SCN_TITLE = {
    "a": "a. unequal nodes (20/20/40/40/80/80 streams), weights known",
    "b": "b. unequal nodes, weights unknown (all 1)",
    "c": "c. unequal nodes, weights known, background traffic moving "
         "between the nodes of each pair",
    "d": "d. sequential viewers on 3 identical nodes",
    "e": "e. unequal nodes, weights known, two head-ends",
}


def over_time():
    if STOPPING:
        raise KeyboardInterrupt
    return time.time() - T_START > MAX_MIN * 60


def scenario_sweep(tdir, scn, log):
    out("")
    out("### %s" % SCN_TITLE[scn])
    out("")
    if scn == "c":
        out("Background: %g of a node's bandwidth on one node of each pair "
            "(capacity left 10/20/40 streams there), moving every %g s in "
            "%g s steps; load is of the mean capacity left, %d streams; "
            "reference simulated over the same trace and schedule."
            % (BG, MOVE, STEP, sum(UNEQUAL) * (1 - BG / 2)))
        out("")
    out("| policy | load | offered/s | asked | 503 | blocking | reference "
        "| QoS violations (stream-s over capacity) | max node util "
        "| 503 with room | errors | held |")
    out("|---|---|---|---|---|---|---|---|---|---|---|---|")
    best = {}
    for pol in POLICIES:
        results = {}
        order = list(LOADS) if SWEEP == "all" else None
        lo, hi = -1, len(LOADS)	# indexes known held / not held
        i = min(range(len(LOADS)), key=lambda k: abs(LOADS[k] - START))
        while True:
            if order is not None:
                if not order:
                    break
                load = order.pop(0)
            else:
                if hi - lo <= 1:
                    break
                load = LOADS[i]
            if over_time():
                out("| %s | %g | not run: BENCH_B_MAX_MIN reached |"
                    % (pol, load))
                break
            try:
                point, rate, ref_b, ref_v = asyncio.run(
                    run_point(tdir, scn, pol, load, log))
            except (RuntimeError, OSError, FileNotFoundError) as e:
                out("| %s | %g | failed: %s |" % (pol, load, e))
                break
            st = point.st
            blk = 100.0 * st["503"] / st["asked"] if st["asked"] else 0.0
            viol = 100.0 * point.over / point.tot if point.tot else 0.0
            ok = held(st, viol, blk, ref_b, ref_v)
            results[load] = ok
            refs = "%.1f%%" % ref_b
            if scn == "c":
                refs += " (viol %.1f%%)" % ref_v
            out("| %s | %g | %.1f | %d | %d | %.1f%% | %s | %.1f%% | %.0f%% "
                "| %d | %d | %s |"
                % (pol, load, rate, st["asked"], st["503"], blk, refs, viol,
                   100 * point.maxutil, st["room503"],
                   st["err"] + st["other"] + st["stream_err"],
                   "yes" if ok else "no"))
            if order is None:
                if ok:
                    lo = i
                else:
                    hi = i
                i = (lo + hi) // 2
        held_loads = [x for x in results if results[x]]
        best[pol] = (max(held_loads) if held_loads else None, results)
    out("")
    out("Largest load held (%s):" % SCN_TITLE[scn][:1])
    out("")
    out("| policy | largest load held | loads tried (held: +, not: -) |")
    out("|---|---|---|")
    for pol in POLICIES:
        if pol not in best:
            continue
        b, res = best[pol]
        tried = " ".join("%g%s" % (x, "+" if res[x] else "-")
                         for x in sorted(res))
        out("| %s | %s | %s |" % (pol, "< %g" % min(LOADS) if b is None
                                  else "%g" % b, tried))


def scenario_seq(tdir, log):
    out("")
    out("### %s" % SCN_TITLE["d"])
    out("")
    out("%d viewers %g s apart, each keeping its stream; 3 nodes of 20 "
        "streams, weights 1; target: every node within one of %d."
        % (SEQ_N, SEQ_GAP, SEQ_N // 3))
    out("")
    out("| policy | viewers per node | 503 | errors | within one of even |")
    out("|---|---|---|---|---|")
    for pol in POLICIES:
        if over_time():
            out("| %s | not run: BENCH_B_MAX_MIN reached |" % pol)
            continue
        try:
            point = asyncio.run(run_point(tdir, "d", pol, 0, log))
        except (RuntimeError, OSError) as e:
            out("| %s | failed: %s |" % (pol, e))
            continue
        c = point.counts
        ok = sum(c) == SEQ_N and all(abs(x - SEQ_N / 3) <= 1 for x in c)
        st = point.st
        out("| %s | %s | %d | %d | %s |"
            % (pol, " / ".join(str(x) for x in c), st["503"],
               st["err"] + st["other"] + st["stream_err"],
               "yes" if ok else "no"))


def on_signal(sig, frame):
    global STOPPING
    STOPPING = True
    stop_all(kill=True)
    raise KeyboardInterrupt


def main(a):
    global BDIR, SDIR, OUTF
    if len(a) != 3:
        sys.stderr.write(__doc__)
        return 2
    BDIR, SDIR, tdir = a
    os.makedirs(tdir, exist_ok=True)
    if any(p.startswith("haproxy") for p in POLICIES) and \
            not shutil.which("haproxy"):
        sys.stderr.write("balance.py: haproxy not found (apt-get install "
                         "haproxy), or drop haproxy-* from "
                         "BENCH_B_POLICIES\n")
        return 2
    outp = ENV.get("BENCH_B_OUT") or os.path.join(BDIR, "bench-out",
                                                  "balance.md")
    os.makedirs(os.path.dirname(os.path.abspath(outp)), exist_ok=True)
    OUTF = open(outp, "a")
    # Ctrl-C, kill and a closed terminal all stop every process started
    # here (SIGINT too when the shell started us with it ignored)
    for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP):
        signal.signal(sig, on_signal)
    log = open(os.path.join(tdir, "balance.log"), "a")
    try:
        out("")
        out("## Balancing benchmark (issue 13), %s"
            % time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()))
        out("")
        out("Sessions %g s at %d bit/s, %g s measured per point after %g s "
            "of warm-up, mock sampled every %g s; loads %s (%s); policies "
            "%s; seed %d.  Held: QoS violations < 1%% of stream-seconds and "
            "blocking within 1 point of the reference."
            % (SESSION, BITRATE, SECS, SESSION, SAMPLE,
               " ".join("%g" % x for x in LOADS), SWEEP, " ".join(POLICIES),
               SEED))
        for scn in SCENARIOS:
            if scn == "d":
                scenario_seq(tdir, log)
            elif scn in SCN_TITLE:
                scenario_sweep(tdir, scn, log)
            else:
                out("unknown scenario %s" % scn)
        out("")
        out("Run time %.1f min." % ((time.time() - T_START) / 60))
    except KeyboardInterrupt:
        out("")
        out("(interrupted)")
        return 130
    finally:
        stop_all()
        OUTF.close()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
