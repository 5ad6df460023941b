package service

import (
	"context"
	"os"
	"path/filepath"
	"testing"
)

func TestDataDirHonoursEnvironment(t *testing.T) {
	dir := t.TempDir()
	t.Setenv("AVAULT_DATA_DIR", dir)
	got, err := DataDir()
	if err != nil || got != dir {
		t.Fatalf("DataDir() = %q, %v; want %q", got, err, dir)
	}
}

func TestOpenCreatesPrivateDataDirAndReportsStatus(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "avault")
	s, err := Open(context.Background(), Options{DataDir: dir, Version: "1.0.0", TrayHost: true})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	fi, err := os.Stat(dir)
	if err != nil || fi.Mode().Perm() != 0o700 {
		t.Fatalf("data dir: %v %v, want mode 0700", fi, err)
	}
	st := s.Status()
	if st.Version != "1.0.0" || st.DataDir != dir || !st.TrayHost || st.Platform == "" {
		t.Fatalf("Status() = %+v", st)
	}
}
