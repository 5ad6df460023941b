package web

import (
	"context"
	"errors"
	"fmt"
	"net"
	"net/http"
	"os"
	"syscall"
	"time"
)

// Listen opens the listener for s's address.
func (s *Server) Listen() (net.Listener, error) {
	return net.Listen("tcp", s.opts.Addr)
}

// URL returns the address a person opens for listener ln: in token mode
// with the token in the fragment, which the browser never sends to the
// server and the page removes from the address bar.
func (s *Server) URL(ln net.Listener) string {
	scheme := "http"
	if s.opts.CertFile != "" {
		scheme = "https"
	}
	host, port, _ := net.SplitHostPort(ln.Addr().String())
	if ip := net.ParseIP(host); ip != nil && ip.IsUnspecified() {
		if name, err := os.Hostname(); err == nil && name != "" {
			host = name
		}
	}
	u := scheme + "://" + net.JoinHostPort(host, port) + "/"
	if tok := s.Token(); tok != "" {
		u += "#token=" + tok
	}
	return u
}

// Serve answers on ln until ctx ends, then shuts down gracefully: event
// streams end at once, calls in progress get up to 10 seconds.
func (s *Server) Serve(ctx context.Context, ln net.Listener) error {
	srv := &http.Server{
		Handler:           s.handler,
		ReadHeaderTimeout: 10 * time.Second,
		ReadTimeout:       s.readTimeout,
		IdleTimeout:       2 * time.Minute,
		MaxHeaderBytes:    64 << 10,
	}
	srv.RegisterOnShutdown(s.stop)
	done := make(chan error, 1)
	go func() {
		var err error
		if s.opts.CertFile != "" {
			err = srv.ServeTLS(ln, s.opts.CertFile, s.opts.KeyFile)
		} else {
			err = srv.Serve(ln)
		}
		done <- err
	}()
	select {
	case err := <-done:
		return err
	case <-ctx.Done():
	}
	shutCtx, cancel := context.WithTimeout(context.Background(), 10*time.Second)
	defer cancel()
	err := srv.Shutdown(shutCtx)
	if serveErr := <-done; serveErr != nil && !errors.Is(serveErr, http.ErrServerClosed) {
		return serveErr
	}
	return err
}

// Serve runs the web mode for app until ctx ends: it listens on o.Addr,
// calls ready with the URL to open, and serves.
func Serve(ctx context.Context, app any, o Options, ready func(url string)) error {
	s, err := New(app, o)
	if err != nil {
		return err
	}
	ln, err := s.Listen()
	if err != nil {
		if errors.Is(err, syscall.EADDRINUSE) {
			return fmt.Errorf("%w (another program uses this port; choose another with --addr)", err)
		}
		return err
	}
	if ready != nil {
		ready(s.URL(ln))
	}
	return s.Serve(ctx, ln)
}
