package storage

import (
	"fmt"
	"path"
	"strings"
)

// ValidateName checks a version name: one non-empty path element of at most
// 255 bytes, without slashes, backslashes or NUL, not "." or "..", and not
// starting with TmpPrefix or equal to MetaDir. Every destination calls it
// before touching anything, so a name can never reach outside the root.
func ValidateName(name string) error {
	switch {
	case name == "", name == ".", name == "..":
		return NewError(ErrInvalid, fmt.Sprintf("invalid version name %q", name), nil)
	case len(name) > 255:
		return NewError(ErrInvalid, "version name longer than 255 bytes", nil)
	case strings.ContainsAny(name, "/\\\x00"):
		return NewError(ErrInvalid, fmt.Sprintf("version name %q contains a slash, backslash or NUL", name), nil)
	case strings.HasPrefix(name, TmpPrefix), name == MetaDir:
		return NewError(ErrInvalid, fmt.Sprintf("version name %q is reserved", name), nil)
	}
	return nil
}

// ValidatePath checks a file's path inside a version: slash-separated,
// relative, already clean (no "", ".", ".." elements, no doubled or trailing
// slash), without NUL, and not inside MetaDir at the top of the version.
func ValidatePath(p string) error {
	if err := checkRelative(p, "leaves the version"); err != nil {
		return err
	}
	if p == MetaDir || strings.HasPrefix(p, MetaDir+"/") {
		return NewError(ErrInvalid, fmt.Sprintf("invalid file path %q: inside %s", p, MetaDir), nil)
	}
	return nil
}

// checkRelative checks that p is a clean relative path without NUL; up
// says how a ".." path is wrong where it is used.
func checkRelative(p, up string) error {
	bad := func(why string) error {
		return NewError(ErrInvalid, fmt.Sprintf("invalid file path %q: %s", p, why), nil)
	}
	switch {
	case p == "" || p == ".":
		return bad("empty")
	case strings.IndexByte(p, 0) >= 0:
		return bad("contains NUL")
	case path.IsAbs(p):
		return bad("absolute")
	case path.Clean(p) != p:
		return bad("not clean")
	case p == ".." || strings.HasPrefix(p, "../"):
		return bad(up)
	}
	return nil
}
