#!/usr/bin/env bash
# Installs every Debian 12 package that building, testing and benchmarking adwatch needs.
# Idempotent: packages already present are left alone. Run as root (or with sudo available).
set -euo pipefail

packages=(
  cmake g++ make pkg-config ninja-build
  libcurl4-openssl-dev libgumbo-dev libre2-dev librocksdb-dev
  libboost-dev libboost-system-dev catch2 libyaml-cpp-dev nlohmann-json3-dev libicu-dev
  libphonenumber-dev libprotobuf-dev libssl-dev libcli11-dev libspdlog-dev libfmt-dev libuchardet-dev libzstd-dev
  libbenchmark-dev clang libclang-rt-14-dev
  zlib1g-dev
  libminizip-dev                 # chats/: WhatsApp export zips
  prometheus-cpp-dev             # api/: the /metrics registry
  python3-prometheus-client      # tests/app/serve_test.cc parses /metrics with it
  wrk                            # bench/api: load on loopback
  ca-certificates curl
  chromium  # tests/export renders the HTML digest, tests/browser drives the pages in it
  # ocr/: Tesseract 5 through its C++ API, Leptonica decoding, and the language models the
  # posters are read with (Debian 12 has no Tagalog model). imagemagick and fonts-dejavu-core
  # only regenerate tests/data/posters (make.sh); the committed fixtures need neither.
  libtesseract-dev libleptonica-dev tesseract-ocr-ind tesseract-ocr-eng tesseract-ocr-msa
  tesseract-ocr-vie tesseract-ocr-chi-sim
  imagemagick fonts-dejavu-core
  libhiredis-dev redis-server    # frontier_redis/: the Redis mode; its tests start their own redis-server
)
# tests/browser runs on Node.js with playwright-core and axe-core from npm (npm ci); a machine
# that already has node (e.g. Node 20 from elsewhere) keeps it.
command -v node >/dev/null 2>&1 || packages+=(nodejs npm)

missing=()
for p in "${packages[@]}"; do
  dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
done

if ((${#missing[@]} == 0)); then
  echo "install-deps: all ${#packages[@]} packages present"
  exit 0
fi

sudo=()
if [ "$(id -u)" -ne 0 ]; then
  command -v sudo >/dev/null || { echo "install-deps: need root or sudo to install: ${missing[*]}" >&2; exit 1; }
  sudo=(sudo)
fi
echo "install-deps: installing ${missing[*]}"
"${sudo[@]}" apt-get update -qq
DEBIAN_FRONTEND=noninteractive "${sudo[@]}" apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
echo "install-deps: done"
