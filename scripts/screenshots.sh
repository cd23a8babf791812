#!/usr/bin/env bash
# Writes the screenshots of docs/web.md (docs/img/web-*-desktop.png at 1280 px, -phone.png at
# 390 px) by running the browser test (tests/browser/pages_test.js) against the demo database.
# Needs a built adwatch (build/app/adwatch), chromium and `npm ci` in tests/browser.
set -euo pipefail
cd "$(dirname "$0")/.."
(cd tests/browser && [ -d node_modules ] || npm ci --no-audit --no-fund --loglevel=error)
ADWATCH_SHOTS=docs/img ADWATCH_BIN=${ADWATCH_BIN:-build/app/adwatch} node tests/browser/pages_test.js
# Keep them small for the repository: 256-colour PNGs (ImageMagick), when it is there.
if command -v convert >/dev/null; then
  for f in docs/img/web-*.png; do convert "$f" -colors 256 "PNG8:$f"; done
fi
ls -l docs/img/web-*.png
