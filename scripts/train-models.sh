#!/usr/bin/env bash
# Retrains the shipped linear models (share/models/sentiment, share/models/emotion) from the
# labelled data in $SENTIO_DATA (default /work/shared/data). Deterministic: --threads 1 and a
# fixed seed give byte-identical weights.bin files (model.json differs only in "created" and
# "train_seconds").
#   scripts/train-models.sh [path/to/sentio]
# Environment: SENTIO_DATA (data root), SENTIO_MODELS_OUT (output root), SENTIO_HASH_VERSION (2).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
sentio=${1:-${SENTIO_BIN:-$root/build/bin/sentio}}
data=${SENTIO_DATA:-/work/shared/data}
out=${SENTIO_MODELS_OUT:-$root/share/models}
hv=${SENTIO_HASH_VERSION:-2}  # feature hash version; 1 rebuilds the models of stops 1-19 (weights byte-identical)
[ -x "$sentio" ] || { echo "train-models.sh: no sentio binary at $sentio (build first or pass its path)" >&2; exit 2; }
[ -d "$data/tweeteval_sentiment" ] || { echo "train-models.sh: no data under $data" >&2; exit 2; }

# Sentiment: tweeteval_sentiment (negative/neutral/positive). Words + bigrams + NEG_/caps/emphasis
# flags + VADER score bins; balanced class weights; early stopping and per-label logit offsets on
# validation macro-recall; 3 seeds averaged.
"$sentio" train --data "$data/tweeteval_sentiment/train.tsv" --valid "$data/tweeteval_sentiment/validation.tsv" \
  --out "$out/sentiment" --name sentiment --task sentiment --model-version 2 \
  --buckets 1048576 --wordNgrams 2 --lexicon-features --class-weight balanced --metric macro_recall \
  --lr 0.1 --epochs 10 --patience 3 --seeds 3 --seed 1 --threads 1 --dtype int8 --hash-version "$hv"

# Emotion: goemotions_ekman (7 labels, multi-label, one-vs-rest sigmoid with per-label thresholds).
# Words + bigrams + char 4-grams + flags + VADER bins; sqrt-balanced label weights.
"$sentio" train --data "$data/goemotions_ekman/train.tsv" --valid "$data/goemotions_ekman/validation.tsv" \
  --out "$out/emotion" --name emotion --task emotion --model-version 2 --multi-label \
  --buckets 1048576 --wordNgrams 2 --minn 4 --maxn 4 --lexicon-features --class-weight sqrt --metric macro_f1 \
  --lr 0.1 --epochs 10 --patience 3 --seeds 1 --seed 1 --threads 1 --dtype int8 --hash-version "$hv"
