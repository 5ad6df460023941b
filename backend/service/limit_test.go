package service

import (
	"context"
	"path/filepath"
	"strings"
	"testing"

	"golang.org/x/time/rate"
)

// TestUploadLimitSetting checks that the setting is stored, applied to
// the limiter every run shares at once, refused when out of bounds with
// nothing changed, and applied again when the service opens.
func TestUploadLimitSetting(t *testing.T) {
	s, _ := newTestService(t)
	if s.upload.Limit() != rate.Inf {
		t.Fatalf("a new service limits uploads to %v", s.upload.Limit())
	}
	st, _ := s.Settings()
	st.UploadLimit = 2_500_000 // 20 Mbit/s
	if _, err := s.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	if got := s.upload.Limit(); got != 2_500_000 || s.upload.Burst() != 2_500_000/8 {
		t.Errorf("limit %v burst %d after setting 20 Mbit/s", got, s.upload.Burst())
	}
	bad := st
	bad.UploadLimit = 100
	if _, err := s.UpdateSettings(bad); err == nil || !strings.Contains(err.Error(), "uploadLimit: must be 0 (no limit) or between 8 KiB/s and 10 GiB/s") {
		t.Errorf("a limit of 100 bytes/s: %v", err)
	}
	if got, _ := s.Settings(); got.UploadLimit != 2_500_000 || s.upload.Limit() != 2_500_000 {
		t.Errorf("a refused limit changed the stored one to %d (limiter %v)", got.UploadLimit, s.upload.Limit())
	}

	dir := s.opts.DataDir
	s.Close()
	again, err := Open(context.Background(), Options{DataDir: filepath.Clean(dir)})
	if err != nil {
		t.Fatal(err)
	}
	defer again.Close()
	if got := again.upload.Limit(); got != 2_500_000 {
		t.Errorf("after opening again the limit is %v", got)
	}
	st.UploadLimit = 0
	if _, err := again.UpdateSettings(st); err != nil {
		t.Fatal(err)
	}
	if again.upload.Limit() != rate.Inf {
		t.Errorf("no limit set, yet the limiter paces at %v", again.upload.Limit())
	}
}
