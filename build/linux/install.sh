#!/bin/sh
# Installs Avault from this folder for the current user, under ~/.local (or
# PREFIX), with its applications-menu entry, icons and man page:
#   ./install.sh                 install or upgrade
#   ./install.sh --uninstall     remove what install.sh put there
# The data folder (~/.config/avault), the keyring entry and the launch-at-login
# entry are left alone either way. Needs GTK 3 and WebKitGTK 4.1 (e.g.
# libwebkit2gtk-4.1-0 on Debian/Ubuntu, webkit2gtk4.1 on Fedora).
set -eu
here=$(cd "$(dirname "$0")" && pwd)
prefix=${PREFIX:-$HOME/.local}
files="bin/avault lib/avault/avault-window share/applications/avault.desktop share/man/man1/avault.1.gz"
icons=$(cd "$here/share" && find icons -name avault.png | sort)

refresh() {
  command -v update-desktop-database >/dev/null 2>&1 && update-desktop-database -q "$prefix/share/applications" || true
  command -v gtk-update-icon-cache >/dev/null 2>&1 && [ -f "$prefix/share/icons/hicolor/index.theme" ] &&
    gtk-update-icon-cache -q -t "$prefix/share/icons/hicolor" || true
}

case "${1:-}" in
  --uninstall)
    for f in $files; do rm -f "$prefix/$f"; done
    for f in $icons; do rm -f "$prefix/share/$f"; done
    rmdir "$prefix/lib/avault" 2>/dev/null || true
    refresh
    echo "Avault removed from $prefix (your data in ~/.config/avault is kept)."
    exit 0 ;;
  "") ;;
  *) echo "usage: $0 [--uninstall]" >&2; exit 2 ;;
esac

for f in bin/avault lib/avault/avault-window; do
  mkdir -p "$prefix/$(dirname "$f")"
  # A new file renamed into place, so a running Avault keeps its old program.
  cp "$here/$f" "$prefix/$f.new" && chmod 0755 "$prefix/$f.new" && mv -f "$prefix/$f.new" "$prefix/$f"
done
mkdir -p "$prefix/share/man/man1" "$prefix/share/applications"
cp "$here/share/man/man1/avault.1.gz" "$prefix/share/man/man1/"
for f in $icons; do
  mkdir -p "$prefix/share/$(dirname "$f")"
  cp "$here/share/$f" "$prefix/share/$f"
done
# The menu entry names the installed program by its full path: ~/.local/bin
# is not on every desktop's PATH.
sed -e "s|^Exec=avault|Exec=$prefix/bin/avault|" -e "s|^TryExec=avault|TryExec=$prefix/bin/avault|" \
  "$here/share/applications/avault.desktop" >"$prefix/share/applications/avault.desktop"
refresh
echo "Avault $("$prefix/bin/avault" --version | cut -d' ' -f2) installed in $prefix; start it from the applications menu or with $prefix/bin/avault."
