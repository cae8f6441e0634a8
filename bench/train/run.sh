#!/usr/bin/env bash
# Training benchmark: tokens/s of `uniner train` against the same loop in PyTorch eager
# (torch_reference.py), same model, data, batches, threads and BLAS; MFU against a matmul peak
# measured here. One command: bench/train/run.sh   (see bench/RESULTS.md, section "train").
#
# Environment: UNINER (the binary; default build/tools/uniner/uniner), WORK (scratch folder,
# default /tmp/uniner-bench-train), THREADS (2), REPS (2 interleaved repetitions), MODELS
# ("small large"), SMALL_STEPS (30), LARGE_STEPS (10), BF16 (1: also --bf16 / autocast rows),
# FULL (1: also the full-logits PyTorch row), LOAD_MAX (0.7: 1-minute load under which a run
# starts), WAIT_MAX (900 s of waiting for a quiet machine before running anyway).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
export UNINER="${UNINER:-$ROOT/build/tools/uniner/uniner}"
export WORK="${WORK:-/tmp/uniner-bench-train}"
export THREADS="${THREADS:-2}"
PY=/usr/bin/python3   # Debian's python3-torch and numpy; the python3 first on PATH may lack them
VOCAB="$ROOT/third_party/llama.cpp/models/ggml-vocab-llama-spm.gguf"
[ -x "$UNINER" ] || { echo "no uniner binary at $UNINER (set UNINER)" >&2; exit 2; }
$PY -c 'import torch, numpy' || { echo "$PY needs torch and numpy (apt install python3-torch)" >&2; exit 2; }
mkdir -p "$WORK"
rm -f "$WORK/results.jsonl"

echo "== setup in $WORK" >&2
$PY "$HERE/make_data.py" "$WORK/data.json" --n 512
"$UNINER" init-model --vocab "$VOCAB" --out "$WORK/small.gguf" --dim 256 --layers 4 --heads 8 --ff 688 >&2
"$UNINER" init-model --vocab "$VOCAB" --out "$WORK/large.gguf" --dim 768 --layers 8 --heads 12 --ff 2048 >&2
"$UNINER" train --base "$WORK/small.gguf" --data "$WORK/data.json" --dump-examples "$WORK/examples.jsonl" >&2
for m in small large; do
  steps=$([ $m = small ] && echo "${SMALL_STEPS:-30}" || echo "${LARGE_STEPS:-10}")
  $PY "$HERE/torch_reference.py" plan --base "$WORK/$m.gguf" --examples "$WORK/examples.jsonl" \
      --steps "$steps" > "$WORK/plan-$m.json"
done

echo "== matmul peak and timed runs (interleaved; each waits for a quiet machine)" >&2
$PY "$HERE/run_all.py"

echo
echo "machine: $(lscpu | sed -n 's/^Model name: *//p'), $(nproc) cores; load now: $(cut -d' ' -f1-3 /proc/loadavg)"
$PY "$HERE/report.py" "$WORK"
