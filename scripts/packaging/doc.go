// Package packaging checks what `make package` is made from: the version
// scripts/version.sh derives from git tags, and the files the packages
// install (desktop entry, man page).
package packaging
