//go:build linux

package notify

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"

	"github.com/avault/avault/backend/job"
)

// busConfig is a private session bus without service activation, so that
// no real notification server can be started on it.
const busConfig = `<!DOCTYPE busconfig PUBLIC "-//freedesktop//DTD D-Bus Bus Configuration 1.0//EN"
 "http://www.freedesktop.org/standards/dbus/1.0/busconfig.dtd">
<busconfig>
  <type>session</type>
  <listen>unix:dir=%s</listen>
  <auth>EXTERNAL</auth>
  <policy context="default">
    <allow send_destination="*" eavesdrop="true"/>
    <allow eavesdrop="true"/>
    <allow own="*"/>
  </policy>
</busconfig>
`

// startBus starts a private dbus-daemon for the test and returns its
// address. The machine's own session bus is never used.
func startBus(t *testing.T) string {
	t.Helper()
	if _, err := exec.LookPath("dbus-daemon"); err != nil {
		if os.Getenv("AVAULT_SKIP_DBUS_TESTS") == "1" {
			t.Skip("dbus-daemon not installed and AVAULT_SKIP_DBUS_TESTS=1")
		}
		t.Fatal("dbus-daemon not installed: install the package dbus, or set AVAULT_SKIP_DBUS_TESTS=1 to skip")
	}
	dir := t.TempDir()
	conf := filepath.Join(dir, "bus.conf")
	if err := os.WriteFile(conf, []byte(fmt.Sprintf(busConfig, dir)), 0o600); err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command("dbus-daemon", "--config-file="+conf, "--nofork", "--print-address=1")
	cmd.Env = []string{"PATH=" + os.Getenv("PATH"), "HOME=" + dir}
	out, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { cmd.Process.Kill(); cmd.Wait() })
	line := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		sc.Scan()
		line <- sc.Text()
	}()
	select {
	case addr := <-line:
		if addr == "" {
			t.Fatal("dbus-daemon printed an empty address")
		}
		return addr
	case <-time.After(5 * time.Second):
		t.Fatal("dbus-daemon printed no address")
	}
	return ""
}

// shown is one Notify call the fake server received.
type shown struct {
	app, icon, summary, body string
	replaces                 uint32
	hints                    map[string]dbus.Variant
	expire                   int32
}

// fakeServer owns org.freedesktop.Notifications on the private bus and
// records what it is asked to show.
type fakeServer struct {
	caps  []string
	block chan struct{} // when set, Notify waits for it to close

	mu    sync.Mutex
	calls []shown
}

func (f *fakeServer) Notify(app string, replaces uint32, icon, summary, body string, actions []string,
	hints map[string]dbus.Variant, expire int32) (uint32, *dbus.Error) {
	if f.block != nil {
		<-f.block
	}
	f.mu.Lock()
	defer f.mu.Unlock()
	f.calls = append(f.calls, shown{app, icon, summary, body, replaces, hints, expire})
	return uint32(100 + len(f.calls)), nil
}

func (f *fakeServer) GetCapabilities() ([]string, *dbus.Error) { return f.caps, nil }

func (f *fakeServer) GetServerInformation() (string, string, string, string, *dbus.Error) {
	return "fake", "avault tests", "1", "1.2", nil
}

func (f *fakeServer) received() []shown {
	f.mu.Lock()
	defer f.mu.Unlock()
	return append([]shown(nil), f.calls...)
}

// serve exports f on the bus at addr under the notification service's name.
func serve(t *testing.T, addr string, f *fakeServer) {
	t.Helper()
	conn, err := dbus.Connect(addr)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	if err := conn.Export(f, notifyPath, notifyIface); err != nil {
		t.Fatal(err)
	}
	reply, err := conn.RequestName(notifyName, dbus.NameFlagDoNotQueue)
	if err != nil || reply != dbus.RequestNameReplyPrimaryOwner {
		t.Fatalf("own %s: %v (reply %d)", notifyName, err, reply)
	}
}

