#!/usr/bin/env bash
# Times `adwatch backup` (full, then incremental) and `adwatch restore` of a database of SIZE_MB
# (default 1024, measured after a full compaction) filled with synthetic pages (bench/storage/
# synthetic.h). Filling 1 GB takes several minutes. Everything lives in a temporary folder under /tmp
# (TMPDIR) and is deleted at the end; nothing is written to the repository.
#
#   bench/storage/backup_1gb.sh [BUILD_DIR] [SIZE_MB]
set -euo pipefail
build=$(cd "${1:-build-storage}" && pwd)
size_mb=${2:-1024}
adwatch="$build/app/adwatch"
fill="$build/bench/storage/storage_fill"
work=$(mktemp -d "${TMPDIR:-/tmp}/adwatch-backup-bench-XXXXXX")
trap 'rm -rf "$work"' EXIT
cd "$work"  # no adwatch.yaml here: built-in defaults, --db names the database

timed() {  # timed LABEL COMMAND...: runs COMMAND and prints its wall time
  local label=$1; shift
  local t0 t1
  t0=$(date +%s.%N)
  "$@"
  t1=$(date +%s.%N)
  printf '%s: %.2f s\n' "$label" "$(echo "$t1 - $t0" | bc)"
}

"$fill" "$work/db" "$size_mb" --compact
echo "database: $(du -sm "$work/db" | cut -f1) MiB on disk"
drop_caches() {
  sync
  if [ -w /proc/sys/vm/drop_caches ] && echo 3 > /proc/sys/vm/drop_caches 2>/dev/null; then
    echo "(page cache dropped)"
  else
    echo "(page cache not dropped: files may be read from memory)"
  fi
}
drop_caches
timed "full backup" "$adwatch" backup "$work/backup" --db "$work/db"
echo "backup folder: $(du -sm "$work/backup" | cut -f1) MiB"
drop_caches
timed "baseline: cp -a of the same folder" cp -a "$work/db" "$work/copy"
rm -rf "$work/copy"
"$fill" "$work/db" $((size_mb + 32)) 100000000
timed "incremental backup after ~32 MiB of new pages (new table files only)" "$adwatch" backup "$work/backup" --db "$work/db"
drop_caches
timed "restore (verify checksums, copy, swap in)" "$adwatch" restore "$work/backup" --db "$work/restored"
echo "restored: $(du -sm "$work/restored" | cut -f1) MiB"
