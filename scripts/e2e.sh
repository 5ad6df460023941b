#!/usr/bin/env bash
# End-to-end test of the web mode: builds the frontend and the binary, seeds
# a store with 200 jobs and 10,000 runs, and drives `avault serve` through
# Debian's Chromium (never a downloaded browser). Screenshots and timings go
# to build/test-artifacts/e2e/. Ends with "e2e: N passed, M failed".
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"

[ -x /usr/bin/chromium ] || { echo "e2e: /usr/bin/chromium is missing (scripts/setup.sh test installs it)"; echo "e2e: 0 passed, 1 failed"; exit 1; }
[ -d frontend/node_modules/playwright-core ] || { echo "e2e: frontend packages are missing (scripts/setup.sh test)"; echo "e2e: 0 passed, 1 failed"; exit 1; }

artifacts="$PWD/build/test-artifacts/e2e"
rm -rf "$artifacts"
mkdir -p "$artifacts" build/bin

npm --prefix frontend run -s build >/dev/null
# The web mode needs no window, so no desktop build tags (and no WebKit).
go build -o build/bin/avault-e2e .
# Local stand-ins for Google's sign-in and Drive servers.
go build -o build/bin/googlefakes-e2e ./frontend/e2e/googlefakes

# The seeded store lives in memory when /dev/shm exists: 10,000 separate
# commits to a disk take about a minute, to tmpfs a few seconds.
base=${TMPDIR:-/tmp}
[ -d /dev/shm ] && [ -w /dev/shm ] && base=/dev/shm
seed=$(mktemp -d "$base/avault-e2e-seed.XXXXXX")
trap 'rm -rf "$seed"' EXIT
mkdir -p "$seed/data" "$seed/nas/photos" "$seed/dest"
AVAULT_E2E_SEED_DIR="$seed/data" AVAULT_E2E_SEED_NAS="$seed/nas" AVAULT_E2E_SEED_DEST="$seed/dest" \
  go test -tags e2eseed -count=1 -run '^TestSeedStore$' ./backend/web/ >/dev/null

E2E_BIN="$PWD/build/bin/avault-e2e" E2E_GOOGLEFAKES="$PWD/build/bin/googlefakes-e2e" E2E_ARTIFACTS="$artifacts" E2E_SEED_DIR="$seed/data" \
  node --test-reporter=./frontend/e2e/reporter.mjs --test-timeout=180000 frontend/e2e/e2e.test.mjs
