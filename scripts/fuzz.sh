#!/usr/bin/env bash
# Fuzzes what parses outside input (libFuzzer + ASan + UBSan under clang), each target for a while:
#   extract_fuzz    the extraction stage (fuzz/extract_fuzz.cc), seeded with the HTML fixtures
#   rules_fuzz      the rule loader: YAML in, a ruleset or a located error out (fuzz/rules_fuzz.cc),
#                   seeded with the bundled rules/ files
#   normalize_fuzz  the normaliser, entity extraction and classifier on any bytes as ad text
#                   (fuzz/normalize_fuzz.cc), seeded with the corpus lines
#   api_fuzz        the API: any bytes through Beast's request parser into HandleRequest, never a
#                   2xx a request is not entitled to (fuzz/api_fuzz.cc), seeded with each route
#                   under each role
#   chats_fuzz      the chat-export parsers: Telegram Desktop JSON, WhatsApp .txt and .zip, picked
#                   by the first byte (fuzz/chats_fuzz.cc), seeded with tests/data/chats
#   image_fuzz      the image path: header probing, capped decoding, perceptual hash
#                   (fuzz/image_fuzz.cc), seeded with the generated posters tests/data/posters
# Each first replays every input that once broke it (fuzz/regressions/<target>/), then explores for
# SECONDS seconds. Exits non-zero on any crash, sanitizer report or broken promise, leaving the
# input that caused it in the build folder (crash-*, timeout-*, oom-*); copy it into the
# target's regressions folder once fixed.
#   scripts/fuzz.sh [SECONDS] [TARGET...]   default 60 s each, all targets (CI runs this)
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
shift || true
targets=("$@")
((${#targets[@]})) || targets=(extract_fuzz rules_fuzz normalize_fuzz api_fuzz chats_fuzz image_fuzz)
build=${BUILD_DIR:-build-fuzz}

scripts/install-deps.sh  # includes clang and its libFuzzer runtime

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DADWATCH_FUZZ=ON -DADWATCH_BUILD_TESTS=OFF -DADWATCH_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target "${targets[@]}"

root=$PWD
cd "$build"

# Seeds: a mode byte (see each target's header) before each bundled file or corpus line.
rm -rf seeds && mkdir -p seeds/extract_fuzz seeds/rules_fuzz seeds/normalize_fuzz seeds/api_fuzz seeds/chats_fuzz seeds/image_fuzz
cp "$root"/tests/data/html/* seeds/extract_fuzz/
# The posters, except the bomb (refused at once: it only slows the corpus loading).
find "$root"/tests/data/posters -name '*.png' -o -name '*.jpg' -o -name '*.gif' -o -name '*.webp' |
  grep -v bomb | xargs -I{} cp {} seeds/image_fuzz/
n=0
while IFS= read -r f; do
  mode='\000'
  [ "$(basename "$f")" = categories.yaml ] && mode='\001'
  [ "$(basename "$f")" = destinations.yaml ] && mode='\003'
  { printf "$mode"; cat "$f"; } >"seeds/rules_fuzz/$((n += 1))"
done < <(find "$root/rules" -name '*.yaml' | sort)
# One dev text in five seeds normalize_fuzz: libFuzzer runs every seed before its 60 s start, and
# all 10,000 dev texts under ASan took several minutes of CI before fuzzing began.
n=0
while IFS= read -r line; do
  n=$((n + 1))
  { printf "\\$(printf '%03o' $((n % 4)))"; printf '%s' "$line"; } >"seeds/normalize_fuzz/$n"
done < <(cat "$root"/tests/data/corpus/dev.jsonl "$root"/tests/data/corpus/families/dev/*.jsonl |
  awk 'NR % 5 == 1')

n=0
for token in POLICEpolicePOLICEpolicePOLICEpolicePOLICEp NGOAngoaNGOAngoaNGOAngoaNGOAngoaNGOAngoaNGO \
  TASKtaskTASKtaskTASKtaskTASKtaskTASKtaskTAS REVOKEDrevokedREVOKEDrevokedREVOKEDrevokedR; do
  for request in "GET /v1/ads?day=2026-11-22&min_level=low" "GET /v1/ads/{kepri}" "GET /v1/ads/{ntt}" \
    "GET /v1/ads/{kepri}/evidence" "GET /v1/submissions" "GET /v1/submissions/seededSubmissionngo-a" \
    "GET /v1/watch" "GET /v1/alerts?since=7d" "GET /healthz" "GET /metrics"; do
    printf '%s HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer adw_%s\r\n\r\n' "$request" "$token" \
      >"seeds/api_fuzz/$((n += 1))"
  done
  for body in '{"label":"confirmed","note":"x"}' '{"text":"kerja di Kamboja"}' '{"url":"http://a.example/"}' \
    '{"kind":"phone","value":"0812-5550-1234","note":"x"}'; do
    path=/v1/submissions
    [ "${body:2:5}" = label ] && path=/v1/ads/{kepri}/review
    [ "${body:2:4}" = kind ] && path=/v1/watch
    printf 'POST %s HTTP/1.1\r\nHost: a\r\nAuthorization: Bearer adw_%s\r\nContent-Type: application/json\r\nContent-Length: %d\r\n\r\n%s' \
      "$path" "$token" "${#body}" "$body" >"seeds/api_fuzz/$((n += 1))"
  done
done

n=0
while IFS= read -r f; do
  case "$f" in
    *.json) mode='\000' ;;
    *.zip) mode='\002' ;;
    *) mode='\001' ;;
  esac
  { printf "$mode"; cat "$f"; } >"seeds/chats_fuzz/$((n += 1))"
done < <(find "$root/tests/data/chats" -name '*.json' -o -name '*.txt' -o -name '*.zip' | sort)

for target in "${targets[@]}"; do
  fuzzer=./fuzz/$target
  regressions=$root/fuzz/regressions/$target
  if [ -d "$regressions" ] && [ -n "$(ls -A "$regressions")" ]; then
    echo "fuzz.sh: $target: replaying $(ls "$regressions" | wc -l) regression inputs"
    "$fuzzer" -timeout=10 -rss_limit_mb=2048 "$regressions"/*
  fi
  dict=()
  [ -f "$root/fuzz/$target.dict" ] && dict=(-dict="$root/fuzz/$target.dict")
  rm -rf "corpus-$target" && mkdir "corpus-$target"
  echo "fuzz.sh: fuzzing $target for ${seconds}s"
  "$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
    "${dict[@]}" -print_final_stats=1 "corpus-$target" "seeds/$target" 2>&1 | tail -25
  echo "fuzz.sh: $target: no crash in ${seconds}s"
done
