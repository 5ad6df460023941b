#!/usr/bin/env bash
# Measures Avault's backup engine against rclone on a local S3 server
# (versitygw over HTTPS) and prints a table; then compares Avault's two
# layouts (full copies, current + history) with rclone --backup-dir and
# restic, measures an encrypted first backup (rclone's crypt format)
# against rclone through a crypt remote, and times current + history on a
# rate-limited fake Google Drive. `make bench` runs it.
#   scripts/bench.sh                 full datasets (takes a while: the 50 Mbit/s
#                                    link alone needs about ten minutes)
#   scripts/bench.sh -scale 0.1      a quick run on smaller datasets
#   scripts/bench.sh -help           every option
# Pinned tools are built into .cache/bin when missing: rclone (about 150 s),
# restic (about as long) and versitygw. Results are also saved under bench-results/.
set -euo pipefail
cd "$(dirname "$0")/.."

RCLONE_VERSION=v1.76.0
VERSITYGW_VERSION=v1.8.0
RESTIC_VERSION=v0.18.1
CACHE_BIN="$PWD/.cache/bin"

# go_tool NAME MODULE@VERSION: builds a pinned tool into .cache/bin once.
go_tool() {
  local name=$1 pkg=$2 stamp="$CACHE_BIN/.$1.version"
  if [ -x "$CACHE_BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg" ]; then return 0; fi
  printf 'bench: building %s\n' "$pkg" >&2
  mkdir -p "$CACHE_BIN"
  GOBIN="$CACHE_BIN" GOFLAGS= go install "$pkg"
  echo "$pkg" >"$stamp"
}

go_tool rclone "github.com/rclone/rclone@$RCLONE_VERSION"
go_tool versitygw "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
go_tool restic "github.com/restic/restic/cmd/restic@$RESTIC_VERSION"

go build -o "$CACHE_BIN/avault-bench" ./scripts/bench
mkdir -p bench-results
out="bench-results/bench-$(date +%Y%m%d-%H%M%S).md"
"$CACHE_BIN/avault-bench" -rclone "$CACHE_BIN/rclone" -versitygw "$CACHE_BIN/versitygw" -restic "$CACHE_BIN/restic" "$@" | tee "$out"
printf 'bench: saved %s\n' "$out" >&2
