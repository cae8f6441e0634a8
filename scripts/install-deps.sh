#!/usr/bin/env bash
# Installs what uniner needs on Debian 12, idempotently, and fetches the pinned llama.cpp source.
#   scripts/install-deps.sh [--no-training]
# Run as root (or with sudo available). Safe to re-run: it only does what is missing.
# llama.cpp source: $LLAMA_CPP_DIR if set and valid, else the release bundled in the npm package
# node-llama-cpp@3.21.1, else a git clone of the same tag. It lands in third_party/llama.cpp
# (ignored by git) and third_party/llama.cpp.release records which release and from where.
set -euo pipefail

here=$(cd "$(dirname "$0")/.." && pwd)
want_training=1
for arg in "$@"; do
  case "$arg" in
    --no-training) want_training=0 ;;
    -h|--help) sed -n 2,8p "$0"; exit 0 ;;
    *) echo "install-deps: unknown option $arg" >&2; exit 2 ;;
  esac
done

NODE_LLAMA_CPP_VERSION=3.21.1
LLAMA_TAG_FALLBACK=${LLAMA_CPP_TAG:-v0.4.0}   # the tag node-llama-cpp@3.21.1 bundles; used only when neither LLAMA_CPP_DIR nor npm works
LLAMA_GIT_URL=https://github.com/ggml-org/llama.cpp

sudo_cmd=()
if [ "$(id -u)" -ne 0 ]; then sudo_cmd=(sudo); fi

packages=(g++ cmake make git ca-certificates pkg-config
  nlohmann-json3-dev libcli11-dev libcpp-httplib-dev libssl-dev libicu-dev libsqlite3-dev
  libgtest-dev libgmock-dev libbenchmark-dev python3
  python3-torch python3-sentencepiece python3-numpy  # the tests' independent HF reference
  clang libclang-rt-14-dev  # the sanitizer and fuzz pass (scripts/test-sanitizers.sh)
  chromium python3-websocket)  # the page of `uniner serve` in a headless browser (tests only)
if [ "$want_training" = 1 ]; then
  packages+=(libtorch-dev libgloo-dev libopenblas0-openmp)
fi

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed" || missing+=("$p")
done
if [ "${#missing[@]}" -gt 0 ]; then
  echo "install-deps: installing ${missing[*]}" >&2
  export DEBIAN_FRONTEND=noninteractive
  "${sudo_cmd[@]}" apt-get update -qq
  "${sudo_cmd[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# libtorch's speed is its BLAS: pick OpenBLAS's OpenMP build over the reference BLAS (15x).
if [ "$want_training" = 1 ]; then
  arch=$(dpkg-architecture -qDEB_HOST_MULTIARCH 2>/dev/null || echo x86_64-linux-gnu)
  for lib in libblas.so.3 liblapack.so.3; do
    target=/usr/lib/$arch/openblas-openmp/$lib
    if [ -e "$target" ] && [ "$(readlink -f /etc/alternatives/$lib-$arch 2>/dev/null)" != "$target" ]; then
      "${sudo_cmd[@]}" update-alternatives --quiet --set "$lib-$arch" "$target" || true
    fi
  done
fi

# ---- llama.cpp source --------------------------------------------------------------------
dest=$here/third_party/llama.cpp
record=$here/third_party/llama.cpp.release
mkdir -p "$here/third_party"
if [ -f "$dest/include/llama.h" ] && [ -f "$record" ]; then
  echo "install-deps: llama.cpp present ($(head -n 1 "$record"))" >&2
  exit 0
fi
rm -rf "$dest"

if [ -n "${LLAMA_CPP_DIR:-}" ] && [ -f "$LLAMA_CPP_DIR/include/llama.h" ]; then
  ln -s "$(cd "$LLAMA_CPP_DIR" && pwd)" "$dest"
  printf '%s\nsource: LLAMA_CPP_DIR=%s\n' "$(git -C "$LLAMA_CPP_DIR" describe --tags 2>/dev/null || echo unknown)" "$LLAMA_CPP_DIR" >"$record"
  echo "install-deps: using LLAMA_CPP_DIR=$LLAMA_CPP_DIR" >&2
  exit 0
fi

tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
if command -v npm >/dev/null 2>&1 && (cd "$tmp" && npm pack --silent "node-llama-cpp@$NODE_LLAMA_CPP_VERSION" >/dev/null 2>&1); then
  tar -xzf "$tmp"/node-llama-cpp-*.tgz -C "$tmp" package/llama/gitRelease.bundle package/llama/llama.cpp.info.json
  git clone --quiet "$tmp/package/llama/gitRelease.bundle" "$dest" 2>/dev/null
  tag=$(sed -n 's/.*"tag"[[:space:]]*:[[:space:]]*"\([^"]*\)".*/\1/p' "$tmp/package/llama/llama.cpp.info.json")
  printf '%s\nsource: npm node-llama-cpp@%s (package/llama/gitRelease.bundle)\n' "${tag:-unknown}" "$NODE_LLAMA_CPP_VERSION" >"$record"
elif git clone --quiet --depth 1 --branch "$LLAMA_TAG_FALLBACK" "$LLAMA_GIT_URL" "$dest"; then
  printf '%s\nsource: git %s\n' "$LLAMA_TAG_FALLBACK" "$LLAMA_GIT_URL" >"$record"
else
  echo "install-deps: error: could not fetch llama.cpp (no LLAMA_CPP_DIR, npm pack failed, git clone failed)" >&2
  exit 1
fi
echo "install-deps: llama.cpp $(head -n 1 "$record") in third_party/llama.cpp" >&2
