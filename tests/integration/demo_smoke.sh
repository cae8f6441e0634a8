#!/usr/bin/env bash
# demo.sh --smoke end to end, then again: the second run must skip every step and print the same
# held-out F1.   demo_smoke.sh DEMO_SCRIPT UNINER FAKE_TEACHER
set -euo pipefail
demo=$1
export UNINER=$2 FAKE_TEACHER=$3 THREADS=1
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
first=$("$demo" --smoke --work "$work" 2>&1) || { echo "$first"; echo "demo_smoke: the first run failed"; exit 1; }
echo "$first"
for step in "1/9 synth" "2/9 annotate" "3/9 stats" "4/9 build-data" "5/9 train-vocab" "6/9 init-model" "7/9 train" "8/9 bench" "9/9 extract"; do
  grep -q "^demo: $step" <<<"$first" || { echo "demo_smoke: no line for step $step"; exit 1; }
done
grep -qE '^held-out F1: [0-9]+\.[0-9]{3}$' <<<"$first" || { echo "demo_smoke: no held-out F1 line"; exit 1; }
ls "$work"/smoke/student.gguf "$work"/smoke/bench-heldout-constrained/report.svg >/dev/null
grep -q '"status":"ok"' "$work"/smoke/annotations.jsonl || { echo "demo_smoke: no annotation"; exit 1; }
stamp=$(stat -c %Y "$work"/smoke/student.gguf)
sleep 1
second=$("$demo" --smoke --work "$work" 2>&1) || { echo "$second"; echo "demo_smoke: the re-run failed"; exit 1; }
[ "$(stat -c %Y "$work"/smoke/student.gguf)" = "$stamp" ] || { echo "demo_smoke: the re-run trained again"; exit 1; }
[ "$(grep '^held-out F1' <<<"$first")" = "$(grep '^held-out F1' <<<"$second")" ] || { echo "demo_smoke: F1 changed on re-run"; exit 1; }
echo "demo_smoke: ok"
