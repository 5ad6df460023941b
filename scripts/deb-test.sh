#!/usr/bin/env bash
# Checks the Debian package `make package` built in dist/: lintian reports no
# error; it has no maintainer scripts; it installs with apt-get (dependencies
# resolved); the installed avault says the package's version; Avault started
# from the installed desktop entry shows its window and tray item, turns
# launch at login on for /usr/bin/avault and quits (scripts/guitest,
# TestInstalledPackage); upgrading over it and removing it leave the user's
# data folder and autostart entry as they were. Needs root (or sudo): it
# installs the package on this machine and purges it at the end.
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"

say() { printf 'deb-test: %s\n' "$*"; }
die() { printf 'deb-test: %s\n' "$*" >&2; exit 1; }
as_root() {
  if [ "$(id -u)" -eq 0 ]; then "$@"; elif command -v sudo >/dev/null; then sudo "$@"; else
    die "installing a package needs root: run as root or install sudo"; fi
}

debs=(dist/avault_*_amd64.deb)
[ ${#debs[@]} -eq 1 ] && [ -f "${debs[0]}" ] || die "want exactly one dist/avault_*_amd64.deb (run make package): ${debs[*]}"
deb=${debs[0]}
version=$(dpkg-deb -f "$deb" Version)
say "$deb ($version)"

# lintian: no error (warnings are printed). It warns when run as root.
lint_rc=0
lint=$(lintian --fail-on error "$deb" 2>&1) || lint_rc=$?
grep -v '^running with root privileges' <<<"$lint" || true
[ "$lint_rc" -eq 0 ] || die "lintian reports errors (exit $lint_rc)"
say "lintian: no errors"

# Installing, upgrading and removing run no code of the package's.
ctrl=$(dpkg-deb --ctrl-tarfile "$deb" | tar -t | sed 's|^\./||' | grep -v '^$' | sort | tr '\n' ' ')
[ "$ctrl" = "control md5sums " ] || die "the package has maintainer scripts or other control files: $ctrl"

if dpkg-query -W -f='${Status}' avault 2>/dev/null | grep -q 'install ok installed'; then
  die "an avault package is already installed ($(dpkg-query -W -f='${Version}' avault)); remove it first (dpkg -r avault)"
fi
home=$(mktemp -d /tmp/avault-deb-home.XXXXXX)
cleanup() {
  as_root dpkg --purge avault >/dev/null 2>&1 || true
  rm -rf "$home"
}
trap cleanup EXIT

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
say "installed"
[ -x /usr/bin/avault ] && [ -x /usr/lib/avault/avault-window ] || die "avault or avault-window is not installed"
got=$(/usr/bin/avault --version)
[ "$got" = "avault ${version/\~/-}" ] || die "/usr/bin/avault --version says '$got', the package is $version"
man -w avault >/dev/null || die "no man page for avault"

# The desktop: window, tray, launch at login, Quit, in a home of its own.
AVAULT_BIN=/usr/bin/avault AVAULT_DESKTOP_ENTRY=/usr/share/applications/avault.desktop AVAULT_PACKAGE_HOME="$home" \
  scripts/gui-test.sh -run '^TestInstalledPackage$'

data="$home/.config/avault" autostart="$home/.config/autostart/avault.desktop"
[ -f "$data/avault.db" ] || die "no database in $data after Avault ran"
[ -f "$autostart" ] || die "no autostart entry at $autostart"
snapshot() { (cd "$home" && find . -exec stat -c '%n %a %s %Y' {} + | sort && find . -type f -exec sha256sum {} + | sort); }
before=$(snapshot)

# Upgrading (installing the package over itself goes through dpkg's upgrade
# steps) and removing change nothing in the home.
as_root dpkg -i "$deb" >/dev/null
[ "$(snapshot)" = "$before" ] || die "upgrading the package changed the user's files: $(diff <(echo "$before") <(snapshot))"
grep -qx 'Exec=/usr/bin/avault --hidden' "$autostart" || die "the autostart entry no longer starts /usr/bin/avault"
[ -x /usr/bin/avault ] || die "/usr/bin/avault is gone after the upgrade"
say "upgrade: the data folder and the autostart entry are unchanged"

as_root dpkg -r avault >/dev/null
[ ! -e /usr/bin/avault ] && [ ! -e /usr/lib/avault ] && [ ! -e /usr/share/applications/avault.desktop ] ||
  die "dpkg -r left Avault's files behind"
[ "$(snapshot)" = "$before" ] || die "removing the package changed the user's files: $(diff <(echo "$before") <(snapshot))"
say "removed: the data folder and the autostart entry are unchanged"
