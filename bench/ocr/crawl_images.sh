#!/usr/bin/env bash
# Crawl throughput with the image stage on and off, on a loopback site of N ad pages that each
# carry one poster (distinct URLs, so every poster is fetched and read: the worst case).
#   bench/ocr/crawl_images.sh [N] [BUILD_DIR]      (default 40 pages, build/)
# Serves the site with python3's http.server on 127.0.0.1 only; prints pages/s for each mode.
set -euo pipefail
n=${1:-40}
build=${2:-build}
root=$(cd "$(dirname "$0")/../.." && pwd)
adwatch=$root/$build/app/adwatch
work=$(mktemp -d)
trap 'kill $server 2>/dev/null || true; rm -rf "$work"' EXIT
mkdir -p "$work/site/ad" "$work/site/img"
{
  echo "<html><body>"
  for i in $(seq 1 "$n"); do echo "<a href=\"/ad/$i.html\">iklan $i</a>"; done
  echo "</body></html>"
} > "$work/site/index.html"
posters=(lure_id.png unrelated_id.png lure_en.png lure_ms.png)
for i in $(seq 1 "$n"); do
  p=${posters[$((i % 4))]}
  cp "$root/tests/data/posters/$p" "$work/site/img/p$i.png"
  printf '<html><head><title>Info loker %d</title></head><body><article><h1>Info loker %d</h1><p>Info lengkap di gambar, minat DM.</p><img src="/img/p%d.png"></article></body></html>\n' "$i" "$i" "$i" > "$work/site/ad/$i.html"
done
port=$((20000 + RANDOM % 20000))
(cd "$work/site" && exec python3 -m http.server "$port" --bind 127.0.0.1 >/dev/null 2>&1) &
server=$!
sleep 1
for mode in off on; do
  enabled=false
  [ "$mode" = on ] && enabled=true
  printf 'crawl:\n  allowed_private_ranges: ["127.0.0.0/8"]\nimages:\n  enabled: %s\n' "$enabled" > "$work/adwatch.yaml"
  rm -rf "$work/db"
  start=$(date +%s.%N)
  summary=$("$adwatch" crawl --config "$work/adwatch.yaml" --start "http://127.0.0.1:$port/" --db "$work/db" \
    --host-delay 0 2>/dev/null | grep -o "[0-9]* ads stored, [0-9]* flagged")
  end=$(date +%s.%N)
  awk -v n="$n" -v s="$start" -v e="$end" -v m="$mode" \
    'BEGIN { printf "images %-3s  %d ad pages + index in %.1f s: %.2f pages/s\n", m, n, e - s, (n + 1) / (e - s) }'
  echo "  $summary"
done
