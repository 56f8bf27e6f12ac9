#!/usr/bin/env bash
# Metrics of the shipped models on the /work/shared validation splits, via `sentio eval --json`.
#   bench/accuracy.sh [path/to/sentio]
# Skips (exit 0) with a message when the data directory is absent.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=${1:-${SENTIO_BIN:-$root/build/bin/sentio}}
data=${SENTIO_DATA:-/work/shared/data}
if [ ! -d "$data/tweeteval_sentiment" ] || [ ! -d "$data/goemotions_ekman" ]; then
  echo "accuracy.sh: $data not present; skipping (set SENTIO_DATA to the labelled data)"
  exit 0
fi
[ -x "$sentio" ] || { echo "accuracy.sh: no sentio binary at $sentio" >&2; exit 2; }
summary() {  # name metric-keys... <- one JSON object on stdin
  python3 -c 'import json,sys; j=json.load(sys.stdin); name=sys.argv[1]; print(name.ljust(34), " ".join(f"{k}={j[k]:.4f}" for k in sys.argv[2:] if k in j), "n=%d" % j["n"])' "$@"
}
echo "# sentio eval --json (validation splits; targets: sentiment macro_recall >= 0.70, emotion macro_f1 >= 0.55)"
for spec in "sentiment tweeteval_sentiment" "lexicon tweeteval_sentiment" "emotion goemotions_ekman"; do
  set -- $spec
  out=$("$sentio" eval --model "$1" --data "$data/$2/validation.tsv" --json)
  echo "$out" > "${TMPDIR:-/tmp}/sentio-accuracy-$1.json"
  echo "$out" | summary "$1 on $2" accuracy macro_recall macro_f1 micro_f1
done
echo "(full JSON in ${TMPDIR:-/tmp}/sentio-accuracy-*.json)"
