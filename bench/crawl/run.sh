#!/usr/bin/env bash
# Issue 14's crawl table in one command, so the next change can be compared with this one: the
# shared peer benchmark (/work/shared/bench/crawl-peers/run.sh: nginx on 127.0.0.1 serving a
# generated job board, crawled by adwatch, wget2 and Scrapy in turn under /usr/bin/time -v) run
#   - on 5,201 pages, 3 runs, with Scrapy, and
#   - on 52,001 pages (--pages 50000), 1 run, without Scrapy,
# then one table (pages/s, peak RSS, CPU per page of adwatch; wget2's and Scrapy's pages/s) and the
# ratios the issue's gates use: 50k/5k peak RSS and CPU per page (flat: <= 1.15), adwatch/Scrapy
# pages/s at 5k (>= 10).
#
# Builds nothing: give it the binary to measure.
#   bench/crawl/run.sh [--port P] [--runs R] [--only5k] ADWATCH_BINARY [EXTRA CRAWL ARGS...]
# e.g. bench/crawl/run.sh ./build/app/adwatch
# Env: CRAWL_PEERS (path of the shared run.sh), CRAWL_BENCH_DIR (sites, scratch and logs; default
# /tmp/adwatch-crawl-bench, apart from other users of /tmp/crawl-peers), ADWATCH_CONFIG (default:
# examples/adwatch.yaml of this checkout). The machine's load average is printed beside the table:
# the figures are only comparable on a quiet machine, same day.
set -euo pipefail

port=18090 runs5=3 only5k=0
while (($#)); do
  case $1 in
    --port) port=$2; shift 2 ;;
    --runs) runs5=$2; shift 2 ;;
    --only5k) only5k=1; shift ;;
    -*) echo "usage: run.sh [--port P] [--runs R] [--only5k] ADWATCH_BINARY [EXTRA CRAWL ARGS...]" >&2; exit 2 ;;
    *) break ;;
  esac
done
(($#)) || { echo "run.sh: give the adwatch binary to measure (e.g. ./build/app/adwatch)" >&2; exit 2; }
bin=$(realpath "$1"); shift
[ -x "$bin" ] || { echo "run.sh: $bin is not an executable" >&2; exit 2; }
repo=$(cd "$(dirname "$0")/../.." && pwd)
peers=${CRAWL_PEERS:-/work/shared/bench/crawl-peers/run.sh}
[ -x "$peers" ] || { echo "run.sh: $peers not found (set CRAWL_PEERS)" >&2; exit 2; }
config=${ADWATCH_CONFIG:-$repo/examples/adwatch.yaml}
export CRAWL_PEERS_DIR=${CRAWL_BENCH_DIR:-/tmp/adwatch-crawl-bench}
mkdir -p "$CRAWL_PEERS_DIR"
logs=$CRAWL_PEERS_DIR/logs
rm -rf "$logs"; mkdir -p "$logs"

# The crawl under test: the whole pipeline (extract, classify, store) on one host, as fast as
# politeness allows, which is what docs/crawling.md measures.
cmd=("$bin" --config "$config" crawl --start '{url}' --db '{dir}/db' --host-connections 16
  --host-delay 0 "$@")

run() { # NAME PEERS-ARGS...
  local name=$1; shift
  echo "== $name: $peers $* -- ${cmd[*]}" >&2
  echo "   load average before: $(cut -d' ' -f1-3 /proc/loadavg)" >&2
  local rc=0
  "$peers" --port "$port" "$@" -- "${cmd[@]}" >"$logs/$name.txt" 2>&1 || rc=$?
  cp -r "$CRAWL_PEERS_DIR/results" "$logs/$name.results"
  cat "$logs/$name.txt" >&2
  ((rc == 0)) || echo "run.sh: the $name run failed (exit $rc); see $logs/$name.results" >&2
}

load_start=$(cut -d' ' -f1-3 /proc/loadavg)
run 5k --runs "$runs5"
((only5k)) || run 50k --pages 50000 --runs 1 --no-scrapy
load_end=$(cut -d' ' -f1-3 /proc/loadavg)

/usr/bin/python3 - "$logs" "$load_start" "$load_end" "$bin" <<'PY'
import os, re, sys
logs, load_start, load_end, binary = sys.argv[1:5]
def parse(name):
    path = os.path.join(logs, name + ".txt")
    if not os.path.exists(path):
        return None
    t = open(path).read()
    m = re.search(r"site: (\d+) pages", t)
    if not m:
        return None
    r = {"pages": int(m.group(1)), "complete": "INCOMPLETE" not in t}
    for name_ in ("adwatch", "wget2", "scrapy"):
        m = re.search(r"^%s\s+(\S+)\s+(\S+)\s+(\S+)\s+(\S+)\s+(\d+)" % name_, t, re.M)
        if m:
            wall, pps, rss, cpu, reqs = m.groups()
            r[name_] = {"pps": float(pps), "rss": float(rss), "cpu": float(cpu)}
    return r
small, big = parse("5k"), parse("50k")
print()
print("adwatch: %s; load average %s at start, %s at end" % (binary, load_start, load_end))
print("| site | adwatch pages/s | adwatch peak RSS | adwatch CPU per page | wget2 pages/s | Scrapy pages/s |")
print("|---|---|---|---|---|---|")
def row(label, r):
    if r is None or "adwatch" not in r:
        print("| %s | (no result) | | | | |" % label)
        return
    a = r["adwatch"]
    cpp = a["cpu"] * 1000.0 / r["pages"]
    r["cpp"] = cpp
    w = "%.0f" % r["wget2"]["pps"] if "wget2" in r else "—"
    s = "%.0f" % r["scrapy"]["pps"] if "scrapy" in r else "—"
    inc = "" if r["complete"] else " (INCOMPLETE)"
    print("| %s pages | %.0f%s | %.1f MB | %.2f ms | %s | %s |" % (
        format(r["pages"], ","), a["pps"], inc, a["rss"], cpp, w, s))
row("5k", small)
if big is not None:
    row("50k", big)
gates = []
if small and "adwatch" in small:
    gates.append("5k peak RSS %.1f MB (gate <= 80)" % small["adwatch"]["rss"])
    if "scrapy" in small:
        gates.append("adwatch/Scrapy pages/s %.2fx (gate >= 10)" %
                     (small["adwatch"]["pps"] / small["scrapy"]["pps"]))
if small and big and "adwatch" in small and "adwatch" in big:
    gates.append("50k peak RSS %.1f MB (gate <= 100)" % big["adwatch"]["rss"])
    gates.append("50k/5k peak RSS %.2fx (gate <= 1.15)" % (big["adwatch"]["rss"] / small["adwatch"]["rss"]))
    gates.append("50k/5k CPU per page %.2fx (gate <= 1.15)" % (big["cpp"] / small["cpp"]))
print("; ".join(gates))
PY
