#!/usr/bin/env bash
# Fuzzes the extraction stage (fuzz/extract_fuzz.cc, libFuzzer + ASan + UBSan under clang) for a
# while: first replays every input that once broke it (fuzz/regressions/), then explores from the
# HTML fixtures for SECONDS seconds. Exits non-zero on any crash, sanitizer report or broken
# promise, leaving the input that caused it in the build folder (crash-*, timeout-*, oom-*).
#   scripts/fuzz.sh [SECONDS]      default 60 (CI runs this); docs/extraction.md has a longer run
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}
build=${BUILD_DIR:-build-fuzz}

scripts/install-deps.sh  # includes clang and its libFuzzer runtime

CC=clang CXX=clang++ cmake -S . -B "$build" -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo \
  -DADWATCH_FUZZ=ON -DADWATCH_BUILD_TESTS=OFF -DADWATCH_BUILD_BENCH=OFF >/dev/null
cmake --build "$build" -j2 --target extract_fuzz

cd "$build"
fuzzer=./fuzz/extract_fuzz
echo "fuzz.sh: replaying $(ls ../fuzz/regressions | wc -l) regression inputs"
"$fuzzer" -timeout=10 -rss_limit_mb=2048 ../fuzz/regressions/*
rm -rf corpus-run && mkdir corpus-run
echo "fuzz.sh: fuzzing Extract for ${seconds}s"
"$fuzzer" -max_total_time="$seconds" -max_len=16384 -timeout=10 -rss_limit_mb=2048 \
  -dict=../fuzz/extract.dict -print_final_stats=1 corpus-run ../tests/data/html 2>&1 | tail -25
echo "fuzz.sh: no crash in ${seconds}s"
