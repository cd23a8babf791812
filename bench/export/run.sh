#!/usr/bin/env bash
# Digest and export figures (docs/digest.md, "Figures"). Builds the benchmark store once in
# /tmp/adwatch-export-bench-db (about 100 MB, half a minute), then measures each step in its own
# process, three runs each.
#   bench/export/run.sh [BUILD_DIR]      (default build-export; build export_bench first)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build-export}
bench="$build/bench/export/export_bench"
db=${ADWATCH_BENCH_DB:-/tmp/adwatch-export-bench-db}
[ -x "$bench" ] || { echo "run.sh: build it first: ninja -C $build export_bench" >&2; exit 2; }

"$bench" fill "$db"
for run in 1 2 3; do
  "$bench" digest "$db" --subscription national
  "$bench" digest "$db" --subscription kepri
done
"$bench" digest "$db" --subscription national --cache-mb 8
for run in 1 2 3; do
  "$bench" export "$db" --format csv
  "$bench" export "$db" --format jsonl
done
"$bench" export "$db" --format csv --since 2026-11-22 --until 2026-11-22
"$bench" export "$db" --format csv --since 2026-11-22 --until 2026-11-22 --min-level medium
