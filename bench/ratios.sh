#!/usr/bin/env bash
# Issue 2's single-thread ratios (sentio analyze with both default models vs fastText word
# bigrams and vs VADER JS), measured so that this VM's drift (its speed moves by 20-60 %
# within minutes) cancels out: ROUNDS rounds, each peer run bracketed by two sentio runs
# right before and after it, a ratio per round from the mean of those two, and the median
# over rounds. Model load is excluded for every tool, as peers.sh does for fastText
# (sentio: the time of `analyze` on empty input is subtracted).
# A second estimate follows, from each tool's best times over all rounds (its fastest run on
# the file minus its fastest run on empty input; VADER: its best rate): this VM's noise only
# ever adds time, so best times are the least disturbed.
#   bench/ratios.sh [path/to/sentio] [ROUNDS=5]
# Uses the files ../shared/bench/peers.sh prepares (it runs `peers.sh speed` once if needed).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=$(realpath "${1:-$root/build/bin/sentio}")
rounds=${2:-5}
work=${PEERS_DIR:-/tmp/sentio-peers}
peers=$root/../shared/bench/peers.sh
if [[ ! -f $work/ft_word.bin || ! -f $work/vader.js || ! -f $work/big.txt ]]; then
  [[ -x $peers ]] || { echo "ratios.sh: needs $peers (and ../shared/data)" >&2; exit 2; }
  bash "$peers" speed > /dev/null
fi
cd "$work"
n=$(wc -l < big.txt)
secs() { local t0 t1; t0=$(date +%s.%N); "$@" > /dev/null; t1=$(date +%s.%N); python3 -c "print($t1 - $t0)"; }
rate() { python3 -c "print(round($n / max(1e-9, $1 - $2)))"; }  # texts/s from run and load seconds
times=$(mktemp); trap 'rm -f "$times"' EXIT  # "tool kind seconds" per run, for the best-times estimate
timed() { local tool=$1 kind=$2 t; shift 2; t=$(secs "$@"); echo "$tool $kind $t" >> "$times"; echo "$t"; }
sentio_tps() { rate "$(timed sentio file "$sentio" analyze -j 1 big.txt)" "$(timed sentio empty "$sentio" analyze -j 1 /dev/null)"; }
ft_tps() { rate "$(timed fasttext file fasttext predict ft_word.bin big.txt)" "$(timed fasttext empty fasttext predict ft_word.bin /dev/null)"; }
vader_tps() {
  local r; r=$(node vader.js big.txt 2>&1 >/dev/null | sed -n 's/.*texts_per_second=\([0-9]*\).*/\1/p')
  echo "vader rate $r" >> "$times"; echo "$r"
}
echo "texts: $n; $rounds rounds; texts/s with model load excluded"
ft_ratios=() vader_ratios=()
for r in $(seq "$rounds"); do
  s1=$(sentio_tps); f=$(ft_tps); s2=$(sentio_tps); v=$(vader_tps); s3=$(sentio_tps)
  fr=$(python3 -c "print(f'{($s1 + $s2) / 2 / $f:.2f}')")
  vr=$(python3 -c "print(f'{($s2 + $s3) / 2 / $v:.2f}')")
  ft_ratios+=("$fr") vader_ratios+=("$vr")
  echo "round $r: sentio $s1 / fastText $f / sentio $s2 / VADER $v / sentio $s3 -> ${fr}x fastText, ${vr}x VADER"
done
median() { printf '%s\n' "$@" | sort -g | python3 -c "import sys; v=[float(x) for x in sys.stdin]; print(f'{v[len(v)//2] if len(v)%2 else (v[len(v)//2-1]+v[len(v)//2])/2:.1f}')"; }
echo "median over rounds: $(median "${ft_ratios[@]}")x fastText (word bigrams), $(median "${vader_ratios[@]}")x VADER JS"
python3 - "$times" "$n" <<'EOF'
import sys
best = {}
for line in open(sys.argv[1]):
    tool, kind, v = line.split()
    v = float(v)
    best[(tool, kind)] = max(best.get((tool, kind), v), v) if kind == "rate" else min(best.get((tool, kind), v), v)
n = int(sys.argv[2])
s = n / (best[("sentio", "file")] - best[("sentio", "empty")])
f = n / (best[("fasttext", "file")] - best[("fasttext", "empty")])
v = best[("vader", "rate")]
print(f"best times over all rounds: sentio {s:.0f}/s, fastText {f:.0f}/s, VADER {v:.0f}/s -> {s / f:.1f}x fastText, {s / v:.1f}x VADER")
EOF
