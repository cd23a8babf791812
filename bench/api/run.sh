#!/usr/bin/env bash
# Load on `adwatch serve` over loopback with wrk (../shared/API.md, section 4), three runs of each
# and their medians: GET /v1/ads (a police token, 50 ads a page) and POST /v1/submissions with a
# pasted text (an NGO token), first with the service idle, then while it crawls a generated
# 20,000-page job board served by nginx; then the serving process's memory after 100,000 requests.
#   bench/api/run.sh [--runs R] [--seconds S]      (build first: cmake --build build -j2)
# Loopback only. Limits are raised in the bench's own config so that wrk measures the service,
# not its rate limits (the per-token bucket, the per-address connection cap).
set -euo pipefail
cd "$(dirname "$0")/../.."
runs=3 seconds=10
while (($#)); do
  case $1 in
    --runs) runs=$2; shift 2 ;;
    --seconds) seconds=$2; shift 2 ;;
    *) echo "usage: bench/api/run.sh [--runs R] [--seconds S]" >&2; exit 2 ;;
  esac
done
adwatch=$PWD/build/app/adwatch
[ -x "$adwatch" ] || { echo "run.sh: build first (cmake --build build -j2)" >&2; exit 1; }
command -v wrk >/dev/null || { echo "run.sh: needs wrk (scripts/install-deps.sh)" >&2; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

work=$(mktemp -d /tmp/adwatch-api-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT

port=18099 site_port=18098
# The site to crawl meanwhile: 20,000 generated job-board pages (the crawl-peers generator).
. bench/lib/site.sh
start_site "$work" $site_port 20000  # larger than the 5,201 pages of crawl-peers, so the crawl outlasts the runs
cat >"$work/seeds.yaml" <<SEEDS
sources:
  - {name: bench, start_urls: ["http://127.0.0.1:$site_port/index.html"], allowed_hosts: [127.0.0.1]}
SEEDS
cat >"$work/adwatch.yaml" <<CONF
storage: {path: $work/db, sync: interval}
crawl: {seeds: $work/seeds.yaml, host_delay_ms: 0, host_connections: 8, allowed_private_ranges: [127.0.0.0/8]}
api: {token_rate_per_s: 1000000, token_burst: 1000000, submission_rate_per_s: 1000000,
      submission_burst: 1000000, submissions_per_day: 100000000, submission_queue: 100000,
      max_connections_per_ip: 256, handler_threads: 4}
CONF
cat >"$work/submit.lua" <<'LUA'
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{"text":"Dicari admin CS ke Kamboja, gaji 15 juta, tiket dan visa ditanggung, WA +62 812 5550 1234"}'
LUA

# Ads of today to list: the labeled corpus, imported.
"$adwatch" --config "$work/adwatch.yaml" import tests/data/corpus/dev.jsonl >/dev/null 2>&1 || true

start_serve() {  # $1: extra serve flags
  "$adwatch" --config "$work/adwatch.yaml" serve --listen 127.0.0.1:$port $1 >>"$work/serve.log" 2>&1 &
  serve=$!
  pids+=($serve)
  for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && return; sleep 0.1; done
  echo "run.sh: serve did not start; its log:" >&2; cat "$work/serve.log" >&2; exit 1
}
stop_serve() { kill -TERM "$serve"; wait "$serve" 2>/dev/null || true; }

# wrk → "requests/s p50_ms p99_ms non2xx"
measure() {  # $1 token, $2 path, $3 extra wrk args
  wrk -t1 -c64 -d"${seconds}s" --latency -H "Authorization: Bearer $1" $3 "http://127.0.0.1:$port$2" |
    awk '/Requests\/sec/ {rps=$2} /^ +50%/ {p50=$2} /^ +99%/ {p99=$2}
         /Non-2xx/ {bad=$NF} END {printf "%s %s %s %s\n", rps, p50, p99, bad+0}'
}
ms() { awk '{v=$1; if (v ~ /us$/) {sub(/us/,"",v); v/=1000} else if (v ~ /ms$/) sub(/ms/,"",v); else if (v ~ /s$/) {sub(/s/,"",v); v*=1000}; printf "%.2f", v}' <<<"$1"; }
median() { sort -g | awk '{a[NR]=$1} END {print a[int((NR+1)/2)]}'; }
report() {  # label, file of "rps p50 p99 non2xx" lines
  local rps p50 p99 bad
  rps=$(cut -d' ' -f1 "$2" | median)
  p50=$(while read -r _ a _ _; do ms "$a"; echo; done <"$2" | median)
  p99=$(while read -r _ _ a _; do ms "$a"; echo; done <"$2" | median)
  bad=$(cut -d' ' -f4 "$2" | median)
  printf "%-44s %10.0f %9.2f %9.2f %8s\n" "$1" "$rps" "$p50" "$p99" "$bad"
}

start_serve --no-crawl
police=$("$adwatch" --config "$work/adwatch.yaml" token create --org polda-bench --role police 2>/dev/null)
ngo=$("$adwatch" --config "$work/adwatch.yaml" token create --org yayasan-bench --role ngo 2>/dev/null)
echo "load average before the runs: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
printf "%-44s %10s %9s %9s %8s\n" "medians of $runs runs of ${seconds}s, wrk -c64" "req/s" "p50 ms" "p99 ms" "non-2xx"
for r in $(seq "$runs"); do measure "$police" "/v1/ads?limit=50" ""; done >"$work/ads-idle"
report "GET /v1/ads, idle" "$work/ads-idle"
for r in $(seq "$runs"); do measure "$ngo" "/v1/submissions" "-s $work/submit.lua"; done >"$work/sub-idle"
report "POST /v1/submissions (text), idle" "$work/sub-idle"
stop_serve

# Memory after 100,000 requests, before the crawl fills the day (each list request is then cheap).
start_serve --no-crawl
rss0=$(awk '/VmRSS/ {print $2}' /proc/$serve/status)
wrk -t1 -c64 -d300s -H "Authorization: Bearer $police" "http://127.0.0.1:$port/v1/ads?limit=50" \
  -s <(printf 'local n=0\nrequest = function() n = n + 1\n if n > 100000 then wrk.thread:stop() end\n return wrk.format()\nend\n') \
  >/dev/null 2>&1 || true
total=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^adwatch_api_requests_total/ {s+=$2} END {print s+0}')
rss1=$(awk '/VmRSS/ {print $2}' /proc/$serve/status)
hwm=$(awk '/VmHWM/ {print $2}' /proc/$serve/status)
echo "serve RSS: $((rss0 / 1024)) MB at start, $((rss1 / 1024)) MB after $total requests (peak $((hwm / 1024)) MB)"
stop_serve

start_serve ""
for _ in $(seq 100); do
  curl -s "http://127.0.0.1:$port/metrics" | grep -q '^adwatch_crawl_pages_total [1-9]' && break
  sleep 0.2
done
for r in $(seq "$runs"); do measure "$police" "/v1/ads?limit=50" ""; done >"$work/ads-crawl"
report "GET /v1/ads, while crawling" "$work/ads-crawl"
for r in $(seq "$runs"); do measure "$ngo" "/v1/submissions" "-s $work/submit.lua"; done >"$work/sub-crawl"
report "POST /v1/submissions (text), while crawling" "$work/sub-crawl"
pages=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^adwatch_crawl_pages_total / {print $2}')
echo "pages crawled meanwhile: ${pages:-0}"

stop_serve

