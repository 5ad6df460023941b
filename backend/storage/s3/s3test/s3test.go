// Package s3test starts a real S3 server, versitygw, on 127.0.0.1 for
// tests and measurements, over HTTP or HTTPS with a certificate made on the
// spot.
//
// The binary is looked up in $AVAULT_VERSITYGW, then on $PATH, then at
// <repository root>/.cache/bin/versitygw, where the project's setup script
// installs it. Without it, Start fails the test, or skips it when
// AVAULT_SKIP_S3=1.
package s3test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"os/exec"
	"path/filepath"
	"syscall"
	"testing"
	"time"
)

// Options configures a server.
type Options struct {
	TLS bool // serve HTTPS with a fresh self-signed certificate for 127.0.0.1
}

// Server is a running versitygw with one empty bucket.
type Server struct {
	Endpoint  string // "http://127.0.0.1:port" or "https://..."
	Region    string
	AccessKey string
	SecretKey string
	Bucket    string
	Dir       string // the posix root: each bucket is a folder, each object a file
	Cert      *Cert  // the server's certificate, when TLS

	cmd    *exec.Cmd
	stderr *bytes.Buffer
	done   chan error
}

// PID is the server's process id.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Start starts a server for the test and stops it when the test ends.
func Start(t testing.TB, o Options) *Server {
	t.Helper()
	bin, err := Binary()
	if err != nil {
		if os.Getenv("AVAULT_SKIP_S3") == "1" {
			t.Skip(err)
		}
		t.Fatal(err)
	}
	s, err := StartServer(bin, t.TempDir(), o)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// Binary finds the versitygw executable.
func Binary() (string, error) {
	if p := os.Getenv("AVAULT_VERSITYGW"); p != "" {
		return p, nil
	}
	if p, err := exec.LookPath("versitygw"); err == nil {
		return p, nil
	}
	if root, err := repoRoot(); err == nil {
		p := filepath.Join(root, ".cache", "bin", "versitygw")
		if _, err := os.Stat(p); err == nil {
			return p, nil
		}
	}
	return "", errors.New("versitygw not found: run the project's setup script (it installs it into .cache/bin), " +
		"set AVAULT_VERSITYGW to its path, or set AVAULT_SKIP_S3=1 to skip the S3 tests")
}

// repoRoot walks up from the working directory to the folder with go.mod.
func repoRoot() (string, error) {
	dir, err := os.Getwd()
	if err != nil {
		return "", err
	}
	for {
		if _, err := os.Stat(filepath.Join(dir, "go.mod")); err == nil {
			return dir, nil
		}
		parent := filepath.Dir(dir)
		if parent == dir {
			return "", errors.New("no go.mod above the working directory")
		}
		dir = parent
	}
}

// StartServer starts versitygw from bin with its data and certificate in
// work (which must exist), creates a bucket and waits until it answers.
// The caller stops it with Stop.
func StartServer(bin, work string, o Options) (*Server, error) {
	s := &Server{Region: "us-east-1", AccessKey: "avault-test", SecretKey: "avault-test-secret-" + randomHex(8),
		Bucket: "avault-test", Dir: filepath.Join(work, "s3"), stderr: &bytes.Buffer{}}
	if err := os.MkdirAll(filepath.Join(s.Dir, s.Bucket), 0o755); err != nil {
		return nil, err
	}
	var lastErr error
	for range 3 { // a free port can be taken between picking and binding
		if lastErr = s.start(bin, work, o); lastErr == nil {
			return s, nil
		}
	}
	return nil, lastErr
}

func (s *Server) start(bin, work string, o Options) error {
	port, err := freePort()
	if err != nil {
		return err
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	args := []string{"--port", addr, "--keep-alive", "--quiet"}
	scheme := "http"
	if o.TLS {
		if s.Cert == nil {
			if s.Cert, err = NewCert(work); err != nil {
				return err
			}
		}
		args = append(args, "--cert", s.Cert.CertFile, "--key", s.Cert.KeyFile)
		scheme = "https"
	}
	s.Endpoint = scheme + "://" + addr
	s.cmd = exec.Command(bin, append(args, "posix", s.Dir)...)
	s.cmd.Env = append(os.Environ(), "ROOT_ACCESS_KEY="+s.AccessKey, "ROOT_SECRET_KEY="+s.SecretKey)
	s.stderr.Reset()
	s.cmd.Stdout, s.cmd.Stderr = s.stderr, s.stderr
	setParentDeath(s.cmd)
	if err := s.cmd.Start(); err != nil {
		return fmt.Errorf("starting %s: %w", bin, err)
	}
	s.done = make(chan error, 1)
	go func() { s.done <- s.cmd.Wait() }()
	if err := s.waitReady(10 * time.Second); err != nil {
		s.Stop()
		return fmt.Errorf("versitygw on %s: %w; its output: %s", addr, err, s.stderr.String())
	}
	return nil
}

// waitReady polls until the server answers HTTP, or gives up.
func (s *Server) waitReady(limit time.Duration) error {
	hc := s.HTTPClient()
	deadline := time.Now().Add(limit)
	for time.Now().Before(deadline) {
		select {
		case err := <-s.done:
			return fmt.Errorf("exited: %v", err)
		default:
		}
		ctx, cancel := context.WithTimeout(context.Background(), time.Second)
		req, _ := http.NewRequestWithContext(ctx, http.MethodGet, s.Endpoint+"/", nil)
		resp, err := hc.Do(req)
		cancel()
		if err == nil {
			resp.Body.Close()
			return nil
		}
		time.Sleep(20 * time.Millisecond)
	}
	return errors.New("not answering")
}

// HTTPClient returns a client that trusts the server's certificate.
func (s *Server) HTTPClient() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if s.Cert != nil {
		tr.TLSClientConfig = s.Cert.ClientTLS()
	}
	return &http.Client{Transport: tr}
}

// Stop stops the server and waits for it to exit.
func (s *Server) Stop() {
	if s.cmd == nil || s.cmd.Process == nil {
		return
	}
	s.cmd.Process.Signal(syscall.SIGTERM)
	select {
	case <-s.done:
	case <-time.After(5 * time.Second):
		s.cmd.Process.Kill()
		<-s.done
	}
	s.cmd = nil
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}
