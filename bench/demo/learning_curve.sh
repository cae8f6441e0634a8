#!/usr/bin/env bash
# The demo student's learning curve: every checkpoint of a training run (train --keep-checkpoints
# 0) and the finished student, benchmarked on held-out names and on training names, against
# training minutes and tokens.
#   bench/demo/learning_curve.sh RUN_DIR OUT_DIR [--constrain passage]
# RUN_DIR is a demo work folder (scripts/demo.sh --work ...: student.gguf.ckpt/, the metrics log,
# world-heldout/ and world-seen/). Writes OUT_DIR/curve.tsv, curve.md and curve.svg. Resumable: a
# checkpoint already measured is not run again. Environment: UNINER, THREADS.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
run=$(realpath "$1"); out=$(realpath -m "$2"); shift 2
uniner=${UNINER:-$here/build/tools/uniner/uniner}
mkdir -p "$out"
f1() { grep -o '"f1": *[0-9.e-]*' "$1/report.json" | tail -1 | grep -o '[0-9.e-]*$'; }
# Every checkpoint, and the finished student at the run's last step.
models=()
for ckpt in "$run"/student.gguf.ckpt/step-*/; do
  models+=("$((10#$(basename "$ckpt" | sed 's/step-//'))) $ckpt/model.gguf")
done
if [ -f "$run/student.gguf" ]; then
  last=$(grep -o '"step":[0-9]*' "$run/student.gguf.metrics.jsonl" | tail -1 | cut -d: -f2)
  models+=("$last $run/student.gguf")
fi
for entry in "${models[@]}"; do
  step=${entry%% *} model=${entry#* }
  for set in heldout seen; do
    dir=$out/step-$step-$set
    [ -f "$dir/report.json" ] && continue
    "$uniner" bench -m "$model" --data "$run/world-$set/benchmark.json" --out "$dir" \
      --threads "${THREADS:-$(nproc)}" --quiet "$@" >/dev/null 2>&1
  done
done
{
  printf 'step\tminutes\ttokens\theldout_f1\tseen_f1\n'
  for dir in "$out"/step-*-heldout; do
    step=$(basename "$dir" | cut -d- -f2)
    line=$(grep "\"step\":$step," "$run/student.gguf.metrics.jsonl" | grep '"tokens"' | tail -1)
    minutes=$(grep -o '"elapsed_s":[0-9.e+-]*' <<<"$line" | cut -d: -f2)
    tokens=$(grep -o '"tokens":[0-9.e+-]*' <<<"$line" | cut -d: -f2)
    printf '%s\t%.2f\t%.0f\t%s\t%s\n' "$step" "$(echo "$minutes / 60" | bc -l)" "$tokens" \
      "$(f1 "$dir")" "$(f1 "${dir%-heldout}-seen")"
  done | sort -n
} > "$out/curve.tsv"
/usr/bin/python3 "$here/bench/demo/curve_chart.py" "$out/curve.tsv" "$out/curve.svg" > "$out/curve.md"
cat "$out/curve.md"
