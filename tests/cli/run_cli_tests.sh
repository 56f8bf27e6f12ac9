#!/usr/bin/env bash
# CLI tests of the real `sentio` binary: analyze (formats, order, ids, errors, threads),
# train + eval on a toy task, --help everywhere. Usage: run_cli_tests.sh path/to/sentio
set -uo pipefail
BIN=${1:?usage: run_cli_tests.sh SENTIO_BIN}
HERE=$(cd "$(dirname "$0")" && pwd)
T=$(mktemp -d); trap 'rm -rf "$T"' EXIT
pass=0; fail=0
ok()   { pass=$((pass+1)); echo "ok   $1"; }
bad()  { fail=$((fail+1)); echo "FAIL $1"; [[ -n "${2:-}" ]] && echo "     $2"; }
check() { local name=$1; shift; if "$@" >"$T/out" 2>"$T/err"; then ok "$name"; else bad "$name" "$(head -c 600 "$T/err")"; fi; }
json_check() { python3 -c "$1" "$2"; }   # python3 only to *read* JSON in assertions

# --- help and version
check "--help lists verbs" bash -c "'$BIN' --help | grep -q analyze && '$BIN' --help | grep -q serve"
for v in analyze train eval serve ingest worker; do
  check "$v --help" bash -c "'$BIN' $v --help | grep -qi usage"
done
check "version" bash -c "'$BIN' --version | grep -q sentio"
check "unknown verb fails" bash -c "! '$BIN' frobnicate 2>/dev/null"

# --- analyze: plain lines on stdin, order kept across threads
python3 - "$T/lines.txt" <<'PY'
import sys
texts = ["I love this so much!", "this is the worst, I hate it", "The meeting is at 3pm"]
with open(sys.argv[1], "w") as f:
    for i in range(3000):
        f.write(texts[i % 3] + " #%d\n" % i)
PY
check "analyze 1 thread" bash -c "'$BIN' analyze -j 1 < '$T/lines.txt' > '$T/a1.jsonl'"
check "analyze 2 threads" bash -c "'$BIN' analyze -j 2 --chunk 7 < '$T/lines.txt' > '$T/a2.jsonl'"
check "analyze output identical across thread counts" cmp -s "$T/a1.jsonl" "$T/a2.jsonl"
check "analyze shape + obvious labels" json_check '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert len(rows) == 3000, len(rows)
want = ["positive", "negative", "neutral"]
for i, r in enumerate(rows[:30]):
    assert r["label"] == want[i % 3], (i, r)
    assert set(r["scores"]) == {"negative", "neutral", "positive"}
    assert abs(sum(r["scores"].values()) - 1) < 2e-3
    assert "label" in r["emotion"] and r["model_version"].startswith("sentiment@")
' "$T/a1.jsonl"

# --- JSONL with ids and a custom field; explanation
printf '{"id":"a","body":"great job, love it"}\n{"id":7,"body":"awful"}\n' > "$T/in.jsonl"
check "analyze jsonl --field --explain" bash -c "'$BIN' analyze --field body --explain --emotion-model none '$T/in.jsonl' > '$T/j.out'"
check "jsonl ids kept, explanation present" json_check '
import json, sys
rows = [json.loads(l) for l in open(sys.argv[1])]
assert [r["id"] for r in rows] == ["a", "7"], rows
assert rows[0]["explanation"] and "emotion" not in rows[0]
' "$T/j.out"

# Without --explain, analyze formats the models' compact results (ScoreBatch; for the shipped
# pair, from batches of 256 texts on, both models in one pass: ClassifierPair); with it, full
# Predictions. Less the explanation, both give the same bytes (ids, multi-label lists, both
# models, the models swapped). 600 records: a full 512-record batch and a short one.
python3 - "$T/mixed.jsonl" <<'PY'
import json, sys
texts = ["I love this so much!", "this is the worst, I hate it", "The meeting is at 3pm",
         "so scared and sad :( #fail", "WOW what a surprise!!! \U0001F62E", "", "meh \\u00e9t\u00e9 &amp; co"]
with open(sys.argv[1], "w") as f:
    for i in range(600):
        f.write(json.dumps({"id": "q\"%d" % i if i % 2 else i, "text": texts[i % len(texts)] + " %d" % (i % 5)}) + "\n")
PY
for models in "" "--model emotion --emotion-model sentiment"; do
  check "compact output = explained output less explanations ($models)" bash -c "
    '$BIN' analyze $models '$T/mixed.jsonl' > '$T/plain.out' &&
    '$BIN' analyze $models --explain '$T/mixed.jsonl' |
      python3 -c 'import json,re,sys
