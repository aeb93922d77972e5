#!/usr/bin/env python3
"""quality.py: balancing quality, the paper's own metric (stdlib only).

  quality.py BUILDDIR SRCDIR TMPDIR

Three unequal mock nodes (bandwidth 20, 40 and 80 Mbit/s; 1 Mbit/s
streams, so 20, 40 and 80 concurrent viewers fit) behind cimheadd.  Viewers
arrive as a Poisson process, pick titles by Zipf's law, ask cimheadd, and
really pull the stream from the node they were sent to, for a whole
session (title_bytes at the bitrate), so the node's counters are real
load.  Every 0.5 s the nodes' open streams are read from cimmockd's control
API.  For each policy and offered rate the output row gives the 302s and
503s, the largest node utilisation seen (streams / capacity; over 100% =
a node past its capacity, viewers below QoS), and the time-averaged peak
node utilisation.  Offered rates are fractions of the omniscient bound:
total capacity / session length.

Environment: BENCH_Q_SECS (seconds per point, default 30), BENCH_Q_SESSION
(session seconds, default 8), BENCH_Q_LOADS (fractions, default
"0.6 0.8 0.95"), BENCH_Q_POLICIES, BENCH_CPU_D, BENCH_CPU_L.
"""
import asyncio
import json
import os
import random
import subprocess
import sys
import time
import urllib.request

BITRATE = 1000000
BANDWIDTHS = [20000000, 40000000, 80000000]
NTITLES = 100


def start(cmd, cpu, log):
    return subprocess.Popen(["taskset", "-c", str(cpu)] + cmd,
                            stdout=subprocess.DEVNULL, stderr=log)


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


async def fetch_head(host, port, path):
    r, w = await asyncio.open_connection(host, port)
    w.write(("GET %s HTTP/1.1\r\nHost: %s:%d\r\nConnection: close\r\n\r\n"
             % (path, host, port)).encode())
    await w.drain()
    status = int((await r.readline()).split()[1])
    hdrs = {}
    while True:
        line = (await r.readline()).decode().strip()
        if not line:
            break
        k, _, v = line.partition(":")
        hdrs[k.strip().lower()] = v.strip()
    return r, w, status, hdrs


async def viewer(st, front, title):
    try:
        r, w, status, hdrs = await fetch_head(front[0], front[1],
                                              "/watch/" + title)
        w.close()
        if status == 503:
            st["503"] += 1
            return
        if status != 302:
            st["other"] += 1
            return
        st["302"] += 1
        loc = hdrs["location"]
        hp, _, path = loc[len("http://"):].partition("/")
        host, _, port = hp.partition(":")
        r, w, status, hdrs = await fetch_head(host, int(port), "/" + path)
        if status not in (200, 206):
            st["stream_err"] += 1
            w.close()
            return
        while True:
            b = await r.read(65536)
            if not b:
                break
            st["bytes"] += len(b)
        w.close()
        st["sessions"] += 1
    except (OSError, ValueError, IndexError, KeyError):
        st["err"] += 1


def node_streams(ctl):
    with urllib.request.urlopen(ctl + "/nodes", timeout=5) as r:
        return {n["name"]: n["streams"] for n in json.load(r)["nodes"]}


