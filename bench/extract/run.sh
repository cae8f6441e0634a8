#!/usr/bin/env bash
# bench/extract at the settings a user runs (issue 10): the default --max-new-tokens 256, a model
# whose answers end (the demo's trained student), CrossNER_AI passages; uniner's modes and
# llama.cpp's own llama-server on the same model, prompts, threads and context, in one run, with
# the answers compared; prints a markdown table.
#   bench/extract/run.sh            (everything: builds and trains what is missing, then measures)
# Environment (defaults in brackets):
#   PASSAGES [50]   first N passages of the benchmark file (13 types each for CrossNER_AI)
#   THREADS [2]     threads for uniner, llama-server and the training of the student
#   SLOTS ["16 32"] llama-server -np values, one run each (a unified KV pool: --ctx-size cells
#                   shared by all slots, as uniner's)
#   MODEL           a UniNER GGUF to use instead of the demo student
#   BENCHMARK       [../shared/data/universal-ner-benchmark/CrossNER_AI.json] (read in place)
#   BUILD [build]   uniner's build folder; WORK [build-bench] where the student, llama-server's
#                   build and the outputs go
#   MAX_LOAD [0.7]  wait (up to 10 min) for the 1-minute load average to fall below this
#   SKIP_SERVER=1   no llama-server row; SKIP_CONSTRAIN=1 no constrained row
# Exit status: 1 when any answer differs between naive, uniner's default and llama-server.
set -euo pipefail
here=$(cd "$(dirname "$0")/../.." && pwd)
passages=${PASSAGES:-50}
threads=${THREADS:-2}
slots=${SLOTS:-16 32}
build=$(realpath -m "${BUILD:-$here/build}")
work=$(realpath -m "${WORK:-$here/build-bench}")
benchmark=$(realpath -m "${BENCHMARK:-$here/../shared/data/universal-ner-benchmark/CrossNER_AI.json}")
max_load=${MAX_LOAD:-0.7}
launcher=()
command -v ccache >/dev/null && launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
say() { printf 'bench/extract: %s\n' "$*" >&2; }
[ -f "$benchmark" ] || { say "no benchmark file at $benchmark"; exit 2; }
mkdir -p "$work/out"

# 1. uniner (the bench program, the CLI and the demo's local teacher), configured if missing and
# always brought up to date (a no-op when it is), so a rerun measures the current engine.
bench=$build/bench/bench_extract
[ -f "$build/CMakeCache.txt" ] || cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release \
  "${launcher[@]}" >/dev/null
say "building uniner's bench_extract, uniner and uniner-fake-openai in $build (-j2)..."
cmake --build "$build" -j2 --target bench_extract uniner uniner-fake-openai >/dev/null

# 2. The model: the student of scripts/demo.sh (quick preset: trained here in ~6 min on 2 cores;
# it answers JSON lists, then end-of-sequence), unless MODEL names one.
model=${MODEL:-}
if [ -z "$model" ]; then
  model=$work/demo/quick/student.gguf
  if [ ! -f "$model" ]; then
    say "training the demo student (scripts/demo.sh, quick preset) in $work/demo..."
    THREADS=$threads UNINER=$build/tools/uniner/uniner FAKE_TEACHER=$build/tests/uniner-fake-openai \
      "$here/scripts/demo.sh" --work "$work/demo" >&2
  fi
fi
model=$(realpath "$model")

# 3. llama.cpp's own server, from the fetched tree, in its own build folder (never the product's).
server=$work/llama-server/bin/llama-server
if [ -z "${SKIP_SERVER:-}" ] && [ ! -x "$server" ]; then
  say "building llama-server in $work/llama-server (-j2, a few minutes)..."
  cmake -S "$here/third_party/llama.cpp" -B "$work/llama-server" -DCMAKE_BUILD_TYPE=Release \
    -DGGML_NATIVE=ON -DBUILD_SHARED_LIBS=OFF -DLLAMA_CURL=OFF -DLLAMA_OPENSSL=OFF \
    -DLLAMA_BUILD_TESTS=OFF -DLLAMA_BUILD_EXAMPLES=OFF -DLLAMA_BUILD_TOOLS=ON \
    -DLLAMA_BUILD_SERVER=ON -DLLAMA_BUILD_APP=OFF -DLLAMA_BUILD_UI=OFF -DLLAMA_USE_PREBUILT_UI=OFF \
    "${launcher[@]}" >"$work/llama-server.configure.log" 2>&1
  cmake --build "$work/llama-server" -j2 --target llama-server >"$work/llama-server.build.log" 2>&1
fi

# 4. A quiet machine (2 cores are easily shared): wait for the load to fall, then record it.
for i in $(seq 120); do
  awk -v m="$max_load" '{ exit !($1 < m) }' /proc/loadavg && break
  [ "$i" = 1 ] && say "waiting (up to 10 min) for the load average to fall below $max_load..."
  sleep 5
done
load_before=$(cut -d' ' -f1-3 /proc/loadavg)

# 5. uniner's rows: naive, shared (one passage at a time), shared+batched (the default), the
# floor, constrained; all at the default --max-new-tokens 256, answers compared with naive's.
out=$work/out
rc=0
extra=()
[ -n "${SKIP_CONSTRAIN:-}" ] && extra+=(--skip-constrain)
"$bench" --benchmark "$benchmark" --model "$model" --threads "$threads" --passages "$passages" \
  --max-new-tokens 256 "${extra[@]}" --report "$out/rows.json" --dump "$out/prompts.jsonl" | tee "$out/uniner.txt" >&2 \
  || rc=1

# 6. llama-server's row on the same prompts, and the table.
if [ -z "${SKIP_SERVER:-}" ]; then
  PYTHONDONTWRITEBYTECODE=1 python3 "$here/bench/extract/llama_server.py" --server "$server" --model "$model" \
    --dump "$out/prompts.jsonl" --report "$out/rows.json" --slots $slots \
    --log "$out/llama-server.log" --out "$out/llama-server.json" | tee "$out/table.md" || rc=1
fi
load_after=$(cut -d' ' -f1-3 /proc/loadavg)
echo
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2- | xargs); load average before $load_before, after $load_after"
echo "llama.cpp: $(tr '\n' ' ' < "$here/third_party/llama.cpp.release" 2>/dev/null || echo '?')"
exit $rc
