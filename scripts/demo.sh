#!/usr/bin/env bash
# The whole UniversalNER recipe, offline, on one machine: a synthetic corpus, a local teacher that
# answers like a (noisy) chat LLM over the real HTTP client, instruction data with frequency-based
# negatives, a student trained from scratch, and its benchmark on held-out passages whose entity
# names it never saw.
#   scripts/demo.sh [--full | --smoke] [--work DIR]   (default: DIR=demo-work, the quick preset)
# Every finished step is kept and skipped on a re-run; an interrupted training resumes.
# --smoke: a seconds-long run of every step (the test suite runs it). Environment: THREADS,
# UNINER and FAKE_TEACHER (the binaries; default: this checkout's build/).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
preset=quick
work=$here/demo-work
while [ $# -gt 0 ]; do
  case $1 in
    --full) preset=full ;;
    --smoke) preset=smoke ;;
    --work) work=$2; shift ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "demo: unknown argument $1 (see --help)" >&2; exit 2 ;;
  esac
  shift
done

# The presets: how much data and how much student (chosen from measurements: docs/demo.md). The
# world: 20x the default names per type, so that a training name recurs in few passages and
# names cannot be learnt by heart; a 4,000-piece vocabulary learnt from the corpus; the loss on
# every token (train --loss-on all: a student from scratch also learns from the passages' text).
if [ "$preset" = smoke ]; then
  train_passages=40 heldout_passages=6 vocab_size=400 dim=32 layers=1 heads=2 ff=64
  epochs=2 lr=5e-3 batch=8 checkpoint_every=4
elif [ "$preset" = quick ]; then
  train_passages=1500 heldout_passages=150 vocab_size=4000 dim=256 layers=2 heads=8 ff=688
  epochs=3 lr=3e-3 batch=4 checkpoint_every=250
else
  train_passages=12000 heldout_passages=400 vocab_size=4000 dim=128 layers=4 heads=4 ff=344
  epochs=10 lr=5e-3 batch=8 checkpoint_every=500
fi
world=(--seed 1 --name-scale 20)
threads=${THREADS:-$(nproc)}
# The binaries, as absolute paths (the steps run inside the work folder).
uniner=$(realpath -m "${UNINER:-$here/build/tools/uniner/uniner}")
fake=$(realpath -m "${FAKE_TEACHER:-$here/build/tests/uniner-fake-openai}")
work=$(realpath -m "$work")/$preset
mkdir -p "$work"
cd "$work"

say() { printf 'demo: %s\n' "$*"; }
done_step() { [ -e ".done-$1" ]; }
finish_step() { touch ".done-$1"; }

# 0. Build what is missing (a clean machine: packages, llama.cpp, the build).
if [ ! -x "$uniner" ] || [ ! -x "$fake" ] || ! "$uniner" train --help >/dev/null 2>&1; then
  say "building uniner (first run only; its output in $work/build.log)..."
  # only the two programs the demo runs (the tests build with scripts/test.sh)
  if ! { "$here/scripts/install-deps.sh" &&
         cmake -S "$here" -B "$here/build" -DCMAKE_BUILD_TYPE=Release &&
         cmake --build "$here/build" -j"$threads" --target uniner uniner-fake-openai; } \
       >build.log 2>&1; then
    tail -20 build.log >&2
    echo "demo: the build failed (above: the end of $work/build.log)" >&2
    exit 1
  fi
fi
start=$(date +%s)

# 1. The synthetic world: training passages, and held-out passages with names never seen.
if ! done_step synth; then
  # One world (seed 1): training passages, then later passages of the same training names, then
  # passages of the held-out names.
  "$uniner" synth --out-dir world-train --passages "$train_passages" --split train "${world[@]}" \
    --noise-missed 0.05 --noise-wrong-type 0.03 --noise-invented 0.02 --noise-format 0.05 \
    --overwrite --quiet
  "$uniner" synth --out-dir world-seen --passages "$heldout_passages" --first "$train_passages" \
    --split train "${world[@]}" --overwrite --quiet
  "$uniner" synth --out-dir world-heldout --passages "$heldout_passages" --split heldout \
    "${world[@]}" --overwrite --quiet
  finish_step synth
fi
say "1/9 synth: $train_passages training passages, $heldout_passages held-out (unseen names) and $heldout_passages with training names"

# 2. Annotation by the teacher, over HTTP (the local server answers like a noisy chat LLM).
if ! done_step annotate; then
  rm -f teacher-url.txt
  "$fake" --answers world-train/teacher.jsonl > teacher-url.txt 2>teacher.log &
  server=$!
  trap 'kill $server 2>/dev/null || true' EXIT
  until [ -s teacher-url.txt ]; do sleep 0.1; done
  "$uniner" annotate --input world-train/passages.jsonl --output teacher-answers.jsonl \
    --base-url "$(cat teacher-url.txt)" --model synthetic-teacher 2>annotate.log
  kill $server 2>/dev/null || true
  trap - EXIT
  # annotate writes answers as they arrive; in the passages' order, the data of every run (and
  # so its training) is the same
  "$uniner" merge -i teacher-answers.jsonl --order-by world-train/passages.jsonl \
    -o annotations.jsonl 2>>annotate.log
  finish_step annotate
