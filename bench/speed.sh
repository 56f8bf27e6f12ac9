#!/usr/bin/env bash
# Throughput of `sentio analyze` (both default models, JSONL out) on the same 200k-line file
# that ../shared/bench/peers.sh uses (tweeteval validation texts x100), 1 thread and all
# threads, with peak RSS; then the peers (fastText, VADER, sklearn) in the same run.
#   bench/speed.sh [path/to/sentio] [--no-peers]
# For issue 2's single-thread ratios prefer bench/ratios.sh: interleaved rounds and medians,
# which this VM's drift needs (one bracketed run here can be off by 10 % either way).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=${1:-$root/build/bin/sentio}
data=${SENTIO_DATA:-$root/../shared/data}
work=${PEERS_DIR:-/tmp/sentio-peers}
mkdir -p "$work"
if [[ -f "$data/tweeteval_sentiment/validation.tsv" ]]; then
  [[ -f "$work/big.txt" ]] || { cut -f2 "$data/tweeteval_sentiment/validation.tsv" > "$work/val_text.txt"; for i in $(seq 100); do cat "$work/val_text.txt"; done > "$work/big.txt"; }
else  # no shared data: synthesise tweet-like lines so the bench still runs
  [[ -f "$work/big.txt" ]] || python3 -c "
import random; random.seed(1)
w='i love this so much but the audio is bad @user #fail today was great not happy at all lol :) 😂 worst ever amazing'.split()
print('\n'.join(' '.join(random.choice(w) for _ in range(random.randint(8,25))) for _ in range(200000)))" > "$work/big.txt"
fi
n=$(wc -l < "$work/big.txt")
echo "texts: $n ($(du -h "$work/big.txt" | cut -f1))"
run() {  # label threads   (sets $best)
  best=0
  local rss=0
  for rep in 1 2 3; do
    local t0 t1 s
    t0=$(date +%s.%N)
    /usr/bin/time -f %M -o "$work/rss.txt" "$sentio" analyze -j "$2" < "$work/big.txt" > "$work/out.jsonl"
    t1=$(date +%s.%N)
    s=$(python3 -c "print(round($n/($t1-$t0)))")
    (( s > best )) && best=$s
    rss=$(cat "$work/rss.txt")
  done
  echo "sentio analyze $1 texts_per_second=$best peak_rss_mb=$((rss/1024)) (best of 3, includes model load)"
  [[ $(wc -l < "$work/out.jsonl") -eq $n ]] || { echo "output line count mismatch"; exit 1; }
}
run "1 thread " 1
before=$best
run "$(nproc) threads" "$(nproc)"
if [[ "${2:-}" != "--no-peers" && -x "$root/../shared/bench/peers.sh" ]]; then
  echo "--- peers (same machine, same file)"
  bash "$root/../shared/bench/peers.sh" speed 2>&1 | grep -E "texts_per_second|texts:" | tee "$work/peers_speed.txt"
  # This VM's speed drifts within minutes: measure sentio again after the peers and quote
  # ratios against the mean of the two sentio runs that bracket them.
  run "1 thread, after the peers" 1
  mean=$(( (before + best) / 2 ))
  echo "--- ratios, 1 thread (sentio mean of before/after = $mean texts/s)"
  while read -r line; do
    name=${line%% texts_per_second=*}
    tps=$(sed -n 's/.*texts_per_second=\([0-9]*\).*/\1/p' <<< "$line")
    [[ -n "$tps" && "$tps" -gt 0 ]] && python3 -c "print(f'  vs $name ($tps texts/s): {$mean / $tps:.1f}x')"
  done < <(grep texts_per_second "$work/peers_speed.txt")
fi
