#!/usr/bin/env bash
# `make package`: the release files of one version in dist/, from binaries
# make has just built (build/bin/avault, avault-window, and their .exe):
#   avault_<deb version>_amd64.deb           Debian/Ubuntu package (nfpm)
#   avault-<version>-linux-amd64.tar.gz      other distributions; install.sh puts it in ~/.local
#   avault-<version>-windows-amd64-setup.exe per-user Windows installer (NSIS)
#   SHA256SUMS
# VERSION is the semantic version (scripts/version.sh when unset).
set -euo pipefail
cd "$(dirname "$0")/.."
export PATH="$PWD/.cache/bin:$PATH"

version=${VERSION:-$(scripts/version.sh)}
deb_version=${version/-/\~}
[[ $version =~ ^([0-9]+)\.([0-9]+)\.([0-9]+) ]] || { echo "package: $version is not a semantic version" >&2; exit 1; }
numeric="${BASH_REMATCH[1]}.${BASH_REMATCH[2]}.${BASH_REMATCH[3]}"
# Files get the commit's time, so two builds of one commit are alike.
epoch=$(git log -1 --format=%ct 2>/dev/null || date +%s)
export SOURCE_DATE_EPOCH=$epoch

for f in build/bin/avault build/bin/avault-window build/bin/avault.exe build/bin/avault-window.exe; do
  [ -f "$f" ] || { echo "package: $f is missing; run make package" >&2; exit 1; }
done
got=$(build/bin/avault --version)
[ "$got" = "avault $version" ] || { echo "package: build/bin/avault says '$got', want 'avault $version'" >&2; exit 1; }

stage=build/package
rm -rf dist "$stage"
mkdir -p dist "$stage"

# Documentation, compressed as Debian wants it (no name or time in the header).
gzip -9n <build/linux/avault.1 >"$stage/avault.1.gz"
gzip -9n <README.md >"$stage/README.md.gz"
{
  printf 'avault (%s) unstable; urgency=medium\n\n' "$deb_version"
  printf '  * Avault %s, built from commit %s.\n' "$version" "$(git rev-parse --short=12 HEAD 2>/dev/null || echo unknown)"
  printf '    What changed is in CHANGELOG.md in the source repository.\n\n'
  printf ' -- %s  %s\n' "$(sed -n 's/^maintainer: //p' build/linux/nfpm.yaml)" "$(date -u -R -d "@$epoch")"
} | gzip -9n >"$stage/changelog.gz"

# Debian/Ubuntu.
deb="dist/avault_${deb_version}_amd64.deb"
AVAULT_DEB_VERSION=$deb_version \
  nfpm package --config build/linux/nfpm.yaml --packager deb --target "$deb" >/dev/null
echo "package: $deb"

# Other Linux distributions: a tarball with an installer for ~/.local.
name="avault-${version}-linux-amd64"
tree="$stage/$name"
install -D -m 0755 build/bin/avault "$tree/bin/avault"
install -D -m 0755 build/bin/avault-window "$tree/lib/avault/avault-window"
install -D -m 0644 build/linux/avault.desktop "$tree/share/applications/avault.desktop"
install -D -m 0644 "$stage/avault.1.gz" "$tree/share/man/man1/avault.1.gz"
mkdir -p "$tree/share/icons"
cp -r build/linux/icons/hicolor "$tree/share/icons/"
install -m 0755 build/linux/install.sh "$tree/install.sh"
install -m 0644 README.md CHANGELOG.md "$tree/"
tar --sort=name --owner=0 --group=0 --numeric-owner --mtime="@$epoch" \
  -C "$stage" -cf - "$name" | gzip -9n >"dist/$name.tar.gz"
echo "package: dist/$name.tar.gz"

# Windows: a per-user installer that fetches the WebView2 runtime when it is
# missing, with the bootstrapper Wails ships.
wails_dir=$(go list -m -f '{{.Dir}}' github.com/wailsapp/wails/v2)
setup="dist/avault-${version}-windows-amd64-setup.exe"
makensis -V2 -INPUTCHARSET UTF8 \
  "-DVERSION=$version" "-DVI_VERSION=$numeric.0" \
  "-DAVAULT_EXE=$PWD/build/bin/avault.exe" "-DAVAULT_WINDOW_EXE=$PWD/build/bin/avault-window.exe" \
  "-DWEBVIEW2_SETUP=$wails_dir/internal/webview2runtime/MicrosoftEdgeWebview2Setup.exe" \
  "-DICON=$PWD/build/windows/icon.ico" "-DOUTFILE=$PWD/$setup" \
  build/windows/installer/avault.nsi
echo "package: $setup"

(cd dist && sha256sum -- * >SHA256SUMS)
echo "package: dist/SHA256SUMS"
