#!/usr/bin/env bash
# The one test command: installs what is missing, configures, builds (-j2) and runs every test.
#   scripts/test.sh            (BUILD_DIR=build by default; extra args go to ctest, e.g. -L unit)
set -euo pipefail
here=$(cd "$(dirname "$0")/.." && pwd)
build=${BUILD_DIR:-$here/build}
jobs=${JOBS:-2}

"$here/scripts/install-deps.sh"
cmake -S "$here" -B "$build" -DCMAKE_BUILD_TYPE=Release
cmake --build "$build" -j"$jobs"
ctest --test-dir "$build" --output-on-failure -j"$jobs" "$@"
