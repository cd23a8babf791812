#!/usr/bin/env bash
# Compares two classify_bench binaries on BM_Classify (the full ruleset, evidence spans): the
# MB/s of each, run back to back, alternating, so that load on a shared machine falls on both
# alike; with --callgrind also their instruction counts (Ir), which do not depend on load.
#   bench/classifier/compare.sh OLD_BINARY NEW_BINARY [--callgrind] [--runs N]
# Keep a copy of the binary before a change (cp build/bench/classifier/classify_bench
# /tmp/classify_bench.before) to compare with it after.
set -euo pipefail
old=$1 new=$2
shift 2
callgrind=0 runs=3
while (($#)); do
  case $1 in
    --callgrind) callgrind=1 ;;
    --runs) runs=$2; shift ;;
    *) echo "unknown argument $1" >&2; exit 2 ;;
  esac
  shift
done
mbs() {  # MB/s of one run, from Google Benchmark's bytes_per_second counter
  "$1" --benchmark_filter='^BM_Classify$' --benchmark_min_time=2 --benchmark_format=json 2>/dev/null |
    python3 -c 'import json,sys; b=json.load(sys.stdin)["benchmarks"][0]; print("%.2f" % (b["bytes_per_second"]/1e6))'
}
for ((i = 1; i <= runs; i++)); do
  echo "run $i: old $(mbs "$old") MB/s, new $(mbs "$new") MB/s (CPU time)"
done
if ((callgrind)); then
  for b in "$old" "$new"; do
    out=$(mktemp)
    # Only inside Classifier::Classify: BM_Classify's first pass also loads the ruleset and builds
    # the corpus, a one-time cost that grows with the rules and would blur the per-ad figure.
    valgrind --tool=callgrind --callgrind-out-file="$out" \
      --toggle-collect='adwatch::classifier::Classifier::Classify*' \
      "$b" --benchmark_filter='^BM_Classify$' --benchmark_min_time=0.001 >/dev/null 2>&1
    echo "$b: $(callgrind_annotate "$out" 2>/dev/null | awk '/PROGRAM TOTALS/ {print $1}') Ir in Classify (one pass over the 2,000 ads)"
    rm -f "$out"
  done
fi
