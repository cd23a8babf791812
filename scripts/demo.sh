#!/usr/bin/env bash
# The main job on a fresh Debian 12 machine, with no internet: installs what the build needs,
# builds adwatch and runs `adwatch demo`. With --serve it then serves the demo database's pages on
# loopback and prints the address with a police, an NGO and a task-force token (Ctrl-C stops).
set -euo pipefail
cd "$(dirname "$0")/.."
scripts/install-deps.sh
cmake -S . -B build -G Ninja -DCMAKE_BUILD_TYPE=RelWithDebInfo >/dev/null
cmake --build build -j2 --target adwatch
exec build/app/adwatch demo "$@"