fi
say "2/9 annotate: $(wc -l < annotations.jsonl) passages annotated by the teacher over HTTP ($(grep -c '"status":"parse_error"' annotations.jsonl || true) unparseable answers, kept as such)"

# 3. Statistics of the annotations (the long tail of types).
if ! done_step stats; then
  "$uniner" stats -i annotations.jsonl > stats.txt 2>/dev/null
  finish_step stats
fi
say "3/9 stats: $(grep -E '^(entity mentions|distinct types|top 1%)' stats.txt | tr -s ' ' | paste -sd ';')"

# 4. Instruction data with frequency-based negative sampling.
if ! done_step build-data; then
  "$uniner" build-data --input annotations.jsonl --output train.json --negatives frequency \
    2>build-data.log
  finish_step build-data
fi
say "4/9 build-data: $(tail -1 build-data.log | sed 's/^build-data: //')"

# 5. A vocabulary learnt from the corpus: a few thousand pieces, all of them seen in training.
if ! done_step vocab; then
  "$uniner" train-vocab -i world-train/passages.jsonl train.json -o vocab.gguf \
    --size "$vocab_size" 2>vocab.log
  finish_step vocab
fi
say "5/9 train-vocab: $(sed 's/^train-vocab: //' vocab.log)"

# 6-7. A student from scratch on that vocabulary, trained (resumes if interrupted).
if ! done_step train; then
  [ -e base.gguf ] || "$uniner" init-model --vocab vocab.gguf -o base.gguf --dim "$dim" \
    --layers "$layers" --heads "$heads" --ff "$ff" --tied-output --seed 1 2>/dev/null
  resume=()
  [ -d student.gguf.ckpt ] && resume=(--resume)
  "$uniner" train --base base.gguf --data train.json --out student.gguf --epochs "$epochs" \
    --lr "$lr" --batch "$batch" --threads "$threads" --bf16 --loss-on all --keep-checkpoints 0 \
    --checkpoint-every "$checkpoint_every" "${resume[@]}" 2>train.log
  finish_step train
fi
say "6/9 init-model: dim $dim, $layers layers, tied output, the $vocab_size-token vocabulary"
say "7/9 train: $(grep '^train: [0-9]' train.log | tail -1 | cut -c8-)"

# 8. The benchmark: held-out names (the real test) and training names, free and constrained.
if ! done_step bench; then
  for set in heldout seen; do
    "$uniner" bench -m student.gguf --data "world-$set/benchmark.json" --out "bench-$set" \
      --threads "$threads" --quiet >/dev/null 2>&1
    "$uniner" bench -m student.gguf --data "world-$set/benchmark.json" --out "bench-$set-constrained" \
      --constrain passage --threads "$threads" --quiet >/dev/null 2>&1
  done
  finish_step bench
fi
f1() { printf '%.3f' "$(grep -o '"f1": *[0-9.e-]*' "$1/report.json" | tail -1 | grep -o '[0-9.e-]*$')"; }
lists() {  # answers that are a JSON list, of all answers
  echo "$(grep -c '"prediction":"\[.*\]"}$' "$1/benchmark.pred.jsonl" || true) of $(wc -l < "$1/benchmark.pred.jsonl")"
}
say "8/9 bench: held-out F1 $(f1 bench-heldout-constrained) with answers constrained to the passage, $(f1 bench-heldout) without; training names $(f1 bench-seen-constrained) / $(f1 bench-seen); answers that are a list: $(lists bench-heldout)"

# 9. A sample paragraph of held-out names, with offsets.
head -1 world-heldout/passages.jsonl > sample-passage.jsonl
"$uniner" extract -m student.gguf --input sample-passage.jsonl -o sample.jsonl --overwrite \
  --types person,company,city,country,date --constrain passage --quiet 2>/dev/null || true
# each entity as text (type, start-end), offsets in characters of the passage
entities=$(grep -o '{"text":"[^"\\]*","type":"[^"\\]*","start":[0-9]*,"end":[0-9]*' sample.jsonl |
  sed -E 's/^\{"text":"(.*)","type":"(.*)","start":([0-9]*),"end":([0-9]*)$/\1 (\2, \3-\4)/' |
  paste -sd ';' | sed 's/;/; /g' || true)
passage=$(grep -o '"text":"[^"]\{1,400\}' sample.jsonl | head -1 | cut -c9- || true)
say "9/9 extract: \"$passage\" -> ${entities:-no entities} (sample.jsonl)"

echo
echo "held-out F1: $(f1 bench-heldout-constrained)"
echo "report: $work/bench-heldout-constrained/report.md (chart: report.svg); student: $work/student.gguf"
echo "recipe time: $(( $(date +%s) - start )) s"
