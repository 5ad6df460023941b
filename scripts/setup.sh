#!/usr/bin/env bash
# Installs what Avault needs and is missing, and nothing else.
#   scripts/setup.sh run    build and run the desktop app
#   scripts/setup.sh package  also what `make package` uses (NSIS, nfpm)
#   scripts/setup.sh test   also everything `make test` uses
# Debian/Ubuntu packages go through apt-get (with sudo when not root); pinned
# Go tools are built into .cache/bin; frontend packages come from npm ci.
set -euo pipefail
cd "$(dirname "$0")/.."
mode="${1:-run}"

WAILS_VERSION=v2.16.0
VERSITYGW_VERSION=v1.8.0
RCLONE_VERSION=v1.76.0   # as scripts/bench.sh
NFPM_VERSION=v2.48.0
CACHE_BIN="$PWD/.cache/bin"

run_pkgs=(build-essential pkg-config libgtk-3-dev libwebkit2gtk-4.1-dev)
test_pkgs=(xvfb xauth xdotool imagemagick x11-utils dbus dbus-x11 libglib2.0-bin
  gnome-keyring libsecret-tools haskell-status-notifier-item-utils chromium git
  lintian p7zip-full xz-utils)
# Debian 12's own versions: nsis 3.08, lintian 2.116, p7zip-full 16.02.
package_pkgs=(nsis git)

say() { printf 'setup: %s\n' "$*"; }
die() { printf 'setup: %s\n' "$*" >&2; exit 1; }

as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "need root to run: $* (install sudo or run as root)"; fi
}

apt_install() {
  local missing=()
  for p in "$@"; do
    dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q 'install ok installed' || missing+=("$p")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  command -v apt-get >/dev/null || die "missing system packages: ${missing[*]} (no apt-get here; see README for your platform)"
  say "installing ${missing[*]}"
  as_root env DEBIAN_FRONTEND=noninteractive apt-get update -qq
  as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

check_toolchains() {
  command -v go >/dev/null || die "Go 1.26 or newer is needed (https://go.dev/dl/); it is not on PATH"
  local gv; gv=$(go env GOVERSION | sed 's/^go//')
  [ "$(printf '%s\n1.26\n' "$gv" | sort -V | head -1)" = "1.26" ] || die "Go $gv is too old; Avault needs Go 1.26 or newer"
  command -v node >/dev/null || die "Node.js 20.19 or newer is needed; it is not on PATH"
  local nv; nv=$(node --version | sed 's/^v//')
  [ "$(printf '%s\n20.19\n' "$nv" | sort -V | head -1)" = "20.19" ] || die "Node.js $nv is too old; Avault's frontend needs 20.19 or newer"
}

# go_tool NAME MODULE@VERSION: builds a pinned tool into .cache/bin once.
go_tool() {
  local name=$1 pkg=$2 stamp="$CACHE_BIN/.$1.version"
  if [ -x "$CACHE_BIN/$name" ] && [ "$(cat "$stamp" 2>/dev/null)" = "$pkg" ]; then return 0; fi
  say "building $pkg"
  mkdir -p "$CACHE_BIN"
  GOBIN="$CACHE_BIN" GOFLAGS= go install "$pkg"
  echo "$pkg" >"$stamp"
}

npm_deps() {
  local lock=frontend/package-lock.json stamp=frontend/node_modules/.avault-lock
  if [ -f "$stamp" ] && cmp -s "$lock" "$stamp"; then return 0; fi
  say "installing frontend packages (npm ci)"
  (cd frontend && npm ci --no-audit --no-fund --loglevel=error)
  cp "$lock" "$stamp"
}

apt_install "${run_pkgs[@]}"
case "$mode" in
  run) ;;
  package) apt_install "${package_pkgs[@]}" ;;
  test) apt_install "${package_pkgs[@]}" "${test_pkgs[@]}" ;;
  *) die "unknown mode '$mode' (run, package or test)" ;;
esac
check_toolchains
npm_deps
go_tool wails "github.com/wailsapp/wails/v2/cmd/wails@$WAILS_VERSION"
[ "$mode" = run ] || go_tool nfpm "github.com/goreleaser/nfpm/v2/cmd/nfpm@$NFPM_VERSION"
[ "$mode" = test ] && go_tool versitygw "github.com/versity/versitygw/cmd/versitygw@$VERSITYGW_VERSION"
# the encryption tests read back with stock rclone (about 150 s to build once)
[ "$mode" = test ] && go_tool rclone "github.com/rclone/rclone@$RCLONE_VERSION"
say "ready ($mode)"
