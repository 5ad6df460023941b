// Package nasroot confines paths to the NAS root: every job source and
// every browse request names a folder relative to the root, and nothing it
// names, symbolic links included, may lead outside.
package nasroot

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path"
	"path/filepath"
	"strings"
)

// ErrOutside is wrapped by every error about a path that leads outside the
// NAS root.
var ErrOutside = errors.New("outside the NAS root")

// MaxPathBytes is the longest relative path accepted.
const MaxPathBytes = 4096

// Clean checks a slash-separated path relative to the NAS root without
// touching the disk and returns its canonical form: no leading, trailing or
// doubled slashes, no "." segments, and "" for the root itself. A leading
// "/" means the NAS root, not the machine's root. A ".." segment, a NUL
// character, or anything this operating system reads as absolute or
// reserved (a drive letter, a device name on Windows) is refused.
func Clean(rel string) (string, error) {
	if len(rel) > MaxPathBytes {
		return "", fmt.Errorf("the path is longer than %d bytes", MaxPathBytes)
	}
	if strings.ContainsRune(rel, 0) {
		return "", fmt.Errorf("the path must not contain NUL characters")
	}
	for _, seg := range strings.Split(rel, "/") {
		if seg == ".." {
			return "", fmt.Errorf("%q must not contain \"..\": paths are relative to the NAS root and stay inside it: %w", rel, ErrOutside)
		}
	}
	clean := strings.TrimPrefix(path.Clean("/"+rel), "/")
	if clean != "" && !filepath.IsLocal(filepath.FromSlash(clean)) {
		return "", fmt.Errorf("%q is not a path inside the NAS root: %w", rel, ErrOutside)
	}
	return clean, nil
}

// Root is a NAS root whose own symbolic links are resolved once, at Open.
type Root struct {
	dir  string // as configured
	real string // with symbolic links resolved
}

// Open checks that dir is an absolute path to an existing folder and
// returns it as a Root.
func Open(dir string) (*Root, error) {
	if !filepath.IsAbs(dir) {
		return nil, fmt.Errorf("the NAS root %q is not an absolute path", dir)
	}
	real, err := filepath.EvalSymlinks(dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, fmt.Errorf("the NAS root %s does not exist (is the share mounted?)", dir)
	}
	if err != nil {
		return nil, fmt.Errorf("the NAS root %s cannot be read: %w", dir, err)
	}
	info, err := os.Stat(real)
	if err != nil {
		return nil, fmt.Errorf("the NAS root %s cannot be read: %w", dir, err)
	}
	if !info.IsDir() {
		return nil, fmt.Errorf("the NAS root %s is not a folder", dir)
	}
	return &Root{dir: dir, real: real}, nil
}

// Dir returns the root as configured.
func (r *Root) Dir() string { return r.dir }

// Resolve returns the absolute path, with symbolic links resolved, of the
// existing file or folder that rel (as Clean reads it) names under the
// root. It fails when rel is malformed, when it does not exist, and, with
// an error wrapping ErrOutside, when a symbolic link on the way leads
// outside the root.
func (r *Root) Resolve(rel string) (string, error) {
	clean, err := Clean(rel)
	if err != nil {
		return "", err
	}
	shown := "/" + clean
	real, err := filepath.EvalSymlinks(filepath.Join(r.real, filepath.FromSlash(clean)))
	if errors.Is(err, fs.ErrNotExist) {
		return "", fmt.Errorf("%s does not exist under the NAS root %s: %w", shown, r.dir, fs.ErrNotExist)
	}
	if err != nil {
		return "", fmt.Errorf("%s cannot be read under the NAS root %s: %w", shown, r.dir, err)
	}
	if !Within(r.real, real) {
		return "", fmt.Errorf("%s leads outside the NAS root %s through a symbolic link (to %s): %w", shown, r.dir, real, ErrOutside)
	}
	return real, nil
}

// Within reports whether path p is root itself or lies under it, comparing
// cleaned paths lexically. Both should have their symbolic links resolved.
func Within(root, p string) bool {
	rel, err := filepath.Rel(root, p)
	if err != nil || filepath.IsAbs(rel) {
		return false
	}
	return rel != ".." && !strings.HasPrefix(rel, ".."+string(filepath.Separator))
}