async def run_point(front, ctl, names, rate, secs, session):
    st = dict.fromkeys(("302", "503", "other", "err", "stream_err",
                        "sessions", "bytes"), 0)
    caps = {nm: bw // BITRATE for nm, bw in zip(names, BANDWIDTHS)}
    zipf = [1.0 / k for k in range(1, NTITLES + 1)]
    titles = ["title%03d" % k for k in range(NTITLES)]
    samples = []
    tasks = set()
    loop = asyncio.get_running_loop()
    t0 = loop.time()

    async def sampler():
        while loop.time() - t0 < secs:
            await asyncio.sleep(0.5)
            if loop.time() - t0 < session:
                continue	# warm-up: the first sessions are still arriving
            s = await asyncio.to_thread(node_streams, ctl)
            samples.append(max(s.get(nm, 0) / caps[nm] for nm in names))

    samp = asyncio.create_task(sampler())
    while loop.time() - t0 < secs:
        await asyncio.sleep(random.expovariate(rate))
        t = asyncio.create_task(viewer(st, front,
                                       random.choices(titles, zipf)[0]))
        tasks.add(t)
        t.add_done_callback(tasks.discard)
    await samp
    for t in list(tasks):
        t.cancel()
    await asyncio.gather(*tasks, return_exceptions=True)
    st["peak_max"] = max(samples) if samples else 0
    st["peak_avg"] = sum(samples) / len(samples) if samples else 0
    st["over"] = sum(1 for x in samples if x > 1.0)
    st["nsamples"] = len(samples)
    return st


def main(a):
    if len(a) != 3:
        sys.stderr.write(__doc__)
        return 2
    bdir, sdir, tdir = a
    secs = float(os.environ.get("BENCH_Q_SECS", "30"))
    session = float(os.environ.get("BENCH_Q_SESSION", "8"))
    loads = [float(x) for x in
             os.environ.get("BENCH_Q_LOADS", "0.6 0.8 0.95").split()]
    policies = os.environ.get("BENCH_Q_POLICIES", "least-load two-choices "
                              "round-robin least-streams").split()
    cpu_d = os.environ.get("BENCH_CPU_D", "0")
    cpu_l = os.environ.get("BENCH_CPU_L", "1")
    total = sum(BANDWIDTHS) // BITRATE
    bound = total / session
    title_bytes = int(BITRATE / 8 * session)
    scen = os.path.join(tdir, "quality.json")
    with open(scen, "w") as f:
        json.dump({"nodes": [
            {"name": "Q%d" % (i + 1), "bitrate": BITRATE, "bandwidth": bw,
             "title_bytes": title_bytes, "stream_cpu": 0.2,
             "stream_memory": 1048576}
            for i, bw in enumerate(BANDWIDTHS)]}, f)
    log = open(os.path.join(tdir, "quality.log"), "a")
    print("")
    print("### Balancing quality (%s): nodes 20/40/80 Mbit/s, 1 Mbit/s "
          "streams, %g s sessions, Zipf titles, Poisson arrivals, %g s per "
          "point; omniscient bound %d streams = %.1f arrivals/s"
          % (time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()), session,
             secs, total, bound))
    print("")
    print("| policy | offered /s (of bound) | 302 | 503 | 503 rate | max "
          "node util | time-avg peak util | samples over capacity |")
    print("|---|---|---|---|---|---|---|---|")
    sys.stdout.flush()
    for pol in policies:
        for frac in loads:
            rate = bound * frac
            ready = os.path.join(tdir, "q.ready")
            ports = os.path.join(tdir, "q.ports")
            for p in (ready, ports):
                if os.path.exists(p):
                    os.unlink(p)
            mock = start([os.path.join(bdir, "cimmockd"), "--scenario", scen,
                          "--schema", os.path.join(sdir, "schemas/win32.mof"),
                          "--log-level", "err", "--ready-file", ready],
                         cpu_l, log)
            daemon = None
            try:
                lines = wait_lines(ready, len(BANDWIDTHS))
                nodes = [ln.split() for ln in lines]
                names = [n[1] for n in nodes]
                ctl = nodes[0][5].rsplit("/nodes/", 1)[0]
                conf = os.path.join(tdir, "q.conf")
                with open(conf, "w") as f:
                    f.write("[cimheadd]\nlisten = 127.0.0.1:0\n"
                            "admin-listen = 127.0.0.1:0\npolicy = %s\n"
                            "idle-check = 0\n" % pol)
                    for n, bw in zip(nodes, BANDWIDTHS):
                        f.write("[node %s]\nurl = %s\nprocess = vodstream.exe"
                                "\nstream-url = %s{title}\nweight = %d\n"
                                % (n[1], n[3], n[7], bw // BANDWIDTHS[0]))
                daemon = start([os.path.join(bdir, "cimheadd"), "-f", conf,
                                "-P", ports], cpu_d, log)
                pl = wait_lines(ports, 2)
                hp = pl[0].split()[1]
                front = (hp.split(":")[0], int(hp.split(":")[1]))
                time.sleep(1)
                st = asyncio.run(run_point(front, ctl, names, rate, secs,
                                           session))
                asked = st["302"] + st["503"]
                print("| %s | %.1f (%.0f%%) | %d | %d | %.1f%% | %.0f%% | "
                      "%.0f%% | %d of %d |"
                      % (pol, rate, 100 * frac, st["302"], st["503"],
                         100.0 * st["503"] / asked if asked else 0,
                         100 * st["peak_max"], 100 * st["peak_avg"],
                         st["over"], st["nsamples"]))
                if st["err"] or st["stream_err"] or st["other"]:
                    print("<!-- %s at %.1f/s: %d errors, %d stream errors, "
                          "%d other replies -->" % (pol, rate, st["err"],
                                                    st["stream_err"],
                                                    st["other"]))
                sys.stdout.flush()
            finally:
                for p in (daemon, mock):
                    if p is not None:
                        p.terminate()
                        try:
                            p.wait(5)
                        except subprocess.TimeoutExpired:
                            p.kill()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