for l in sys.stdin:
    r = json.loads(l); assert \"explanation\" in r, r
    print(re.sub(r\",\\\"explanation\\\":\\[.*?\\](?=,\\\"(emotion|model_version)\\\")\", \"\", l.rstrip(\"\\n\")))' > '$T/explained.out' &&
    cmp '$T/plain.out' '$T/explained.out' && grep -q '\"labels\":\[' '$T/plain.out'"
done

# --- CSV with header, quoted commas and newlines
printf 'id,content\n1,"I love it, really"\n2,"bad\nvery bad"\n' > "$T/in.csv"
check "analyze csv" bash -c "'$BIN' analyze '$T/in.csv' > '$T/c.out' && [ \$(wc -l < '$T/c.out') -eq 2 ]"

# --- errors: malformed row -> line number + non-zero; --skip-bad goes on
printf '{"content":"fine"}\n{oops\n{"content":"also fine"}\n' > "$T/bad.jsonl"
"$BIN" analyze "$T/bad.jsonl" > "$T/b.out" 2> "$T/b.err"; rc=$?
if [[ $rc -ne 0 ]] && grep -q "bad.jsonl:2" "$T/b.err"; then ok "malformed row -> error with line number"; else bad "malformed row -> error with line number" "rc=$rc $(cat "$T/b.err")"; fi
check "--skip-bad continues" bash -c "'$BIN' analyze --skip-bad '$T/bad.jsonl' 2>/dev/null | wc -l | grep -qx 2"
"$BIN" analyze /nonexistent/file.txt > /dev/null 2> "$T/nf.err"; rc=$?
if [[ $rc -ne 0 ]] && grep -q "/nonexistent/file.txt" "$T/nf.err"; then ok "unreadable file -> clear error"; else bad "unreadable file -> clear error" "rc=$rc"; fi
for j in 1 2; do  # a later file that cannot be opened: what came before is still written
  "$BIN" analyze -j $j "$T/lines.txt" /nonexistent/second.txt > "$T/nf2.out" 2> "$T/nf2.err"; rc=$?
  if [[ $rc -ne 0 ]] && grep -q "/nonexistent/second.txt" "$T/nf2.err" && [[ $(wc -l < "$T/nf2.out") -eq 3000 ]]; then
    ok "unreadable second file -> first file's output, then error (-j $j)"
  else bad "unreadable second file -> first file's output, then error (-j $j)" "rc=$rc lines=$(wc -l < "$T/nf2.out")"; fi
done
"$BIN" analyze --model /nonexistent-model < /dev/null > /dev/null 2> "$T/nm.err"; rc=$?
if [[ $rc -ne 0 ]] && grep -qi "model" "$T/nm.err"; then ok "missing model -> clear error"; else bad "missing model -> clear error" "rc=$rc"; fi
check "bad flag value rejected" bash -c "! '$BIN' analyze --threads -5 < /dev/null 2>/dev/null"
check "empty input -> empty output" bash -c "'$BIN' analyze < /dev/null | wc -c | grep -qx 0"

# --- lexicon model (VADER semantics)
check "lexicon model" bash -c "echo 'The food is NOT good at all :(' | '$BIN' analyze --model lexicon --emotion-model none | grep -q '\"label\":\"negative\"'"

# --- train + eval on a separable toy task
python3 - "$T" <<'PY'
import random, sys
random.seed(1)
pos = ["love", "great", "awesome", "happy", "excellent", "wonderful"]
neg = ["hate", "awful", "terrible", "sad", "horrible", "worst"]
neu = ["table", "monday", "meeting", "blue", "train", "paper"]
def mk(n, path):
    with open(path, "w") as f:
        for i in range(n):
            lab, words = random.choice([("positive", pos), ("negative", neg), ("neutral", neu)])
            f.write("%s\t%s %s the %s\n" % (lab, random.choice(words), random.choice(neu), random.choice(words)))
mk(1500, sys.argv[1] + "/train.tsv"); mk(300, sys.argv[1] + "/valid.tsv")
PY
check "train toy model" "$BIN" train --data "$T/train.tsv" --valid "$T/valid.tsv" --out "$T/toy" --threads 1 --seed 3
check "eval --json" bash -c "'$BIN' eval --model '$T/toy' --data '$T/valid.tsv' --json > '$T/eval.json'"
check "toy task learned (accuracy > 0.95) and JSON keys" json_check '
import json, sys
m = json.load(open(sys.argv[1]))
for k in ("n", "accuracy", "macro_recall", "macro_f1", "per_class", "confusion"):
    assert k in m, k
assert m["n"] == 300 and m["accuracy"] > 0.95, m["accuracy"]
' "$T/eval.json"
check "trained model usable by analyze" bash -c "echo 'I love my wonderful paper' | '$BIN' analyze --model '$T/toy' --emotion-model none | grep -q positive"
check "train deterministic with a seed" bash -c "'$BIN' train --data '$T/train.tsv' --valid '$T/valid.tsv' --out '$T/toy2' --threads 1 --seed 3 >/dev/null 2>&1 && cmp -s '$T/toy/weights.bin' '$T/toy2/weights.bin'"
printf 'positive\tok\nno tab here\n' > "$T/badtrain.tsv"
"$BIN" train --data "$T/badtrain.tsv" --out "$T/x" > /dev/null 2> "$T/bt.err"; rc=$?
if [[ $rc -ne 0 ]] && grep -q ":2" "$T/bt.err"; then ok "malformed training row -> line number"; else bad "malformed training row -> line number" "rc=$rc $(cat "$T/bt.err")"; fi

echo "cli: $pass passed, $fail failed"
((fail == 0))
