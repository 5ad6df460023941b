//go:build !linux

package local

import "os"

// flush makes everything written under dir durable, file by file.
func flush(root *os.Root, dir string) error { return flushTree(root, dir) }
