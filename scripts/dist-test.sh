#!/usr/bin/env bash
# Checks what `make package` put in dist/ besides the .deb (scripts/deb-test.sh):
# SHA256SUMS covers every file; the tarball's install.sh installs Avault into
# a prefix with a menu entry that starts it by full path, and --uninstall
# takes exactly that away; the Windows installer (listed with 7z) holds both
# programs, the uninstaller and the WebView2 bootstrapper, runs without
# administrator rights, and creates the Start-menu shortcut.
set -euo pipefail
cd "$(dirname "$0")/.."
die() { printf 'dist-test: %s\n' "$*" >&2; exit 1; }
say() { printf 'dist-test: %s\n' "$*"; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT

# SHA256SUMS: every other file, each sum right.
(cd dist && sha256sum --quiet -c SHA256SUMS) || die "SHA256SUMS does not match dist/"
listed=$(awk '{print $2}' dist/SHA256SUMS | sort)
present=$(cd dist && ls | grep -vx SHA256SUMS | sort)
[ "$listed" = "$present" ] || die "SHA256SUMS lists '$listed', dist/ holds '$present'"
say "SHA256SUMS covers $(wc -l <dist/SHA256SUMS) files"

# The tarball and its installer.
tars=(dist/avault-*-linux-amd64.tar.gz)
[ ${#tars[@]} -eq 1 ] && [ -f "${tars[0]}" ] || die "want one dist/avault-*-linux-amd64.tar.gz"
version=$(basename "${tars[0]}" -linux-amd64.tar.gz); version=${version#avault-}
tar -xzf "${tars[0]}" -C "$tmp"
src="$tmp/avault-$version-linux-amd64"
prefix="$tmp/home/.local"
out=$(PREFIX=$prefix "$src/install.sh")
echo "$out"
for f in bin/avault lib/avault/avault-window share/man/man1/avault.1.gz \
  share/icons/hicolor/16x16/apps/avault.png share/icons/hicolor/512x512/apps/avault.png; do
  [ -f "$prefix/$f" ] || die "install.sh did not install $f"
done
[ -x "$prefix/bin/avault" ] && [ -x "$prefix/lib/avault/avault-window" ] || die "the programs are not executable"
[ "$("$prefix/bin/avault" --version)" = "avault $version" ] || die "the installed avault is not $version"
grep -qx "Exec=$prefix/bin/avault" "$prefix/share/applications/avault.desktop" ||
  die "the menu entry does not start $prefix/bin/avault: $(grep ^Exec "$prefix/share/applications/avault.desktop")"
grep -qx "Icon=avault" "$prefix/share/applications/avault.desktop" || die "the menu entry has no Icon=avault"
PREFIX=$prefix "$src/install.sh" --uninstall >/dev/null
left=$(cd "$tmp/home" && find . -type f)
[ -z "$left" ] || die "install.sh --uninstall left: $left"
say "tarball: install.sh installs into a prefix and --uninstall removes it all"

# The Windows installer.
setups=(dist/avault-*-windows-amd64-setup.exe)
[ ${#setups[@]} -eq 1 ] && [ -f "${setups[0]}" ] || die "want one dist/avault-*-windows-amd64-setup.exe"
setup=${setups[0]}
listing=$(7z l "$setup")
for f in avault.exe avault-window.exe uninstall.exe '$PLUGINSDIR/MicrosoftEdgeWebview2Setup.exe'; do
  grep -qE " ${f//$/\\$}\$" <<<"$listing" || { echo "$listing"; die "7z l does not list $f"; }
done
grep -q 'Type = Nsis' <<<"$listing" || die "not an NSIS installer"
# What the installer does is in its compressed header (the first block of
# the solid LZMA stream after NSIS's 28-byte first header): the shortcut's
# file name and the per-user uninstall key are among its strings.
7z x -t# -y -o"$tmp/nsis" "$setup" 2 >/dev/null
block="$tmp/nsis/2"
{ head -c 33 "$block" | tail -c 5; printf '\xff\xff\xff\xff\xff\xff\xff\xff'; tail -c +34 "$block"; } >"$tmp/nsis/h.lzma"
(xz --format=lzma -dc "$tmp/nsis/h.lzma" 2>/dev/null || true) | head -c 200000 >"$tmp/nsis/header"
hex() { od -An -tx1 -v | tr -d ' \n'; }
header=$(hex <"$tmp/nsis/header")
[ ${#header} -gt 10000 ] || die "could not read the installer's header"
for s in 'Avault.lnk' 'Software\Microsoft\Windows\CurrentVersion\Uninstall\Avault' 'uninstall.exe'; do
  needle=$(printf '%s' "$s" | iconv -f UTF-8 -t UTF-16LE | hex)
  [[ $header == *"$needle"* ]] || die "the installer's script has no '$s'"
done
LC_ALL=C grep -qa 'level="asInvoker"' "$setup" || die "the installer asks for administrator rights (its manifest is not asInvoker)"
say "windows installer: avault.exe, avault-window.exe, uninstall.exe, the WebView2 bootstrapper, the Start-menu shortcut; per-user"
