//go:build unix

package engine

import (
	"os"
	"syscall"
	"testing"
)

// inode returns the file's inode number, to tell hard links apart.
func inode(t *testing.T, p string) uint64 {
	t.Helper()
	fi, err := os.Stat(p)
	if err != nil {
		t.Fatal(err)
	}
	return fi.Sys().(*syscall.Stat_t).Ino
}
