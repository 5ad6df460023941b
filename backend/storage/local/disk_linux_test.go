package local

import (
	"bytes"
	"errors"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"strings"
	"syscall"
	"testing"

	"github.com/avault/avault/backend/storage"
)

// A full disk and a read-only disk are real tmpfs mounts. As root the test
// mounts one in place. Otherwise it runs itself again in a child process
// inside a new user and mount namespace, where it may mount, and takes the
// child's result as its own (the mount dies with the child). Where neither
// works the test fails, saying why, unless AVAULT_SKIP_MOUNT=1.
const (
	skipMountEnv = "AVAULT_SKIP_MOUNT"
	mountNSEnv   = "AVAULT_LOCAL_TEST_MOUNT_NS" // set in the child
)

// onTmpfs runs test with dir a new tmpfs of size (as mount(8) takes it).
func onTmpfs(t *testing.T, size string, test func(t *testing.T, dir string)) {
	t.Helper()
	dir := t.TempDir()
	err := syscall.Mount("tmpfs", dir, "tmpfs", 0, "size="+size)
	if err == nil {
		t.Cleanup(func() { syscall.Unmount(dir, syscall.MNT_DETACH) })
		test(t, dir)
		return
	}
	if os.Getenv(mountNSEnv) != "" {
		t.Fatalf("cannot mount a tmpfs even in a user namespace (%v); set %s=1 to skip the tests that need one", err, skipMountEnv)
	}
	out, nsErr := runInMountNamespace(t)
	switch {
	case nsErr == nil:
		t.Logf("ran in a user and mount namespace (mount here: %v)", err)
	case os.Getenv(skipMountEnv) == "1":
		t.Skipf("cannot mount a tmpfs (%v) nor in a user namespace (%v), and %s=1", err, nsErr, skipMountEnv)
	default:
		t.Fatalf("cannot mount a tmpfs (%v: run as root) nor in a user namespace (%v); set %s=1 to skip the tests that need one\n%s",
			err, nsErr, skipMountEnv, out)
	}
}

// runInMountNamespace runs t's test in a copy of this process that is root
// in a new user namespace with its own mount namespace.
func runInMountNamespace(t *testing.T) ([]byte, error) {
	cmd := exec.Command(os.Args[0], "-test.run=^"+regexp.QuoteMeta(t.Name())+"$", "-test.count=1", "-test.v")
	cmd.Env = append(os.Environ(), mountNSEnv+"=1")
	cmd.SysProcAttr = &syscall.SysProcAttr{
		Cloneflags:  syscall.CLONE_NEWUSER | syscall.CLONE_NEWNS,
		UidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getuid(), Size: 1}},
		GidMappings: []syscall.SysProcIDMap{{ContainerID: 0, HostID: os.Getgid(), Size: 1}},
	}
	out, err := cmd.CombinedOutput()
	var exit *exec.ExitError
	switch {
	case errors.As(err, &exit) && bytes.Contains(out, []byte("cannot mount a tmpfs even in a user namespace")):
		return out, errors.New("mounting is refused there too")
	case err != nil && exit == nil:
		return out, err // no namespace: the child did not start
	case err != nil:
		t.Fatalf("in a user and mount namespace: %v\n%s", err, out)
	case !bytes.Contains(out, []byte("--- PASS: "+t.Name())):
		t.Fatalf("in a user and mount namespace the test did not pass:\n%s", out)
	}
	return out, nil
}

func TestFullDisk(t *testing.T) {
	onTmpfs(t, "1m", func(t *testing.T, dir string) {
		d, err := New(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		p, err := d.Begin(ctx, "v", storage.Owner{JobID: "j"})
		if err != nil {
			t.Fatal(err)
		}
		big := make([]byte, 2<<20)
		_, err = p.Put(ctx, "big.bin", bytes.NewReader(big), int64(len(big)), nil)
		if !errors.Is(err, storage.ErrQuota) || !strings.Contains(err.Error(), "destination full") {
			t.Fatalf("Put on a full disk: %v, want ErrQuota saying destination full", err)
		}
		if storage.IsRetryable(err) {
			t.Error("a full disk is retryable")
		}
		left, _ := os.ReadDir(filepath.Join(d.dir, ".tmp-v", incoming))
		if len(left) != 0 {
			t.Errorf("incoming holds %d files after the failed Put", len(left))
		}
		if _, err := p.Put(ctx, "small.txt", strings.NewReader("fits"), 4, nil); err != nil {
			t.Errorf("a small Put after freeing space: %v", err)
		}
	})
}

func TestReadOnlyDisk(t *testing.T) {
	onTmpfs(t, "1m", func(t *testing.T, dir string) {
		if err := syscall.Mount("", dir, "", syscall.MS_REMOUNT|syscall.MS_RDONLY, ""); err != nil {
			t.Fatalf("remount read-only: %v", err)
		}
		d, err := New(dir)
		if err != nil {
			t.Fatal(err)
		}
		defer d.Close()
		if err := d.Check(ctx); !errors.Is(err, storage.ErrReadOnly) {
			t.Errorf("Check: %v, want ErrReadOnly", err)
		}
		if _, err := d.Begin(ctx, "v", storage.Owner{}); !errors.Is(err, storage.ErrReadOnly) {
			t.Errorf("Begin: %v, want ErrReadOnly", err)
		}
		if vs, err := d.ListVersions(ctx); err != nil || len(vs) != 0 {
			t.Errorf("ListVersions on a read-only disk: %v, %v", vs, err)
		}
	})
}
