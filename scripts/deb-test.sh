#!/usr/bin/env bash
# Checks the Debian package `make package` built in dist/: lintian reports no
# error; it has no maintainer scripts; it installs with apt-get (dependencies
# resolved); the installed avault says the package's version; Avault started
# from the installed desktop entry shows its window and tray item, turns
# launch at login on for /usr/bin/avault and quits (scripts/guitest,
# TestInstalledPackage); upgrading it to a newer version leaves the user's
# data folder and autostart entry as they were, and that entry still starts
# Avault in the tray (TestInstalledPackageStartsAtLogin); removing it leaves
# them as they were too. Needs root (or sudo): it installs the package on
# this machine and purges it at the end.
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
  rm -rf "$home" "$home.upgrade.deb" "$home.nfpm.yaml"
}
trap cleanup EXIT

as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "./$deb" >/dev/null
say "installed"
[ -x /usr/bin/avault ] && [ -x /usr/lib/avault/avault-window ] || die "avault or avault-window is not installed"
got=$(/usr/bin/avault --version)
[ "$got" = "avault ${version/\~/-}" ] || die "/usr/bin/avault --version says '$got', the package is $version"
dpkg-deb -c "$deb" | grep -q ' ./usr/share/man/man1/avault.1.gz$' || die "the package has no man page"

# The desktop: window, tray, launch at login, Quit, in a home of its own.
AVAULT_BIN=/usr/bin/avault AVAULT_DESKTOP_ENTRY=/usr/share/applications/avault.desktop AVAULT_PACKAGE_HOME="$home" \
  scripts/gui-test.sh -run '^TestInstalledPackage$'

data="$home/.config/avault" autostart="$home/.config/autostart/avault.desktop"
[ -f "$data/avault.db" ] || die "no database in $data after Avault ran"
[ -f "$autostart" ] || die "no autostart entry at $autostart"
snapshot() { (cd "$home" && find . -exec stat -c '%n %a %s %Y' {} + | sort && find . -type f -exec sha256sum {} + | sort); }
before=$(snapshot)

# Upgrading to a newer version of the package (the same files, made again
# with a higher version) changes nothing in the home, and the launch-at-login
# entry written before it still starts Avault in the tray.
[ -d build/package ] || die "build/package is missing: run make package"
upgrade_version="$version+upgrade1"
upgrade="$home.upgrade.deb"
{ cat build/linux/nfpm.yaml; printf 'deb:\n  compression: none\n'; } >"$home.nfpm.yaml"
AVAULT_DEB_VERSION=$upgrade_version nfpm package --config "$home.nfpm.yaml" --packager deb --target "$upgrade" >/dev/null
as_root dpkg -i "$upgrade" >/dev/null
rm -f "$upgrade" "$home.nfpm.yaml"
[ "$(dpkg-query -W -f='${Version}' avault)" = "$upgrade_version" ] || die "the upgrade to $upgrade_version did not happen"
[ "$(snapshot)" = "$before" ] || die "upgrading the package changed the user's files: $(diff <(echo "$before") <(snapshot))"
grep -qx 'Exec=/usr/bin/avault --hidden' "$autostart" || die "the autostart entry no longer starts /usr/bin/avault"
say "upgrade to $upgrade_version: the data folder and the autostart entry are unchanged"
AVAULT_PACKAGE_HOME="$home" AVAULT_PACKAGE_UPGRADED=1 scripts/gui-test.sh -run '^TestInstalledPackageStartsAtLogin$'
before=$(snapshot)

as_root dpkg -r avault >/dev/null
[ ! -e /usr/bin/avault ] && [ ! -e /usr/lib/avault ] && [ ! -e /usr/share/applications/avault.desktop ] ||
  die "dpkg -r left Avault's files behind"
[ "$(snapshot)" = "$before" ] || die "removing the package changed the user's files: $(diff <(echo "$before") <(snapshot))"
say "removed: the data folder and the autostart entry are unchanged"
