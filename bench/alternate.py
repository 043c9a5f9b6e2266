#!/usr/bin/env python3
"""Runs two commands alternately (A B A B ...), each after its own prepare
command (untimed), and reports wall time (median, min, max), CPU time
(user + system, of the command and the children it waited for) and peak
RSS of each, and the ratios B/A of the medians. CPU time is reported too
because a shared machine's load stretches wall time. Commands are shell
strings.

    alternate.py --runs 5 --name-a azl --a 'CMD' --prep-a 'CMD' \
                 --name-b rpm --b 'CMD' --prep-b 'CMD' [--json OUT]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time


def run(cmd):
    t0 = time.monotonic()
    p = subprocess.Popen(["/bin/sh", "-c", cmd], stdout=subprocess.DEVNULL,
                         stderr=subprocess.DEVNULL)
    _, status, ru = os.wait4(p.pid, 0)
    dt = time.monotonic() - t0
    code = status >> 8
    return dt, ru.ru_utime + ru.ru_stime, ru.ru_maxrss, code


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--a", required=True)
    ap.add_argument("--b", required=True)
    ap.add_argument("--prep-a", default="true")
    ap.add_argument("--prep-b", default="true")
    ap.add_argument("--name-a", default="A")
    ap.add_argument("--name-b", default="B")
    ap.add_argument("--ok-a", type=int, default=0, help="expected exit code")
    ap.add_argument("--ok-b", type=int, default=0, help="expected exit code")
    ap.add_argument("--json")
    a = ap.parse_args()
    res = {a.name_a: [], a.name_b: []}
    cpu = {a.name_a: [], a.name_b: []}
    rss = {a.name_a: 0, a.name_b: 0}
    for i in range(a.runs):
        for name, prep, cmd, ok in ((a.name_a, a.prep_a, a.a, a.ok_a),
                                    (a.name_b, a.prep_b, a.b, a.ok_b)):
            subprocess.run(["/bin/sh", "-c", prep], check=True,
                           stdout=subprocess.DEVNULL)
            dt, cputime, maxrss, code = run(cmd)
            if code != ok:
                sys.exit(f"{name} run {i + 1}: exit {code}, expected {ok}: {cmd}")
            res[name].append(dt)
            cpu[name].append(cputime)
            rss[name] = max(rss[name], maxrss)
            print(f"run {i + 1} {name}: {dt:.3f} s wall, {cputime:.3f} s CPU, "
                  f"{maxrss // 1024} MiB peak RSS", flush=True)
    out = {}
    for name, ts in res.items():
        c = cpu[name]
        out[name] = {"median_s": statistics.median(ts), "min_s": min(ts),
                     "max_s": max(ts), "runs": ts,
                     "median_cpu_s": statistics.median(c), "cpu_runs": c,
                     "max_rss_kib": rss[name]}
        print(f"{name}: wall median {statistics.median(ts):.3f} s (min {min(ts):.3f}, "
              f"max {max(ts):.3f}), CPU median {statistics.median(c):.3f} s, "
              f"peak RSS {rss[name] // 1024} MiB")
    ratio = out[a.name_b]["median_s"] / out[a.name_a]["median_s"]
    cratio = out[a.name_b]["median_cpu_s"] / max(out[a.name_a]["median_cpu_s"], 1e-6)
    out["ratio_b_over_a"] = ratio
    out["cpu_ratio_b_over_a"] = cratio
    print(f"ratio {a.name_b}/{a.name_a}: wall {ratio:.2f}, CPU {cratio:.2f}")
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
