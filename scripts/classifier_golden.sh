#!/usr/bin/env bash
# Writes the classifier's golden verdicts on the whole corpus to
# tests/data/classifier/golden_verdicts.tsv.gz, which tests/classifier/golden_test.cc compares
# today's verdicts with field by field. Run it when rules/ or the corpus changes (never to make
# a classifier change pass), then review the difference before committing:
#   scripts/classifier_golden.sh [BUILD_DIR]        # default build/
#   zdiff <(git show HEAD:tests/data/classifier/golden_verdicts.tsv.gz | gzip -dc) \
#         tests/data/classifier/golden_verdicts.tsv.gz
set -euo pipefail
src="$(cd "$(dirname "$0")/.." && pwd)"
build="${1:-$src/build}"
[ -f "$build/CMakeCache.txt" ] ||
  cmake -S "$src" -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build "$build" -j2 --target classifier_golden_dump
mkdir -p "$src/tests/data/classifier"
out="$src/tests/data/classifier/golden_verdicts.tsv.gz"
"$build/tests/classifier/classifier_golden_dump" "$src" | gzip -9 -n >"$out.tmp"
mv "$out.tmp" "$out"
echo "$(gzip -dc "$out" | wc -l) verdicts written to ${out#"$src"/}"
