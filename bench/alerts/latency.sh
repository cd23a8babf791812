#!/usr/bin/env bash
# How long a watch-list alert takes from the store write that raises it to the police unit's
# webhook, while `adwatch serve` crawls a generated 20,000-page job board on loopback (nginx).
# N watch entries are added through the API; N NGO submissions, each a shared text carrying one
# watched number, are posted one every 0.2 s during the crawl. A Python webhook sink records when
# each alert arrives; the alert's created_at (written in the same batch as the ad) is the start.
#   bench/alerts/latency.sh [--alerts N] [--interval S]     (build first: cmake --build build -j2)
# Loopback only. Prints p50, p99 and max in ms, and the crawl's pages meanwhile.
set -euo pipefail
cd "$(dirname "$0")/../.."
n=100 interval=1
while (($#)); do
  case $1 in
    --alerts) n=$2; shift 2 ;;
    --interval) interval=$2; shift 2 ;;
    *) echo "usage: bench/alerts/latency.sh [--alerts N] [--interval S]" >&2; exit 2 ;;
  esac
done
adwatch=$PWD/build/app/adwatch
[ -x "$adwatch" ] || { echo "latency.sh: build first (cmake --build build -j2)" >&2; exit 1; }
unset http_proxy https_proxy HTTP_PROXY HTTPS_PROXY ALL_PROXY all_proxy

work=$(mktemp -d /tmp/adwatch-alerts-bench.XXXX)
pids=()
cleanup() { for p in "${pids[@]}"; do kill "$p" 2>/dev/null || true; done; rm -rf "$work"; }
trap cleanup EXIT
port=18094 site_port=18093 sink_port=18092

. bench/lib/site.sh
start_site "$work" $site_port 20000

# The webhook sink: one line per request, "arrival_epoch_ms created_at_epoch_ms".
cat >"$work/sink.py" <<'PY'
import http.server, json, sys, time, datetime
out = open(sys.argv[2], "a", buffering=1)
class H(http.server.BaseHTTPRequestHandler):
    def do_POST(self):
        now = time.time() * 1000
        body = json.loads(self.rfile.read(int(self.headers["Content-Length"])))
        for a in ([body["alert"]] if "alert" in body else body.get("alerts", [])):
            t = datetime.datetime.strptime(a["created_at"], "%Y-%m-%dT%H:%M:%S.%fZ")
            t = t.replace(tzinfo=datetime.timezone.utc).timestamp() * 1000
            out.write(f"{now:.1f} {t:.1f}\n")
        self.send_response(200); self.end_headers(); self.wfile.write(b"ok")
    def log_message(self, *a): pass
http.server.ThreadingHTTPServer(("127.0.0.1", int(sys.argv[1])), H).serve_forever()
PY
/usr/bin/python3 "$work/sink.py" $sink_port "$work/arrivals" &
pids+=($!)

cat >"$work/seeds.yaml" <<SEEDS
sources:
  - {name: bench, start_urls: ["http://127.0.0.1:$site_port/index.html"], allowed_hosts: [127.0.0.1]}
SEEDS
cat >"$work/adwatch.yaml" <<CONF
storage: {path: $work/db, sync: interval}
crawl: {seeds: $work/seeds.yaml, host_delay_ms: 0, host_connections: 8, allowed_private_ranges: [127.0.0.0/8]}
api: {token_rate_per_s: 1000000, token_burst: 1000000, submission_rate_per_s: 1000000,
      submission_burst: 1000000, submissions_per_day: 100000000, submission_queue: 100000}
alerts:
  interval_s: $interval
  webhook_ports: [$sink_port]
  webhook_allowed_private_ranges: [127.0.0.0/8]
  recipients:
    - org: polda-bench
      webhooks: [{url: "http://127.0.0.1:$sink_port/hook", secret_env: ADWATCH_BENCH_SECRET}]
      rate_limit: {max_messages: 100000, per_minutes: 1}
CONF
export ADWATCH_BENCH_SECRET=bench-secret
police=$("$adwatch" --config "$work/adwatch.yaml" token create --org polda-bench --role police)
ngo=$("$adwatch" --config "$work/adwatch.yaml" token create --org yayasan-bench --role ngo)

"$adwatch" --config "$work/adwatch.yaml" serve --listen 127.0.0.1:$port >>"$work/serve.log" 2>&1 &
serve=$!
pids+=($serve)
for _ in $(seq 100); do curl -sf -o /dev/null "http://127.0.0.1:$port/healthz" && break; sleep 0.1; done
for i in $(seq 0 $((n - 1))); do
  num=$(printf "0812555%05d" "$i")
  curl -sf -o /dev/null -H "Authorization: Bearer $police" -H "Content-Type: application/json" \
    -d "{\"kind\":\"phone\",\"value\":\"$num\",\"note\":\"bench $i\"}" "http://127.0.0.1:$port/v1/watch"
done
for _ in $(seq 100); do  # the crawl is running
  curl -s "http://127.0.0.1:$port/metrics" | grep -q '^adwatch_crawl_pages_total [1-9]' && break
  sleep 0.2
done
echo "load average before the alerts: $(cut -d' ' -f1-3 /proc/loadavg) ($(nproc) cores)"
for i in $(seq 0 $((n - 1))); do
  num=$(printf "0812555%05d" "$i")
  curl -sf -o /dev/null -H "Authorization: Bearer $ngo" -H "Content-Type: application/json" \
    -d "{\"text\":\"Dicari admin ke Kamboja no $i, gaji 15 juta, tiket ditanggung. WA $num\",\"share\":true}" \
    "http://127.0.0.1:$port/v1/submissions"
  sleep 0.2
done
for _ in $(seq 600); do
  [ "$(wc -l <"$work/arrivals" 2>/dev/null || echo 0)" -ge "$n" ] && break
  sleep 0.1
done
pages=$(curl -s "http://127.0.0.1:$port/metrics" | awk '/^adwatch_crawl_pages_total / {print $2}')
kill -TERM "$serve"; wait "$serve" 2>/dev/null || true
got=$(wc -l <"$work/arrivals")
echo "alerts received: $got of $n (interval_s $interval); pages crawled meanwhile: ${pages:-0}"
awk '{print $1 - $2}' "$work/arrivals" | sort -g | awk '{a[NR]=$1} END {
  if (NR == 0) exit; printf "store write -> webhook: p50 %.0f ms, p99 %.0f ms, max %.0f ms\n",
  a[int(NR*0.5)+ (NR*0.5 > int(NR*0.5))], a[int(NR*0.99) + (NR*0.99 > int(NR*0.99))], a[NR] }'
