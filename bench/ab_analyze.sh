#!/usr/bin/env bash
# A/B throughput of two `sentio` builds on one input, runs alternated so both see the same
# machine drift:  bench/ab_analyze.sh OLD_SENTIO NEW_SENTIO FILE [REPS=5] [THREADS=1]
# Build the old one from a worktree: git worktree add /tmp/old REV && cmake -S /tmp/old -B
# /tmp/old/build -G Ninja && ninja -C /tmp/old/build sentio. Prints best and mean texts/s.
set -euo pipefail
[[ $# -ge 3 ]] || { sed -n 2,5p "$0" >&2; exit 2; }
old=$1 new=$2 file=$3 reps=${4:-5} threads=${5:-1}
n=$(wc -l < "$file")
for r in $(seq "$reps"); do
  for which in old new; do
    bin=$old; [[ $which == new ]] && bin=$new
    t0=$(date +%s.%N)
    "$bin" analyze -j "$threads" < "$file" > /dev/null
    t1=$(date +%s.%N)
    echo "$which $(python3 -c "print(round($n / ($t1 - $t0)))")"
  done
done | awk '{ if ($2 > best[$1]) best[$1] = $2; sum[$1] += $2; cnt[$1]++ }
  END { for (k in best) printf "%s best=%d mean=%d texts/s (%d runs)\n", k, best[k], sum[k] / cnt[k], cnt[k] }' | sort -r
