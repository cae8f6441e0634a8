#!/usr/bin/env bash
# The sanitizer pass (CI runs it after scripts/test.sh): one clang build with AddressSanitizer,
# UndefinedBehaviorSanitizer and libFuzzer's coverage on all of uniner's own code (not
# llama.cpp), then
#   1. the unit tests (ctest label `unit`) under ASan + UBSan (leaks included), in a build without
#      libtorch (so CI also proves that everything but the trainer builds and runs without it);
#   2. each fuzz harness over the committed corpus (tests/fuzz/corpus) for a short run.
#   scripts/test-sanitizers.sh [fuzz-seconds]     (default 10 per harness; BUILD_DIR=build-sanitize)
# Installs what is missing first (clang, libclang-rt-14-dev: scripts/install-deps.sh).
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-10}
build=${BUILD_DIR:-$here/build-sanitize}
jobs=${JOBS:-2}

"$here/scripts/install-deps.sh" --no-training
launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DUNINER_FUZZ=ON -DUNINER_BUILD_TESTS=ON \
  -DUNINER_BUILD_BENCH=OFF -DUNINER_WITH_TRAINING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  "${launcher[@]}" >/dev/null
unit_targets=(unit_text unit_format unit_eval unit_data unit_teacher_output unit_teacher unit_serve)
cmake --build "$build" -j"$jobs" --target "${unit_targets[@]}" uniner uniner_fuzzers

export ASAN_OPTIONS=${ASAN_OPTIONS:-detect_leaks=1:abort_on_error=1}
export UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
ctest --test-dir "$build" -L unit --output-on-failure -j"$jobs"

# Fresh working corpora: only the committed seeds (and what this short run finds) are used.
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
FUZZ_BUILD_DIR=$build FUZZ_WORK=$work FUZZ_LOGS=$work/logs "$here/scripts/fuzz.sh" "$seconds" || {
  echo "test-sanitizers: a fuzz harness failed; logs:" >&2
  for log in "$work"/logs/*.log; do
    if grep -q "ERROR\|invariant failed\|deadly signal" "$log"; then tail -n 40 "$log" >&2; fi
  done
  exit 1
}
