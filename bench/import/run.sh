#!/usr/bin/env bash
# `adwatch import` at scale: generates 25,000 and 250,000 synthetic ads (gen_ads.py; nothing is
# committed but the generator), imports each into a new database under /usr/bin/time -v, and
# prints ads/s and peak RSS. Memory must not grow with the file: the import streams its input
# and writes batches of 256 ads (docs/storage.md, "Commands").
#   bench/import/run.sh ADWATCH_BINARY [COUNT...]        (default counts: 25000 250000)
# Env: IMPORT_BENCH_DIR (default /tmp/adwatch-import-bench), ADWATCH_CONFIG (default:
# examples/adwatch.yaml of this checkout, with storage.sync interval).
set -euo pipefail
(($#)) || { echo "usage: run.sh ADWATCH_BINARY [COUNT...]" >&2; exit 2; }
bin=$(realpath "$1"); shift
counts=("$@"); ((${#counts[@]})) || counts=(25000 250000)
here=$(cd "$(dirname "$0")" && pwd)
repo=$(cd "$here/../.." && pwd)
config=${ADWATCH_CONFIG:-$repo/examples/adwatch.yaml}
work=${IMPORT_BENCH_DIR:-/tmp/adwatch-import-bench}
mkdir -p "$work"
echo "load average at start: $(cut -d' ' -f1-3 /proc/loadavg)"
printf '%-8s %10s %9s %8s %10s %8s\n' ads wall_s ads/s rss_MB input_MB cpu_s
for n in "${counts[@]}"; do
  ads=$work/ads-$n.jsonl
  [ -s "$ads" ] || /usr/bin/python3 "$here/gen_ads.py" "$n" 42 >"$ads"
  rm -rf "$work/db-$n"
  /usr/bin/time -v -o "$work/time-$n.txt" "$bin" --config "$config" import "$ads" \
    --db "$work/db-$n" >"$work/out-$n.txt" 2>&1 || { cat "$work/out-$n.txt" >&2; exit 1; }
  /usr/bin/python3 - "$work/time-$n.txt" "$n" "$ads" <<'PY'
import os, re, sys
t = open(sys.argv[1]).read()
n = int(sys.argv[2])
wall = 0.0
for p in re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":"):
    wall = wall * 60 + float(p)
rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): (\S+)", t))
print("%-8d %10.1f %9.0f %8.1f %10.1f %8.1f" % (n, wall, n / wall, rss,
      os.path.getsize(sys.argv[3]) / 2**20, cpu))
PY
  tail -1 "$work/out-$n.txt"
  rm -rf "$work/db-$n"
done
echo "load average at end: $(cut -d' ' -f1-3 /proc/loadavg)"
