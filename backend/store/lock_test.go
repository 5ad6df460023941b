package store

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"testing"
	"time"
)

// childOpen opens the store in AVAULT_DATA_DIR with a short lock timeout
// and prints "opened" or the error.
func childOpen() int {
	s, err := Open(context.Background(), Options{LockTimeout: 300 * time.Millisecond})
	if err != nil {
		fmt.Print(err.Error())
		return 1
	}
	s.Close()
	fmt.Print("opened")
	return 0
}

func runChild(t *testing.T, role, dir string) (string, time.Duration) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), childEnv+"="+role, EnvDataDir+"="+dir)
	start := time.Now()
	out, _ := cmd.Output()
	return strings.TrimSpace(string(out)), time.Since(start)
}

// TestSecondProcessIsLockedOut opens the database here and then in a
// second process, which must fail quickly with the exact message.
func TestSecondProcessIsLockedOut(t *testing.T) {
	dir := t.TempDir()
	s := openTest(t, dir)
	got, took := runChild(t, "open", dir)
	if got != "Avault is already running (database locked)" {
		t.Fatalf("second process said %q", got)
	}
	if took > 3*time.Second {
		t.Errorf("second process took %s to give up", took)
	}
	t.Logf("second process refused after %s (lock timeout 300ms)", took.Round(time.Millisecond))
	s.Close()
	if got, _ := runChild(t, "open", dir); got != "opened" {
		t.Fatalf("after Close, second process said %q", got)
	}
}

func TestErrLockedMessage(t *testing.T) {
	if ErrLocked.Error() != "Avault is already running (database locked)" {
		t.Errorf("ErrLocked = %q", ErrLocked)
	}
}
