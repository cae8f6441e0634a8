#!/usr/bin/env bash
# Checks the shape of the house (a ctest, label unit): arrows between layers point down only,
# public headers expose no third-party type, llama.cpp stays in engine/ and torch in train/,
# and no source file grows past 500 lines.   scripts/check-house.sh [repo root]
set -uo pipefail
root=${1:-$(cd "$(dirname "$0")/.." && pwd)}
cd "$root" || exit 2
fail=0
complain() { echo "check-house: $*" >&2; fail=1; }

# Which layers each layer may include (itself and those below it).
declare -A allowed=(
  [text]="text"
  [format]="format text"
  [eval]="eval format text"
  [data]="data format text"
  [engine]="engine format text"
  [benchmark]="benchmark engine eval format text"
  [teacher]="teacher data format text"
  [train]="train engine data format text"
  [serve]="serve engine eval data format text"
)
for layer in "${!allowed[@]}"; do
  for dir in "src/uniner/$layer" "include/uniner/$layer"; do
    [ -d "$dir" ] || continue
    while IFS=: read -r file _ inc; do
      used=$(sed -E 's/.*#include "(uniner\/)?([a-z_]+)\/.*/\2/' <<<"$inc")
      [[ " ${allowed[$layer]} " == *" $used "* ]] || complain "$file: $layer/ must not include $used/ (arrows point down only): $inc"
    done < <(grep -nE '#include "(uniner/)?(text|format|eval|data|engine|benchmark|teacher|train|serve)/' -r "$dir")
  done
done

while IFS= read -r hit; do
  complain "public header includes a third-party header: $hit"
done < <(grep -rnE '#include <(nlohmann|httplib|llama|ggml|gguf|torch|CLI|sentencepiece)' include/ 2>/dev/null)
while IFS= read -r hit; do
  complain "llama.cpp outside src/uniner/engine: $hit"
done < <(grep -rnE '#include [<"](llama|ggml)[^>"]*[>"]' src tools --include='*.cpp' --include='*.h' |
         grep -vE '^src/uniner/(engine|train)/')
while IFS= read -r hit; do
  complain "torch outside src/uniner/train: $hit"
done < <(grep -rnE '#include <(torch|ATen|c10)/' src tools include --include='*.cpp' --include='*.h' |
         grep -v '^src/uniner/train/')

while read -r lines file; do
  [ "$file" = total ] && continue
  [ "$lines" -gt 500 ] && complain "$file has $lines lines (at most 500: split it)"
done < <(find src include tools tests bench -name '*.cpp' -o -name '*.h' | xargs wc -l)

[ "$fail" = 0 ] && echo "check-house: ok"
exit "$fail"
