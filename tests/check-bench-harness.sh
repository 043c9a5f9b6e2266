#!/bin/bash
# bench/alternate.py, the benchmarks' harness, fails a benchmark whose
# contenders did not do the work, and waits for what a run leaves running
# (times nothing; asserts no time):
#   - a check that fails after a run, and an unexpected exit code, make it
#     exit non-zero with a FAIL line naming the contender;
#   - a run's detached grandchild (like the installer's cache writer) has
#     finished before the run's check starts ("done" waits for it), and its
#     CPU time is counted in the run's;
#   - a spread wider than the difference is printed "indistinguishable";
#   - --cpus confines the timed command to those CPUs.
# Needs root (a cgroup per run).
set -u
SRC=${AZL_SOURCE_DIR:-$(cd "$(dirname "$0")/.." && pwd)}
alt=$SRC/bench/alternate.py
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
fail=0
flunk() { echo "FAIL: $*"; fail=1; }

python3 "$alt" --runs 1 --a true --b true --name-b bee --check-b false >"$tmp/o" 2>&1
rc=$?
[ $rc -ne 0 ] || flunk "a failed check left the benchmark exit 0"
grep -q "FAIL: bee run 1: the check failed" "$tmp/o" || flunk "no FAIL line for the check: $(cat "$tmp/o")"

python3 "$alt" --runs 1 --a 'exit 3' --b true >"$tmp/o" 2>&1
rc=$?
[ $rc -ne 0 ] || flunk "an unexpected exit code left the benchmark exit 0"
grep -q "FAIL: A run 1: exit 3, expected 0" "$tmp/o" || flunk "no FAIL line for exit 3: $(cat "$tmp/o")"
python3 "$alt" --runs 1 --a 'exit 3' --ok-a 3 --b true >"$tmp/o" 2>&1 ||
	flunk "an expected exit code (--ok-a 3) failed the benchmark: $(cat "$tmp/o")"

# A detached grandchild that burns some CPU, then writes a file.
cat >"$tmp/detach.sh" <<EOT
( i=0; while [ \$i -lt 200000 ]; do i=\$((i+1)); done; echo written >"$tmp/late" ) >/dev/null 2>&1 &
exit 0
EOT
python3 "$alt" --runs 2 --a "sh $tmp/detach.sh" --check-a "test -f $tmp/late && rm $tmp/late" \
	--b true --json "$tmp/j" >"$tmp/o" 2>&1 ||
	flunk "the check ran before the detached process had finished: $(cat "$tmp/o")"
if [ -f "$tmp/j" ]; then
	python3 - "$tmp/j" <<'EOT' || flunk "the detached process's CPU is not counted: $(cat "$tmp/j")"
import json, sys
j = json.load(open(sys.argv[1]))
a, b = j["A"], j["B"]
# 200,000 shell loop iterations take far more CPU than `true`; done is
# never before answer.
assert a["cpu"]["min"] > 5 * b["cpu"]["max"], (a["cpu"], b["cpu"])
assert all(r["done_s"] >= r["answer_s"] for r in a["runs"])
EOT
fi
python3 "$alt" --runs 3 --a 'sleep 0.01' --b 'sleep 0.02' --c 'sleep 0.01; [ -f '"$tmp"'/slow ] || sleep 1; touch '"$tmp"'/slow' \
	>"$tmp/o" 2>&1 || flunk "three contenders: $(cat "$tmp/o")"
grep -q "ratio A/C answer: .*indistinguishable" "$tmp/o" ||
	flunk "a spread of 1 s around a difference below it is not 'indistinguishable': $(cat "$tmp/o")"
# --cpus C: the timed command (and what it starts) runs on CPU C only (the
# first this test may use); a CPU it may not use, an empty list and a
# malformed one are refused.
c=$(python3 -c 'import os; print(min(os.sched_getaffinity(0)))')
python3 "$alt" --runs 1 --cpus "$c" --a "sh -c 'taskset -pc \$\$' >$tmp/aff" --b true >"$tmp/o" 2>&1 ||
	flunk "--cpus $c: $(cat "$tmp/o")"
grep -q "current affinity list: $c\$" "$tmp/aff" 2>/dev/null || flunk "--cpus $c: the command's affinity: $(cat "$tmp/aff" 2>&1)"
for bad in 4095:"not all of them are available" 3-1:"no CPU in it" 0,:"not a CPU list"; do
	python3 "$alt" --runs 1 --cpus "${bad%%:*}" --a true --b true >"$tmp/o" 2>&1 &&
		flunk "--cpus ${bad%%:*} was taken"
	grep -q "${bad#*:}" "$tmp/o" || flunk "--cpus ${bad%%:*}: $(cat "$tmp/o")"
done
ls /sys/fs/cgroup/cpuacct/azl-bench-* /sys/fs/cgroup/azl-bench-* >/dev/null 2>&1 &&
	flunk "a cgroup was left behind"
[ $fail -eq 0 ] && echo "ok: bench/alternate.py fails on failed checks and exit codes, waits for detached processes, counts their CPU, confines to --cpus"
exit $fail
