//go:build !linux

package engine

import "os"

// beneath is the Linux openat2 shortcut; elsewhere os.Root does the work.
type beneath struct{}

func newBeneath(string) *beneath { return nil }

func (*beneath) open(string) (*os.File, bool, error) { return nil, false, nil }

func (*beneath) close() {}
