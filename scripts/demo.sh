#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, with no internet: installs what the build needs,
# builds adwatch and runs `adwatch demo`.
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target adwatch
exec build/app/adwatch demo "$@"
