#!/usr/bin/env bash
# Prints Avault's version, a semantic version taken from git (docs/DECISIONS.md,
# "Versions"):
#   on a commit tagged vX.Y.Z, with a clean tree   X.Y.Z
#   N commits after the newest vX.Y.Z tag          X.Y.(Z+1)-dev.N+<commit>
#   with no such tag yet                           0.0.1-dev.N+<commit> (N: all commits)
#   with uncommitted changes                       ...+<commit>.dirty
# Outside a git checkout it prints 0.0.0-dev+unknown.
#   scripts/version.sh          the semantic version
#   scripts/version.sh --deb    the same for a Debian package (- becomes ~, so
#                               a dev build sorts before its release)
set -euo pipefail
cd "$(dirname "$0")/.."

semver() {
  local commit tag count dirty=""
  commit=$(git rev-parse --short=12 HEAD 2>/dev/null) || { echo "0.0.0-dev+unknown"; return; }
  [ -z "$(git status --porcelain --untracked-files=no 2>/dev/null)" ] || dirty=".dirty"
  # The newest vX.Y.Z tag reachable from HEAD (pre-release tags are not releases).
  tag=$(git describe --tags --abbrev=0 --match 'v[0-9]*.[0-9]*.[0-9]*' --exclude 'v*-*' HEAD 2>/dev/null || true)
  if [ -n "$tag" ] && ! [[ $tag =~ ^v(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)\.(0|[1-9][0-9]*)$ ]]; then
    tag=""
  fi
  if [ -z "$tag" ]; then
    count=$(git rev-list --count HEAD)
    echo "0.0.1-dev.$count+$commit$dirty"
    return
  fi
  count=$(git rev-list --count "$tag..HEAD")
  local x=${BASH_REMATCH[1]} y=${BASH_REMATCH[2]} z=${BASH_REMATCH[3]}
  if [ "$count" -eq 0 ] && [ -z "$dirty" ]; then
    echo "$x.$y.$z"
  elif [ "$count" -eq 0 ]; then
    echo "$x.$y.$z+$commit$dirty"
  else
    echo "$x.$y.$((z + 1))-dev.$count+$commit$dirty"
  fi
}

v=$(semver)
case "${1:-}" in
  "") echo "$v" ;;
  --deb) echo "${v/-/\~}" ;;
  *) echo "usage: scripts/version.sh [--deb]" >&2; exit 2 ;;
esac