func TestDesktopShowsAFailure(t *testing.T) {
	addr := startBus(t)
	f := &fakeServer{}
	serve(t, addr, f)
	d := NewDesktop(DesktopOptions{Address: addr})
	defer d.Close()
	m, _ := ForRun(failedRun(), job.NotifyFailures)
	if err := d.Notify(context.Background(), m); err != nil {
		t.Fatal(err)
	}
	calls := f.received()
	if len(calls) != 1 {
		t.Fatalf("server got %d notifications, want 1", len(calls))
	}
	c := calls[0]
	if c.app != "Avault" || c.icon != "avault" || c.summary != "Backup failed: Photos" || c.body != m.Body {
		t.Errorf("server showed app %q icon %q %q / %q", c.app, c.icon, c.summary, c.body)
	}
	if u := c.hints["urgency"].Value(); u != byte(2) {
		t.Errorf("urgency hint = %v (%T), want byte 2 (critical)", u, u)
	}
	if cat := c.hints["category"].Value(); cat != "transfer.error" {
		t.Errorf("category hint = %v", cat)
	}
	if c.expire != 0 {
		t.Errorf("a critical message expires after %d ms, want 0 (stays until dismissed)", c.expire)
	}
}

func TestDesktopUrgencyAndReplacement(t *testing.T) {
	addr := startBus(t)
	f := &fakeServer{}
	serve(t, addr, f)
	d := NewDesktop(DesktopOptions{Address: addr, Timeout: 8 * time.Second})
	defer d.Close()
	for _, u := range []Urgency{UrgencyLow, "", UrgencyNormal, UrgencyCritical} {
		if err := d.Notify(context.Background(), Message{Title: "t", Body: "b", Urgency: u, JobID: "job-1"}); err != nil {
			t.Fatal(err)
		}
	}
	calls := f.received()
	for i, want := range []byte{0, 1, 1, 2} {
		if got := calls[i].hints["urgency"].Value(); got != want {
			t.Errorf("message %d: urgency %v, want %d", i, got, want)
		}
	}
	if calls[0].replaces != 0 || calls[1].replaces != 101 || calls[3].replaces != 103 {
		t.Errorf("replaces ids = %d, %d, %d; want 0, 101, 103", calls[0].replaces, calls[1].replaces, calls[3].replaces)
	}
	if calls[0].expire != 8000 {
		t.Errorf("expire = %d ms, want 8000", calls[0].expire)
	}
}

func TestDesktopEscapesBodiesForMarkupServers(t *testing.T) {
	addr := startBus(t)
	f := &fakeServer{caps: []string{"body", "body-markup"}}
	serve(t, addr, f)
	d := NewDesktop(DesktopOptions{Address: addr})
	defer d.Close()
	if err := d.Notify(context.Background(), Message{Title: "t", Body: "<b>Tom & Jerry</b>"}); err != nil {
		t.Fatal(err)
	}
	if got := f.received()[0].body; got != "&lt;b&gt;Tom &amp; Jerry&lt;/b&gt;" {
		t.Errorf("body = %q, want it escaped", got)
	}
}

func TestDesktopErrors(t *testing.T) {
	t.Run("no notification server", func(t *testing.T) {
		d := NewDesktop(DesktopOptions{Address: startBus(t)})
		defer d.Close()
		err := d.Notify(context.Background(), Message{Title: "t"})
		if err == nil || !strings.Contains(err.Error(), "no notification server") {
			t.Errorf("Notify = %v, want an error saying no server runs", err)
		}
	})
	t.Run("a server that never answers", func(t *testing.T) {
		addr := startBus(t)
		f := &fakeServer{block: make(chan struct{})}
		defer close(f.block)
		serve(t, addr, f)
		d := NewDesktop(DesktopOptions{Address: addr, CallTimeout: 300 * time.Millisecond})
		defer d.Close()
		// GetCapabilities answers; Notify does not.
		start := time.Now()
		err := d.Notify(context.Background(), Message{Title: "t"})
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Errorf("Notify = %v, want a deadline error", err)
		}
		if took := time.Since(start); took > 3*time.Second {
			t.Errorf("Notify took %s with a 300ms call timeout", took)
		}
	})
	t.Run("no session bus", func(t *testing.T) {
		t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
		err := NewDesktop(DesktopOptions{}).Notify(context.Background(), Message{Title: "t"})
		if err == nil || !strings.Contains(err.Error(), "no D-Bus session bus") {
			t.Errorf("Notify = %v, want an error about the missing bus", err)
		}
	})
}
