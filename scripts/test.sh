#!/usr/bin/env bash
# Installs what the build needs, builds everything, and runs every test: the Catch2 suites under
# CTest and every rule's own examples (`adwatch rules test`).
#   scripts/test.sh              normal build in build/
#   scripts/test.sh --sanitize   ASan + UBSan build in build-asan/
set -euo pipefail
cd "$(dirname "$0")/.."

build=build
cmake_args=(-DCMAKE_BUILD_TYPE=RelWithDebInfo)
if [ "${1:-}" = "--sanitize" ]; then
  build=build-asan
  cmake_args+=(-DADWATCH_SANITIZE=ON -DADWATCH_BUILD_BENCH=OFF)
fi
build=${BUILD_DIR:-$build}

scripts/install-deps.sh
# The browser test's npm packages, exactly as package-lock.json pins them (playwright-core
# downloads no browser: it drives Debian's /usr/bin/chromium).
(cd tests/browser && npm ci --no-audit --no-fund --loglevel=error)
cmake -S . -B "$build" -G Ninja "${cmake_args[@]}"
cmake --build "$build" -j2
ctest --test-dir "$build" --output-on-failure -j2 --timeout 600
"$build"/app/adwatch rules test
echo "test.sh: all tests passed"
