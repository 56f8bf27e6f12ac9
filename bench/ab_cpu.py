#!/usr/bin/env python3
"""CPU time (user + sys, from rusage) of `sentio analyze -j 1 FILE` for several builds, runs
alternated (the order reversed every other round) so all builds see the same machine drift.
Prints the median, mean and min per build and the median's change against the first build.

  python3 bench/ab_cpu.py FILE ROUNDS OLD_SENTIO NEW_SENTIO [MORE...]

A build may be given as SENTIO@MODELS: it then runs with --model MODELS/sentiment
--emotion-model MODELS/emotion (e.g. models trained by scripts/train-models.sh into
SENTIO_MODELS_OUT, to compare model files as well as builds).

CPU time rather than wall time: on a shared VM it moves less from run to run. Build an old
revision from a worktree as bench/ab_analyze.sh says.
"""
import os
import statistics
import sys

if len(sys.argv) < 4:
    sys.exit(__doc__)
path, rounds, builds = sys.argv[1], int(sys.argv[2]), sys.argv[3:]
times = {b: [] for b in builds}
devnull = os.open(os.devnull, os.O_WRONLY)
for i in range(rounds):
    for b in (builds if i % 2 == 0 else builds[::-1]):
        pid = os.fork()
        if pid == 0:
            os.dup2(devnull, 1)
            os.dup2(devnull, 2)
            exe, _, models = b.partition("@")
            extra = ["--model", models + "/sentiment", "--emotion-model", models + "/emotion"] if models else []
            os.execv(exe, [exe, "analyze", "-j", "1", path] + extra)
        _, status, usage = os.wait4(pid, 0)
        if status != 0:
            sys.exit(f"{b} failed (status {status})")
        times[b].append(usage.ru_utime + usage.ru_stime)
base = statistics.median(times[builds[0]])
for b in builds:
    m = statistics.median(times[b])
    print(f"{b}: median {m:.4f} s  mean {statistics.mean(times[b]):.4f}  min {min(times[b]):.4f}  "
          f"({(m / base - 1) * 100:+.1f} % vs the first)")
