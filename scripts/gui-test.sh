#!/usr/bin/env bash
# Runs the desktop GUI test: the real binary under Xvfb, in a private D-Bus
# session where the test starts its own StatusNotifierWatcher.
set -euo pipefail
cd "$(dirname "$0")/.."
export AVAULT_BIN="${AVAULT_BIN:-$PWD/build/bin/avault}"
[ -x "$AVAULT_BIN" ] || { echo "gui-test: $AVAULT_BIN is missing; run make build" >&2; exit 1; }
# WebKit's compositing needs a GPU that Xvfb does not have.
export WEBKIT_DISABLE_COMPOSITING_MODE=1
exec xvfb-run -a -s "-screen 0 1280x800x24 -nolisten tcp" \
  dbus-run-session -- go test -tags gui -count=1 -v -timeout 5m ./scripts/guitest/ "$@"
