package ipc

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"
)

// serve starts a server for h in a fresh data folder and returns the folder.
func serve(t *testing.T, build string, h Handler) (string, *Server) {
	t.Helper()
	dir := shortDir(t)
	ln, err := Listen(dir)
	if err != nil {
		t.Fatal(err)
	}
	s := NewServer(Hello{Build: build, Tray: true}, h, nil)
	go func() { _ = s.Serve(ln) }()
	t.Cleanup(func() { s.Close() })
	return dir, s
}

// shortDir is a private folder with a path short enough for a Unix socket.
func shortDir(t *testing.T) string {
	t.Helper()
	dir, err := os.MkdirTemp("", "ipc")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { os.RemoveAll(dir) })
	return dir
}

func dialT(t *testing.T, dir, build, role string) *Client {
	t.Helper()
	c, err := Dial(context.Background(), dir, Hello{Build: build, Role: role})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { c.Close() })
	return c
}

func echoHandler() Handler {
	return Handler{Call: func(ctx context.Context, method string, args json.RawMessage) (json.RawMessage, error) {
		switch method {
		case "Echo":
			return args, nil
		case "Fail":
			return nil, errors.New("job \"x\" not found")
		case "Block":
			<-ctx.Done()
			return nil, ctx.Err()
		}
		return nil, fmt.Errorf("%w: %q", ErrUnknownMethod, method)
	}}
}

func TestCallReturnsResultsAndErrorsAsTheServiceGaveThem(t *testing.T) {
	dir, _ := serve(t, "b1", echoHandler())
	c := dialT(t, dir, "b1", RoleCLI)
	if err := c.Check(); err != nil {
		t.Fatal(err)
	}
	if !c.Server().Tray || c.Server().PID != os.Getpid() || c.Server().Protocol != Protocol {
		t.Fatalf("server hello = %+v", c.Server())
	}
	var out []string
	if err := c.Call(context.Background(), "Echo", &out, "a", "b"); err != nil || strings.Join(out, ",") != "a,b" {
		t.Fatalf("Echo = %v, %v", out, err)
	}
	err := c.Call(context.Background(), "Fail", nil)
	var re *RemoteError
	if !errors.As(err, &re) || err.Error() != `job "x" not found` {
		t.Fatalf("Fail = %v", err)
	}
	if err := c.Call(context.Background(), "Nope", nil); !errors.Is(err, ErrUnknownMethod) {
		t.Fatalf("Nope = %v, want ErrUnknownMethod", err)
	}
}

func TestCancellingACallCancelsItInTheServer(t *testing.T) {
	ended := make(chan error, 1)
	started := make(chan struct{}, 1)
	h := echoHandler()
	inner := h.Call
	h.Call = func(ctx context.Context, m string, a json.RawMessage) (json.RawMessage, error) {
		if m == "Block" {
			started <- struct{}{}
		}
		out, err := inner(ctx, m, a)
		if m == "Block" {
			ended <- err
		}
		return out, err
	}
	dir, _ := serve(t, "b1", h)
	c := dialT(t, dir, "b1", RoleCLI)
	ctx, cancel := context.WithCancel(context.Background())
	errc := make(chan error, 1)
	go func() { errc <- c.Call(ctx, "Block", nil) }()
	<-started // the call has reached the server
	cancel()
	if err := <-errc; !errors.Is(err, context.Canceled) {
		t.Fatalf("Block = %v, want context.Canceled", err)
	}
	select {
	case err := <-ended:
		if !errors.Is(err, context.Canceled) {
			t.Fatalf("the server's call ended with %v", err)
		}
	case <-time.After(10 * time.Second):
		t.Fatal("the server's call was not cancelled")
	}
	// The connection stays usable.
	if err := c.Call(context.Background(), "Echo", nil, 1); err != nil {
		t.Fatal(err)
	}
}

func TestAnotherBuildGetsAClearMessageAndMayStillQuit(t *testing.T) {
	quit := make(chan struct{}, 1)
	h := echoHandler()
	h.Quit = func() { quit <- struct{}{} }
	dir, _ := serve(t, "v1.2.0-abc", h)
	c := dialT(t, dir, "v1.3.0-def", RoleWindow)
	var me *MismatchError
	if err := c.Check(); !errors.As(err, &me) || !strings.Contains(err.Error(), "v1.2.0-abc") || !strings.Contains(err.Error(), "v1.3.0-def") {
		t.Fatalf("Check = %v, want a mismatch naming both builds", err)
	}
	err := c.Call(context.Background(), "Echo", nil)
	var re *RemoteError
	if !errors.As(err, &re) || re.Code != CodeMismatch || !strings.Contains(err.Error(), "v1.2.0-abc") {
		t.Fatalf("a call across builds = %v, want refused with the builds named", err)
	}
	if err := c.Subscribe(context.Background(), func(string, json.RawMessage) {}); err == nil {
		t.Fatal("a subscription across builds was accepted")
	}
	if reply, err := c.Control(context.Background(), ControlQuit); err != nil || reply != "quitting" {
		t.Fatalf("quit across builds = %q, %v", reply, err)
	}
	select {
	case <-quit:
	case <-time.After(5 * time.Second):
		t.Fatal("quit did not reach the handler")
	}
}

