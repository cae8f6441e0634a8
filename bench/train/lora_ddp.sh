#!/usr/bin/env bash
# Trainer at scale (issue 8), one command: bench/train/lora_ddp.sh
#   1. full tuning vs LoRA on the larger student (dim 768, 8 layers, 105.8M parameters): tokens/s
#      and peak memory (max RSS);
#   2. distributed data parallel on this machine: 1 process with THREADS threads vs 2 processes
#      with THREADS/2 each, the same global batch, on the small student (dim 256): tokens/s and
#      the time per step in the collectives (the run log's comm_s).
# Environment: UNINER (build/tools/uniner/uniner), WORK (/tmp/uniner-bench-scale), THREADS (2),
# STEPS (12 optimizer steps, the first 2 not timed).
set -euo pipefail
HERE="$(cd "$(dirname "$0")" && pwd)"
ROOT="$(cd "$HERE/../.." && pwd)"
UNINER="${UNINER:-$ROOT/build/tools/uniner/uniner}"
WORK="${WORK:-/tmp/uniner-bench-scale}"
THREADS="${THREADS:-2}"
STEPS="${STEPS:-12}"
VOCAB="$ROOT/third_party/llama.cpp/models/ggml-vocab-llama-spm.gguf"
mkdir -p "$WORK"
/usr/bin/python3 "$HERE/make_data.py" "$WORK/data.json" --n 512
"$UNINER" init-model --vocab "$VOCAB" --out "$WORK/large.gguf" --dim 768 --layers 8 --heads 12 --ff 2048 2>/dev/null
"$UNINER" init-model --vocab "$VOCAB" --out "$WORK/small.gguf" --dim 256 --layers 4 --heads 8 --ff 688 2>/dev/null
common="--data $WORK/data.json --max-steps $STEPS --batch 8 --dev-fraction 0 --checkpoint-every 0 --quiet"

# One run: NAME, then the train arguments; the peak RSS (KB) goes to NAME.rss.
run() {
  local name=$1; shift
  rm -rf "$WORK/$name".*
  /usr/bin/time -f "%M" -o "$WORK/$name.rss" "$UNINER" train "$@" $common \
    --metrics "$WORK/$name.metrics.jsonl" --chart "$WORK/$name.svg" --checkpoint-dir "$WORK/$name.ckpt" \
    2> "$WORK/$name.log"
}
echo "load before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
run full --base "$WORK/large.gguf" --out "$WORK/full.gguf" --threads "$THREADS" --lr 1e-4
run lora --base "$WORK/large.gguf" --lora-adapter-out "$WORK/lora.gguf" --lora-rank 16 \
  --lora-targets attn+mlp --threads "$THREADS" --lr 1e-3
run one --base "$WORK/small.gguf" --out "$WORK/one.gguf" --threads "$THREADS" --lr 1e-3
port=$((20000 + RANDOM % 20000))
half=$(( THREADS / 2 > 0 ? THREADS / 2 : 1 ))
for r in 1 0; do
  RANK=$r LOCAL_RANK=$r WORLD_SIZE=2 MASTER_ADDR=127.0.0.1 MASTER_PORT=$port \
    /usr/bin/time -f "%M" -o "$WORK/ddp$r.rss" "$UNINER" train --base "$WORK/small.gguf" \
    --out "$WORK/ddp.gguf" --threads "$half" --lr 1e-3 $common \
    --metrics "$WORK/ddp.metrics.jsonl" --chart "$WORK/ddp.svg" --checkpoint-dir "$WORK/ddp.ckpt" \
    2> "$WORK/ddp$r.log" &
done
wait
echo "load after: $(cut -d' ' -f1-3 /proc/loadavg)" >&2

/usr/bin/python3 - "$WORK" "$THREADS" "$half" <<'PY'
import json, sys
work, threads, half = sys.argv[1], sys.argv[2], sys.argv[3]
def steps(name):
    return [j for j in map(json.loads, open(f"{work}/{name}.metrics.jsonl")) if "loss" in j]
def speed(name):
    s = steps(name)
    a, b = s[1], s[-1]  # from the end of step 2: the first steps warm the allocator up
    return (b["tokens"] - a["tokens"]) / (b["elapsed_s"] - a["elapsed_s"]), s
def rss(name):
    return int(open(f"{work}/{name}.rss").read().split()[-1]) / 1024
print("| run | processes x threads | tokens/s | peak RSS MB | loss at the last step |")
print("|---|---|---|---|---|")
for name, label, shape in [("full", "large, full tuning", f"1 x {threads}"),
                           ("lora", "large, LoRA r16 attn+mlp", f"1 x {threads}"),
                           ("one", "small, 1 process", f"1 x {threads}"),
                           ("ddp", "small, 2 processes (DDP)", f"2 x {half}")]:
    tps, s = speed(name)
    mem = max(rss("ddp0"), rss("ddp1")) if name == "ddp" else rss(name)
    print(f"| {label} | {shape} | {tps:.0f} | {mem:.0f}{' (each)' if name == 'ddp' else ''} | {s[-1]['loss']:.4f} |")
s = steps("ddp")[2:]
comm = [x["comm_s"] for x in s]
step_s = [b["elapsed_s"] - a["elapsed_s"] for a, b in zip(steps("ddp")[1:], steps("ddp")[2:])]
print()
print(f"DDP collectives per step (rank 0, steps 3-): mean {1000*sum(comm)/len(comm):.1f} ms, "
      f"max {1000*max(comm):.1f} ms, of a mean step of {1000*sum(step_s)/len(step_s):.0f} ms")
PY
