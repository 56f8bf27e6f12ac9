#!/usr/bin/env bash
# Issue 2's single-thread ratios (sentio analyze with both default models vs fastText word
# bigrams and vs VADER JS), measured so that this VM's drift (its speed moves by 20-60 %
# within minutes) cancels out: ROUNDS rounds, each peer run bracketed by two sentio runs
# right before and after it, a ratio per round from the mean of those two, and the median
# over rounds. Model load is excluded for every tool, as peers.sh does for fastText
# (sentio: the time of `analyze` on empty input is subtracted).
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
sentio_tps() { rate "$(secs "$sentio" analyze -j 1 big.txt)" "$(secs "$sentio" analyze -j 1 /dev/null)"; }
ft_tps() { rate "$(secs fasttext predict ft_word.bin big.txt)" "$(secs fasttext predict ft_word.bin /dev/null)"; }
vader_tps() { node vader.js big.txt 2>&1 >/dev/null | sed -n 's/.*texts_per_second=\([0-9]*\).*/\1/p'; }
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
