package ipc

import (
	"context"
	"fmt"
	"os"
	"os/exec"
	"strings"
	"syscall"
	"testing"
	"time"
)

// otherUID is the user the refused process runs as (nobody).
const otherUID = 65534

// TestMain runs this binary as the other user's client when asked.
func TestMain(m *testing.M) {
	if path := os.Getenv("AVAULT_IPC_OTHER_USER_DIAL"); path != "" {
		os.Exit(dialAsOtherUser(path))
	}
	os.Exit(m.Run())
}

// dialAsOtherUser drops to otherUID, dials the folder and tries a call.
// Exit 0: refused (as it must be); 1: the call went through; 2: setup failed.
func dialAsOtherUser(dir string) int {
	if err := syscall.Setgid(otherUID); err != nil {
		fmt.Println("setgid:", err)
		return 2
	}
	if err := syscall.Setuid(otherUID); err != nil {
		fmt.Println("setuid:", err)
		return 2
	}
	ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
	defer cancel()
	c, err := Dial(ctx, dir, Hello{Build: "b1", Role: RoleCLI})
	if err != nil {
		fmt.Println("refused:", err)
		return 0
	}
	defer c.Close()
	var out []int
	if err := c.Call(ctx, "Echo", &out, 7); err != nil {
		fmt.Println("refused:", err)
		return 0
	}
	fmt.Println("the call went through:", out)
	return 1
}

// runAsOtherUser re-runs this test binary as otherUID against dir.
func runAsOtherUser(t *testing.T, dir string) (int, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "AVAULT_IPC_OTHER_USER_DIAL="+dir)
	out, err := cmd.CombinedOutput()
	code := 0
	if ee, ok := err.(*exec.ExitError); ok {
		code = ee.ExitCode()
	} else if err != nil {
		t.Fatal(err)
	}
	return code, strings.TrimSpace(string(out))
}

func TestAnotherUsersProcessIsRefused(t *testing.T) {
	if os.Getuid() != 0 {
		t.Skip("needs root to start a process of a second user (CI runs as root)")
	}
	dir, _ := serve(t, "b1", echoHandler())

	// The folder and socket modes keep the other user out.
	if code, out := runAsOtherUser(t, dir); code != 0 || !strings.Contains(out, "permission denied") {
		t.Fatalf("another user through the private folder: exit %d: %s", code, out)
	}

	// With the folder and socket opened to everyone, the peer check alone
	// must refuse the other user.
	if err := os.Chmod(dir, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.Chmod(Address(dir), 0o777); err != nil {
		t.Fatal(err)
	}
	if code, out := runAsOtherUser(t, dir); code != 0 {
		t.Fatalf("another user with the socket open to all: exit %d: %s", code, out)
	}
	// And this user still gets through.
	c := dialT(t, dir, "b1", RoleCLI)
	var out []int
	if err := c.Call(context.Background(), "Echo", &out, 7); err != nil || len(out) != 1 || out[0] != 7 {
		t.Fatalf("this user's call = %v, %v", out, err)
	}
}
