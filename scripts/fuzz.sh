#!/usr/bin/env bash
# Builds the libFuzzer harnesses (clang, ASan+UBSan, tests/fuzz) and runs each one in turn.
#   scripts/fuzz.sh [seconds] [target ...]     (default: 300 seconds each, every target)
# Each run starts from the committed seeds (tests/fuzz/corpus/<target>) plus what earlier runs
# found (kept in $FUZZ_WORK, default /tmp/uniner-fuzz), at low priority, one at a time; logs and
# any crashing input go to $FUZZ_LOGS (default /tmp/fuzz-logs). Prints one table row per target:
# seconds, executions, findings. Exits 1 when any harness found something.
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
seconds=${1:-300}
shift || true
build=${FUZZ_BUILD_DIR:-$here/build-fuzz}
work=${FUZZ_WORK:-/tmp/uniner-fuzz}
logs=${FUZZ_LOGS:-/tmp/fuzz-logs}
jobs=${JOBS:-2}

launcher=()
if command -v ccache >/dev/null 2>&1; then
  launcher=(-DCMAKE_C_COMPILER_LAUNCHER=ccache -DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  CC=clang CXX=clang++ cmake -S "$here" -B "$build" -DUNINER_FUZZ=ON -DUNINER_BUILD_TESTS=OFF \
    -DUNINER_BUILD_BENCH=OFF -DUNINER_WITH_TRAINING=OFF -DCMAKE_BUILD_TYPE=RelWithDebInfo \
    "${launcher[@]}" >/dev/null
fi
nice -n 10 cmake --build "$build" -j"$jobs" --target uniner_fuzzers >/dev/null

targets=("$@")
if [ "${#targets[@]}" -eq 0 ]; then
  for d in "$here"/tests/fuzz/corpus/*/; do targets+=("$(basename "$d")"); done
fi
mkdir -p "$logs"
printf '| %-22s | %7s | %12s | %8s |\n' harness seconds executions findings
printf '|%s|%s|%s|%s|\n' "------------------------" "---------" "--------------" "----------"
status=0
for t in "${targets[@]}"; do
  mkdir -p "$work/$t"
  log=$logs/$t.log
  rm -f "$logs/$t"-crash-* "$logs/$t"-leak-* "$logs/$t"-timeout-* "$logs/$t"-oom-*
  start=$(date +%s)
  set +e
  nice -n 19 "$build/tests/fuzz/$t" -max_total_time="$seconds" -rss_limit_mb=2048 -timeout=10 \
    -print_final_stats=1 -artifact_prefix="$logs/$t-" "$work/$t" "$here/tests/fuzz/corpus/$t" \
    >"$log" 2>&1
  rc=$?
  set -e
  took=$(( $(date +%s) - start ))
  execs=$(sed -n 's/^stat::number_of_executed_units: *//p' "$log" | tail -n 1)
  findings=$(find "$logs" -maxdepth 1 -name "$t-*" -type f | wc -l)
  if [ "$rc" -ne 0 ] && [ "$findings" -eq 0 ]; then findings=1; fi
  [ "$findings" -eq 0 ] || status=1
  printf '| %-22s | %7s | %12s | %8s |\n' "$t" "$took" "${execs:-?}" "$findings"
done
exit "$status"