func TestEventsReachSubscribersInOrderAndWindowEventsOnlyWindows(t *testing.T) {
	windows := make(chan int, 4)
	h := echoHandler()
	h.Windows = func(n int) { windows <- n }
	dir, s := serve(t, "b1", h)
	cli := dialT(t, dir, "b1", RoleCLI)
	win := dialT(t, dir, "b1", RoleWindow)
	if n := <-windows; n != 1 {
		t.Fatalf("windows = %d, want 1", n)
	}
	type got struct {
		mu    sync.Mutex
		names []string
	}
	var cg, wg got
	record := func(g *got) func(string, json.RawMessage) {
		return func(name string, data json.RawMessage) {
			g.mu.Lock()
			g.names = append(g.names, name+"="+string(data))
			g.mu.Unlock()
		}
	}
	if err := cli.Subscribe(context.Background(), record(&cg)); err != nil {
		t.Fatal(err)
	}
	win.OnEvent(record(&wg)) // a window that did not subscribe still gets window events
	for i := range 100 {
		s.Emit("backup:progress", map[string]int{"n": i})
	}
	if n := s.EmitWindows(EventShow, nil); n != 1 {
		t.Fatalf("EmitWindows reached %d, want 1", n)
	}
	deadline := time.Now().Add(5 * time.Second)
	for time.Now().Before(deadline) {
		cg.mu.Lock()
		n := len(cg.names)
		cg.mu.Unlock()
		wg.mu.Lock()
		w := len(wg.names)
		wg.mu.Unlock()
		if n == 100 && w == 1 {
			break
		}
		time.Sleep(10 * time.Millisecond)
	}
	for i, n := range cg.names {
		if want := fmt.Sprintf(`backup:progress={"n":%d}`, i); n != want {
			t.Fatalf("event %d = %s, want %s", i, n, want)
		}
	}
	if len(cg.names) != 100 {
		t.Fatalf("the subscriber got %d events, want 100", len(cg.names))
	}
	if len(wg.names) != 1 || wg.names[0] != EventShow+"=null" {
		t.Fatalf("the window got %v, want only %s", wg.names, EventShow)
	}
	win.Close()
	select {
	case n := <-windows:
		if n != 0 {
			t.Fatalf("windows after close = %d", n)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("the window's going was not counted")
	}
}

func TestExecStreamsOutputReadsStdinOnDemandAndPassesTheExitCode(t *testing.T) {
	var seen Exec
	h := Handler{Exec: func(ctx context.Context, e Exec, stdin io.Reader, stdout, stderr io.Writer) int {
		seen = e
		fmt.Fprintln(stdout, "out line")
		if len(e.Args) > 0 && e.Args[0] == "read" {
			b, _ := io.ReadAll(stdin)
			fmt.Fprintf(stdout, "read %q\n", b)
		}
		if len(e.Args) > 0 && e.Args[0] == "wait" {
			<-ctx.Done()
			fmt.Fprintln(stderr, "interrupted")
			return 4
		}
		fmt.Fprintln(stderr, "err line")
		return 3
	}}
	dir, _ := serve(t, "b1", h)
	c := dialT(t, dir, "b1", RoleCLI)

	var out, errb bytes.Buffer
	code, err := c.Exec(context.Background(), Exec{Args: []string{"read"}, Dir: "/somewhere", Env: map[string]string{"AVAULT_X": "1"}, Terminal: true},
		strings.NewReader("secret\n"), &out, &errb)
	if err != nil || code != 3 {
		t.Fatalf("Exec = %d, %v", code, err)
	}
	if out.String() != "out line\nread \"secret\\n\"\n" || errb.String() != "err line\n" {
		t.Fatalf("stdout %q stderr %q", out.String(), errb.String())
	}
	if seen.Dir != "/somewhere" || seen.Env["AVAULT_X"] != "1" || !seen.Terminal {
		t.Fatalf("the command saw %+v", seen)
	}

	// A command that never reads its input does not consume it.
	in := &countingReader{r: strings.NewReader("unread")}
	out.Reset()
	if code, err := c.Exec(context.Background(), Exec{Args: []string{"x"}}, in, &out, io.Discard); err != nil || code != 3 {
		t.Fatalf("Exec = %d, %v", code, err)
	}
	if in.n != 0 {
		t.Fatalf("%d bytes of stdin were read by a command that never asked", in.n)
	}

	// Interrupting (Ctrl-C) reaches the command, and its ending is awaited.
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	errb.Reset()
	code, err = c.Exec(ctx, Exec{Args: []string{"wait"}}, nil, io.Discard, &errb)
	if err != nil || code != 4 || errb.String() != "interrupted\n" {
		t.Fatalf("interrupted Exec = %d, %v, stderr %q", code, err, errb.String())
	}
}

type countingReader struct {
	r io.Reader
	n int
}

func (c *countingReader) Read(p []byte) (int, error) {
	n, err := c.r.Read(p)
	c.n += n
	return n, err
}

func TestTheSocketIsPrivate(t *testing.T) {
	dir, _ := serve(t, "b1", echoHandler())
	fi, err := os.Stat(Address(dir))
	if err != nil {
		t.Fatal(err)
	}
	if fi.Mode().Perm() != 0o600 {
		t.Fatalf("socket mode %v, want 0600", fi.Mode().Perm())
	}
}

func TestNothingListeningFailsFast(t *testing.T) {
	dir := shortDir(t)
	start := time.Now()
	if _, err := Dial(context.Background(), dir, Hello{Build: "b1"}); err == nil {
		t.Fatal("Dial succeeded with nothing listening")
	}
	if d := time.Since(start); d > 2*time.Second {
		t.Fatalf("Dial took %v with nothing listening", d)
	}
	// A stale socket file of a crashed process is replaced by Listen.
	if err := os.WriteFile(filepath.Join(dir, SocketName), nil, 0o600); err != nil {
		t.Fatal(err)
	}
	ln, err := Listen(dir)
	if err != nil {
		t.Fatalf("Listen over a stale socket: %v", err)
	}
	ln.Close()
}
