#!/usr/bin/env bash
# The Redis mode's figures (docs/distributed.md, "Measured"): the crawl-peers site (5,201 pages,
# ../shared/bench/crawl-peers/gen_site.py) served by nginx on 127.0.0.1, crawled
#   - in the embedded mode (`adwatch crawl --start … --db …`), and
#   - by 1, 2 and 4 `adwatch crawl --frontier` workers plus one `adwatch ingest`,
# each process under /usr/bin/time -v (wall, CPU, max RSS), all with the same politeness
# (--host-connections 8 --host-delay 0: one host, so the cap is shared by every worker). Then the
# bytes per URL Redis holds (seen-set, queued tasks: synthetic URLs imported), and a run with 2 workers where one is
# SIGKILLed mid-crawl: the fetches nginx served twice against the leases that came back.
# Everything is loopback; Redis is its own on a free port with AOF (appendfsync everysec).
#   bench/distributed/run.sh [BUILD_DIR]        (default: build)
set -euo pipefail
cd "$(dirname "$0")/../.."
build=${1:-build}
adwatch=$(pwd)/$build/app/adwatch
[ -x "$adwatch" ] || { echo "run.sh: build adwatch first: cmake --build $build --target adwatch" >&2; exit 2; }
command -v nginx >/dev/null && command -v redis-server >/dev/null && [ -x /usr/bin/time ] ||
  { echo "run.sh: needs nginx, redis-server and GNU time (apt-get install nginx redis-server time)" >&2; exit 2; }
gen=${GEN_SITE:-/work/shared/bench/crawl-peers/gen_site.py}
pages=5000 port=18089 rport=${REDIS_PORT:-16390}
work=${DIST_BENCH_DIR:-/tmp/adwatch-dist-bench}
rm -rf "$work"; mkdir -p "$work"
site=$work/site
SITE_BASE=http://127.0.0.1:$port /usr/bin/python3 "$gen" "$site" "$pages" 42 >/dev/null
total=$(find "$site" -name '*.html' | wc -l)

ng=$work/nginx; mkdir -p "$ng/logs" "$ng/tmp"
cat >"$ng/nginx.conf" <<NG
daemon off;
worker_processes 1;
pid $ng/nginx.pid;
error_log $ng/logs/error.log warn;
events { worker_connections 1024; }
http {
  types { text/html html; text/plain txt; application/xml xml; }
  sendfile on; keepalive_timeout 30; keepalive_requests 100000;
  access_log $ng/logs/access.log combined buffer=256k flush=1s;
  client_body_temp_path $ng/tmp/body; proxy_temp_path $ng/tmp/proxy;
  fastcgi_temp_path $ng/tmp/fastcgi; uwsgi_temp_path $ng/tmp/uwsgi; scgi_temp_path $ng/tmp/scgi;
  server { listen 127.0.0.1:$port; root $site; index index.html; }
}
NG
nginx -p "$ng" -c "$ng/nginx.conf" & ngpid=$!
mkdir -p "$work/redis"
redis-server --bind 127.0.0.1 --port "$rport" --dir "$work/redis" --save '' --appendonly yes \
  --appendfsync everysec --maxmemory-policy noeviction --daemonize no >"$work/redis.log" 2>&1 & rpid=$!
trap 'kill $ngpid $rpid 2>/dev/null || true' EXIT
for _ in $(seq 50); do
  curl -s -o /dev/null "http://127.0.0.1:$port/index.html" && redis-cli -p "$rport" ping >/dev/null 2>&1 && break
  sleep 0.1
done
start=http://127.0.0.1:$port/index.html
frontier=redis://127.0.0.1:$rport/0
cli() { redis-cli -p "$rport" "$@"; }
served() { sleep 1.2; wc -l <"$ng/logs/access.log"; }
polite=(--host-connections 8 --host-delay 0)
res=$work/results; mkdir -p "$res"

# 1. The embedded mode.
before=$(served)
/usr/bin/time -v -o "$res/embedded.crawl.time" "$adwatch" crawl --json --start "$start" --db "$work/db-embedded" \
  "${polite[@]}" >"$res/embedded.crawl.out" 2>&1
echo "requests=$(($(served) - before))" >>"$res/embedded.crawl.time"

# 2. W workers + one ingest.
seeds=$work/seeds.yaml
printf 'sources:\n  - name: bench\n    start_urls: [%s]\n' "$start" >"$seeds"
rcpu() { cli info cpu | awk -F: '/^used_cpu_(sys|user):/{s+=$2} END{printf "%.2f", s}'; }
for w in 1 2 4; do
  cli flushall >/dev/null
  before=$(served); cpu0=$(rcpu)
  /usr/bin/time -v -o "$res/w$w.ingest.time" "$adwatch" ingest --frontier "$frontier" --db "$work/db-w$w" \
    --until-done --json >"$res/w$w.ingest.out" 2>&1 & ing=$!
  pids=()
  for i in $(seq "$w"); do
    /usr/bin/time -v -o "$res/w$w.worker$i.time" "$adwatch" crawl --frontier "$frontier" --seeds "$seeds" \
      --json "${polite[@]}" --lease 30s >"$res/w$w.worker$i.out" 2>&1 & pids+=($!)
  done
  wait "${pids[@]}"; wait $ing
  echo "requests=$(($(served) - before))" >>"$res/w$w.ingest.time"
  echo "cpu=$(echo "$(rcpu) - $cpu0" | bc) peak_mb=$(cli info memory | awk -F: '/^used_memory_peak:/{printf "%.1f", $2/1048576}')" >"$res/w$w.redis"
