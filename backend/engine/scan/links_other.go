//go:build !unix

package scan

import "io/fs"

// fileID names a file on the source independently of its paths.
type fileID struct{ dev, ino uint64 }

// linkID finds no hard links where the file system does not say (their
// files are backed up as separate files).
func linkID(fs.FileInfo) (fileID, bool) { return fileID{}, false }
