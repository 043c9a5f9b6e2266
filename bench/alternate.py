#!/usr/bin/env python3
"""Runs two to four commands alternately (A B [C [D]] A B [C [D]] ...), each after its own prepare
command (untimed) and followed by its own check command (untimed; a check
that fails, or a command that exits with another code than expected, fails
the benchmark). Commands are shell strings.

Each run is started in a cgroup of its own (cgroup v2, or v1's cpuacct
hierarchy), so that what it leaves running detached (the installer's cache
writer) is still seen. Reported per contender, as median (min–max):

  answer  wall time until the command exits (its answer is out)
  done    wall time until every process it started has exited (caches
          written); equals "answer" for a tool that leaves nothing behind
  CPU     user + system time of all those processes (the cgroup's)
  RSS     peak resident set of the command and the children it waited for
          (GNU time's %M)

and the ratios A/B (and A/C, A/D; --ratio c/d adds C/D) of the medians
(A's time as a fraction of the other's: below 1, A is faster). The 1-minute
load average is read before every run and reported beside the figures
(median, min–max): other work on the machine stretches wall times. A ratio is printed "indistinguishable"
when the spread of either contender (max - min) exceeds the difference of
the medians. Asserts nothing about time.

    alternate.py --runs 5 --name-a azl --a 'CMD' [--prep-a CMD] [--check-a CMD] \
                 --name-b rpm --b 'CMD' [--prep-b CMD] [--check-b CMD] \
                 [--name-c dnf --c 'CMD' ...] [--name-d ... --d 'CMD' ...]
                 [--ratio c/d ...] [--json OUT] [--cpus 0]

--cpus LIST: the timed commands run on those CPUs only (their affinity,
inherited by every process and thread they start); prepare and check
commands are not confined.
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import time

V2 = "/sys/fs/cgroup"
V1 = "/sys/fs/cgroup/cpuacct"


class Cgroup:
    def __init__(self, tag):
        if os.path.exists(f"{V2}/cgroup.controllers"):
            self.v2, base = True, V2
        elif os.path.isdir(V1):
            self.v2, base = False, V1
        else:
            sys.exit("alternate.py: no cgroup v2 and no v1 cpuacct hierarchy")
        self.path = f"{base}/azl-bench-{os.getpid()}-{tag}"
        self.rss = f"/tmp/azl-bench-{os.getpid()}-{tag}.rss"
        os.mkdir(self.path)

    def wrap(self, cmd):
        # The shell moves itself into the cgroup, then becomes GNU time,
        # which forks the command: a child of Python (vfork or fork) would
        # carry Python's resident set into its own peak.
        return ["/bin/sh", "-c",
                f'echo $$ >{self.path}/cgroup.procs && '
                f'exec /usr/bin/time -f %M -o {self.rss} /bin/sh -c "$0"', cmd]

    def rss_kib(self):
        with open(self.rss) as f:
            return int(f.read().split()[-1])

    def empty(self):
        with open(f"{self.path}/cgroup.procs") as f:
            return not f.read().strip()

    def cpu_s(self):
        if self.v2:
            with open(f"{self.path}/cpu.stat") as f:
                for line in f:
                    k, v = line.split()
                    if k == "usage_usec":
                        return int(v) / 1e6
            return 0.0
        with open(f"{self.path}/cpuacct.usage") as f:
            return int(f.read()) / 1e9

    def remove(self):
        os.rmdir(self.path)
        if os.path.exists(self.rss):
            os.unlink(self.rss)


def run(cmd, tag, cpus=None):
    cg = Cgroup(tag)
    try:
        load1 = os.getloadavg()[0]
        t0 = time.monotonic()
        p = subprocess.Popen(cg.wrap(cmd), stdout=subprocess.DEVNULL,
                             stderr=subprocess.DEVNULL,
                             preexec_fn=(lambda: os.sched_setaffinity(0, cpus)) if cpus else None)
        _, status, _ = os.wait4(p.pid, 0)
        answer = time.monotonic() - t0
        while not cg.empty():
            time.sleep(0.005)
        done = time.monotonic() - t0
        cpu = cg.cpu_s()
        rss = cg.rss_kib()
    finally:
        while True:
            try:
                cg.remove()
                break
            except OSError:
                time.sleep(0.01)
    code = os.waitstatus_to_exitcode(status)
    return {"answer_s": answer, "done_s": done, "cpu_s": cpu,
            "rss_kib": rss, "exit": code, "load1": load1}


def summary(xs):
    return {"median": statistics.median(xs), "min": min(xs), "max": max(xs)}


def verdict(a, b):
    """ratio b/a of the medians, and whether the spread hides it"""
    diff = abs(b["median"] - a["median"])
    spread = max(a["max"] - a["min"], b["max"] - b["min"])
    ratio = b["median"] / max(a["median"], 1e-9)
    return ratio, spread > diff


def fmt(s):
    return f"{s['median']:.3f} s ({s['min']:.3f}–{s['max']:.3f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--runs", type=int, default=5)
    for x in "abcd":
        ap.add_argument(f"--{x}", required=x in "ab", help="the command (C and D are optional)")
        ap.add_argument(f"--prep-{x}", default="true", help="untimed, before each run")
        ap.add_argument(f"--check-{x}", default="true", help="untimed, after each run; must succeed")
        ap.add_argument(f"--name-{x}", default=x.upper())
        ap.add_argument(f"--ok-{x}", type=int, default=0, help="expected exit code")
    ap.add_argument("--ratio", action="append", default=[],
                    help="X/Y: also print the ratio of contender X to Y (letters)")
    ap.add_argument("--json")
    ap.add_argument("--cpus", help="CPU list (0,2-3) the timed commands are confined to")
    a = ap.parse_args()
    cpus = None
    if a.cpus is not None:
        cpus = set()
        try:
            for part in a.cpus.split(","):
                lo, _, hi = part.partition("-")
                cpus.update(range(int(lo), int(hi or lo) + 1))
        except ValueError:
            sys.exit(f"alternate.py: --cpus {a.cpus}: not a CPU list (0,2-3)")
        if not cpus:
            sys.exit(f"alternate.py: --cpus {a.cpus}: no CPU in it")
        if not cpus <= os.sched_getaffinity(0):
            sys.exit(f"alternate.py: --cpus {a.cpus}: not all of them are available here")
    who = [(x, getattr(a, f"name_{x}"), getattr(a, f"prep_{x}"), getattr(a, x),
            getattr(a, f"check_{x}"), getattr(a, f"ok_{x}"))
           for x in "abcd" if getattr(a, x) is not None]
    runs = {w[1]: [] for w in who}
    for i in range(a.runs):
        for tag, name, prep, cmd, check, ok in who:
            subprocess.run(["/bin/sh", "-c", prep], check=True,
                           stdout=subprocess.DEVNULL)
            r = run(cmd, f"{i}{tag}", cpus)
            if r["exit"] != ok:
                sys.exit(f"FAIL: {name} run {i + 1}: exit {r['exit']}, expected {ok}: {cmd}")
            c = subprocess.run(["/bin/sh", "-c", check])
            if c.returncode != 0:
                sys.exit(f"FAIL: {name} run {i + 1}: the check failed: {check}")
            runs[name].append(r)
            print(f"run {i + 1} {name}: answer {r['answer_s']:.3f} s, done "
                  f"{r['done_s']:.3f} s, CPU {r['cpu_s']:.3f} s, "
                  f"{r['rss_kib'] // 1024} MiB peak RSS, load {r['load1']:.2f}", flush=True)
    out = {}
    for name, rs in runs.items():
        out[name] = {k: summary([r[k + "_s"] for r in rs]) for k in ("answer", "done", "cpu")}
        out[name]["max_rss_kib"] = max(r["rss_kib"] for r in rs)
        out[name]["load1"] = summary([r["load1"] for r in rs])
        out[name]["runs"] = rs
        ld = out[name]["load1"]
        print(f"{name}: answer {fmt(out[name]['answer'])}, done {fmt(out[name]['done'])}, "
              f"CPU {fmt(out[name]['cpu'])}, peak RSS {out[name]['max_rss_kib'] // 1024} MiB, "
              f"load average {ld['median']:.1f} ({ld['min']:.1f}–{ld['max']:.1f})")
    first = who[0][1]
    out["ratios"] = {}
    pairs = [(first, other) for _, other, *_ in who[1:]]
    names = {w[0]: w[1] for w in who}
    for spec in a.ratio:
        x, _, y = spec.partition("/")
        if x not in names or y not in names:
            sys.exit(f"alternate.py: --ratio {spec}: no such contenders")
        pairs.append((names[x], names[y]))
    for first, other in pairs:
        for k in ("answer", "done", "cpu"):
            ratio, hidden = verdict(out[other][k], out[first][k])
            out["ratios"][f"{first}/{other} {k}"] = {"ratio": ratio, "indistinguishable": hidden}
            print(f"ratio {first}/{other} {k}: {ratio:.2f}"
                  + ("  indistinguishable (spread exceeds the difference)" if hidden else ""))
    if a.json:
        with open(a.json, "w") as f:
            json.dump(out, f, indent=1)


if __name__ == "__main__":
    main()
