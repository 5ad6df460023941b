//go:build unix

package scan

import (
	"io/fs"
	"syscall"
)

// fileID names a file on the source independently of its paths.
type fileID struct{ dev, ino uint64 }

// linkID returns the identity of a file that has more than one link.
func linkID(info fs.FileInfo) (fileID, bool) {
	st, ok := info.Sys().(*syscall.Stat_t)
	if !ok || st.Nlink < 2 {
		return fileID{}, false
	}
	return fileID{dev: uint64(st.Dev), ino: uint64(st.Ino)}, true
}
