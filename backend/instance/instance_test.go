package instance

import (
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"testing"
)

// TestMain lets the test binary act as a second process that tries the lock.
func TestMain(m *testing.M) {
	if dir := os.Getenv("AVAULT_INSTANCE_CHILD"); dir != "" {
		_, err := Acquire(dir)
		if errors.Is(err, ErrRunning) {
			os.Exit(2)
		}
		os.Exit(0)
	}
	os.Exit(m.Run())
}

func TestSecondProcessIsRefused(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AVAULT_INSTANCE_CHILD="+dir)
	err = cmd.Run()
	var exit *exec.ExitError
	if !errors.As(err, &exit) || exit.ExitCode() != 2 {
		t.Fatalf("second process: want exit 2 (refused), got %v", err)
	}

	l.Release()
	cmd = exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AVAULT_INSTANCE_CHILD="+dir)
	if err := cmd.Run(); err != nil {
		t.Fatalf("after release a new process must get the lock: %v", err)
	}
}

func TestDataFolderIsPrivate(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	l, err := Acquire(dir)
	if err != nil {
		t.Fatal(err)
	}
	defer l.Release()
	fi, err := os.Stat(dir)
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o700 {
		t.Fatalf("data folder mode %v, want 0700", fi.Mode().Perm())
	}
}