done

# 3. Bytes per URL: 1,000,000 synthetic URLs into the seen-set only, then 100,000 queued tasks on
# 200 hosts (each also in the seen-set), imported into an emptied Redis; INFO memory deltas.
used() { cli info memory | awk -F: '/^used_memory:/{print $2+0}'; }
cli flushall >/dev/null; base=$(used)
/usr/bin/python3 -c '
for i in range(1000000): print("{\"seen\":\"https://site%d.example/jobs/%07d.html\"}" % (i % 200, i))' |
  "$adwatch" frontier import --frontier "$frontier" >/dev/null
echo "seen_urls=1000000 seen_bytes=$(($(used) - base))" >"$res/memory.txt"
cli flushall >/dev/null; base=$(used)
/usr/bin/python3 -c '
for i in range(100000): print("{\"task\":{\"url\":\"https://site%d.example/jobs/%07d.html\",\"source\":\"bench\",\"depth\":2}}" % (i % 200, i))' |
  "$adwatch" frontier import --frontier "$frontier" >/dev/null
echo "queued=100000 used_delta=$(($(used) - base)) queue_bytes=$(cli memory usage adw:q:site5.example:443) queue_len=$(cli llen adw:q:site5.example:443)" >>"$res/memory.txt"

# 4. Two workers, one SIGKILLed once nginx has served 1,500 more pages.
cli flushall >/dev/null
before=$(served)
: >"$ng/logs/access.log"; kill -USR1 "$(cat "$ng/nginx.pid")" 2>/dev/null || true; sleep 0.5
"$adwatch" ingest --frontier "$frontier" --db "$work/db-kill" --until-done --json >"$res/kill.ingest.out" 2>&1 & ing=$!
"$adwatch" crawl --frontier "$frontier" --seeds "$seeds" --json "${polite[@]}" --lease 5s >"$res/kill.w1.out" 2>&1 & k1=$!
"$adwatch" crawl --frontier "$frontier" --seeds "$seeds" --json "${polite[@]}" --lease 5s >"$res/kill.w2.out" 2>&1 & k2=$!
while (( $(wc -l <"$ng/logs/access.log") < 1500 )); do sleep 0.05; done
kill -9 $k1; wait $k1 2>/dev/null || true
wait $k2; wait $ing
sleep 1.2
awk '{print $7}' "$ng/logs/access.log" | grep '^/jobs/' | sort | uniq -d | wc -l >"$res/kill.repeated"
cli hget adw:stats reaped >"$res/kill.reaped"

/usr/bin/python3 - "$res" "$total" <<'PY'
import glob, os, re, sys
res, total = sys.argv[1], int(sys.argv[2])
def parse(f):
    t = open(f).read()
    w = 0.0
    for p in re.search(r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)", t).group(1).split(":"):
        w = w * 60 + float(p)
    cpu = sum(float(x) for x in re.findall(r"(?:User|System) time \(seconds\): (\S+)", t))
    rss = int(re.search(r"Maximum resident set size \(kbytes\): (\d+)", t).group(1)) / 1024
    return w, cpu, rss
print("site: %d pages on 127.0.0.1 (nginx), one host, --host-connections 8 --host-delay 0" % total)
print("%-22s %7s %8s %7s %8s" % ("run / process", "wall_s", "pages/s", "cpu_s", "rss_MB"))
w, cpu, rss = parse(os.path.join(res, "embedded.crawl.time"))
print("%-22s %7.1f %8.0f %7.1f %8.1f" % ("embedded: crawl", w, total / w, cpu, rss))
for n in (1, 2, 4):
    procs = sorted(glob.glob(os.path.join(res, "w%d.*.time" % n)))
    wall = max(parse(p)[0] for p in procs)
    for p in procs:
        pw, pc, pr = parse(p)
        name = os.path.basename(p)[:-5].split(".", 1)[1]
        print("%-22s %7.1f %8s %7.1f %8.1f" % ("%d worker(s): %s" % (n, name), pw, "", pc, pr))
    r = dict(kv.split("=") for kv in open(os.path.join(res, "w%d.redis" % n)).read().split())
    print("%-22s %7s %8s %7.1f %8s" % ("%d worker(s): redis" % n, "", "", float(r["cpu"]),
          "peak %s" % r["peak_mb"]))
    print("%-22s %7.1f %8.0f" % ("%d worker(s): all" % n, wall, total / wall))
m = dict(kv.split("=") for kv in open(os.path.join(res, "memory.txt")).read().split())
print("Redis: seen-set %.1f B/URL at %s URLs; a queued task %.1f B (its host's list alone %.1f B/task), seen entry included" % (
    int(m["seen_bytes"]) / int(m["seen_urls"]), m["seen_urls"], int(m["used_delta"]) / int(m["queued"]),
    int(m["queue_bytes"]) / int(m["queue_len"])))
rep = open(os.path.join(res, "kill.repeated")).read().strip()
reaped = open(os.path.join(res, "kill.reaped")).read().strip() or "0"
print("2 workers, one SIGKILLed after 1,500 pages: %s job pages fetched twice, %s leases reaped" % (rep, reaped))
PY
