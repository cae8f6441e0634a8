#!/usr/bin/env bash
# Installs the build tree into a fresh prefix, builds tests/consumer against it with
# find_package(uniner), and runs the program.   run.sh <build dir> <vocab.gguf>
set -euo pipefail
build=$1
vocab=$2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cmake --install "$build" --prefix "$work/prefix" >/dev/null
# The consumer sees only the installed tree: no source or build directory on its paths.
cmake -S "$here" -B "$work/build" -DCMAKE_PREFIX_PATH="$work/prefix" -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build "$work/build" >/dev/null
mkdir -p "$work/run"
"$work/build/consumer" "$vocab" "$work/run"
