#!/usr/bin/env bash
# Messages per second and peak memory of reading a 100,000-message Telegram export: the parser
# alone (chats_parse) and a whole `adwatch import` into a fresh database (classify + store).
# The export is generated here (gen_telegram.py), never committed.
#   bench/chats/run.sh [MESSAGES] [BUILD_DIR]     default 100000, build
set -euo pipefail
cd "$(dirname "$0")/../.."
n=${1:-100000}
build=${2:-build}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

python3 bench/chats/gen_telegram.py "$n" >"$work/result.json"
echo "export: $n messages, $(du -m "$work/result.json" | cut -f1) MB"

if [ -x "$build/bench/chats/chats_parse" ]; then
  "$build/bench/chats/chats_parse" telegram "$work/result.json"
fi

printf 'storage:\n  path: %s/db\n  sync: interval\n' "$work" >"$work/adwatch.yaml"
/usr/bin/time -f 'import: %e s wall, %U s user CPU, %M KiB peak RSS' \
  "$build/app/adwatch" --config "$work/adwatch.yaml" import --format telegram-export \
  "$work/result.json" --reviewer bench
