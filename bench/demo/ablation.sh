#!/usr/bin/env bash
# The negative-sampling ablation of UniversalNER's project page on the demo's synthetic world:
# the same annotations and the same training budget, with no negative types, uniform negatives
# and frequency-based negatives (the recipe's). Reports the held-out F1 and, separately, how the
# student answers types that are absent from a passage (gold []).
#   bench/demo/ablation.sh DEMO_DIR OUT_DIR [train flags...]
# DEMO_DIR is a finished demo work folder (annotations.jsonl, base.gguf, world-heldout/); the
# train flags default to the quick preset's. Resumable: a finished mode is not run again. Every
# 1,000th step's model is kept (OUT_DIR/MODE/student.gguf.ckpt/step-N/), so that STEP=N compares
# the three students after N steps without training again.
# Environment: UNINER, THREADS, MODES (the modes to run, in order; default "none uniform
# frequency"; the table needs all three), STEP (compare the checkpoints of step N: no training).
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
demo=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
uniner=${UNINER:-$here/build/tools/uniner/uniner}
threads=${THREADS:-$(nproc)}
flags=("$@")
[ ${#flags[@]} -gt 0 ] || flags=(--epochs 3 --lr 3e-3 --batch 4 --bf16 --loss-on all)
mkdir -p "$out"
# The models compared and where their benchmarks go: the finished students, or step N's.
model() { if [ -n "${STEP:-}" ]; then printf '%s/student.gguf.ckpt/step-%08d/model.gguf' "$1" "$STEP"
          else echo "$1/student.gguf"; fi; }
results() { echo "$out/$1${STEP:+/step-$STEP}"; }
for mode in ${MODES:-none uniform frequency}; do
  d=$out/$mode r=$(results "$mode")
  mkdir -p "$d" "$r"
  [ -f "$r/bench-constrained/report.json" ] && continue
  if [ -z "${STEP:-}" ]; then
    [ -f "$d/train.json" ] || "$uniner" build-data --input "$demo/annotations.jsonl" \
      --output "$d/train.json" --negatives "$mode" 2>"$d/build-data.log"
    resume=(); [ -d "$d/student.gguf.ckpt" ] && resume=(--resume)
    [ -f "$d/student.gguf" ] || "$uniner" train --base "$demo/base.gguf" --data "$d/train.json" \
      --out "$d/student.gguf" --threads "$threads" --keep-checkpoints 0 --checkpoint-every 1000 \
      "${flags[@]}" "${resume[@]}" --quiet 2>"$d/train.log"
  fi
  m=$(model "$d")
  [ -f "$m" ] || { echo "ablation: no model $m" >&2; exit 1; }
  if [ ! -f "$r/bench/report.json" ]; then
    "$uniner" bench -m "$m" --data "$demo/world-heldout/benchmark.json" \
      --out "$r/bench" --threads "$threads" --quiet >/dev/null 2>&1
  fi
  "$uniner" bench -m "$m" --data "$demo/world-heldout/benchmark.json" \
    --out "$r/bench-constrained" --constrain passage --threads "$threads" --quiet >/dev/null 2>&1
done
for mode in none uniform frequency; do
  [ -f "$(results "$mode")/bench-constrained/report.json" ] || { echo "ablation: $mode not run yet"; exit 0; }
done
/usr/bin/python3 - "$demo/world-heldout/benchmark.json" "$out" "${flags[*]}" "${STEP:-}" <<'PY'
import json, sys
gold = {r["id"]: json.loads(r["conversations"][-1]["value"]) for r in json.load(open(sys.argv[1]))}
step = sys.argv[4]
print(f"Held-out names, official metric; train flags: {sys.argv[3]}"
      + (f"; the checkpoints of step {step}" if step else "") + "\n")
print("| negatives | F1 | F1, answers constrained to the passage | absent types answered [] | entities invented per absent type | positive-query F1 |")
print("|---|---:|---:|---:|---:|---:|")
for mode in ("none", "uniform", "frequency"):
    d = f"{sys.argv[2]}/{mode}" + (f"/step-{step}" if step else "") + "/bench"
    overall = json.load(open(f"{d}/report.json"))["average"]["f1"]
    constrained = json.load(open(f"{d}-constrained/report.json"))["average"]["f1"]
    preds = {}
    for line in open(f"{d}/benchmark.pred.jsonl"):
        r = json.loads(line)
        try:
            p = json.loads(r["prediction"])
            preds[r["id"]] = p if isinstance(p, list) else []
        except ValueError:
            preds[r["id"]] = []
    neg = [k for k, g in gold.items() if not g]
    pos = [k for k, g in gold.items() if g]
    empty = sum(1 for k in neg if not preds.get(k)) / max(1, len(neg))
    invented = sum(len(preds.get(k, [])) for k in neg) / max(1, len(neg))
    tp = sum(len(set(map(str, preds.get(k, []))) & set(gold[k])) for k in pos)
    np_ = sum(len(set(map(str, preds.get(k, [])))) for k in pos)
    ng = sum(len(set(gold[k])) for k in pos)
    p, r = tp / max(1, np_), tp / max(1, ng)
    pf1 = 2 * p * r / (p + r) if p + r else 0.0
    print(f"| {mode} | {overall:.3f} | {constrained:.3f} | {empty:.3f} | {invented:.2f} | {pf1:.3f} |")
PY
