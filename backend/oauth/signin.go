package oauth

import (
	"context"
	"crypto/rand"
	"crypto/subtle"
	"encoding/base64"
	"errors"
	"fmt"
	"html/template"
	"net"
	"net/http"
	"strings"
	"sync/atomic"
	"time"

	"golang.org/x/oauth2"
)

// Grant is what a successful sign-in yields.
type Grant struct {
	// Token holds the access token, the refresh token and the expiry.
	Token *oauth2.Token
	// Scopes are the scopes the person granted. Google lets a person untick
	// scopes on the consent screen, so they may be fewer than requested.
	Scopes []string
}

// Opener shows the sign-in address to the person: the desktop app opens the
// default browser with it, the command line prints it.
type Opener func(authURL string) error

// Sign-in errors. SignIn wraps them, so test with errors.Is.
var (
	// ErrDenied means the person cancelled or refused consent in the browser.
	ErrDenied = errors.New("oauth: access was not granted in the browser")
	// ErrState means the browser came back with a state that does not belong
	// to this sign-in (a stale tab, or a forged request).
	ErrState = errors.New("oauth: the browser answer does not belong to this sign-in")
	// ErrTimeout means the browser did not come back before the timeout.
	ErrTimeout = errors.New("oauth: the browser did not come back in time")
)

// SignIn runs the loopback sign-in: it listens on 127.0.0.1 (a free port),
// hands the authorization address to open, waits for Google to redirect the
// browser to http://127.0.0.1:PORT/callback, checks the state, exchanges the
// code with the PKCE verifier and returns the tokens.
//
// The listener answers exactly one callback (a later one gets an error page)
// and is closed before SignIn returns, whatever the outcome. SignIn gives up
// with ErrTimeout after cfg.Timeout, or with ctx's error when ctx ends first.
func SignIn(ctx context.Context, cfg Config, open Opener) (*Grant, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, fmt.Errorf("oauth: listen for the browser: %w", err)
	}
	redirect := fmt.Sprintf("http://127.0.0.1:%d/callback", ln.Addr().(*net.TCPAddr).Port)
	oc := cfg.oauth2Config(redirect)
	state, err := randomState()
	if err != nil {
		ln.Close()
		return nil, err
	}
	verifier := oauth2.GenerateVerifier()

	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = DefaultSignInTimeout
	}
	ctx, cancel := context.WithTimeoutCause(ctx, timeout, ErrTimeout)
	defer cancel()

	cb := &callback{
		oc: oc, state: state, verifier: verifier,
		ctx: cfg.withClient(ctx), done: make(chan signInResult, 1),
	}
	srv := &http.Server{Handler: cb, ReadHeaderTimeout: 10 * time.Second}
	go srv.Serve(ln)
	defer shutdown(srv)

	authURL := oc.AuthCodeURL(state, oauth2.AccessTypeOffline, oauth2.ApprovalForce,
		oauth2.S256ChallengeOption(verifier))
	if err := open(authURL); err != nil {
		return nil, fmt.Errorf("oauth: open the browser: %w", err)
	}
	select {
	case r := <-cb.done:
		return r.grant, r.err
	case <-ctx.Done():
		return nil, context.Cause(ctx)
	}
}

// shutdown stops srv, letting a callback page that is being written finish.
func shutdown(srv *http.Server) {
	ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
	defer cancel()
	if srv.Shutdown(ctx) != nil {
		srv.Close()
	}
}

func randomState() (string, error) {
	b := make([]byte, 32)
	if _, err := rand.Read(b); err != nil {
		return "", fmt.Errorf("oauth: random state: %w", err)
	}
	return base64.RawURLEncoding.EncodeToString(b), nil
}

type signInResult struct {
	grant *Grant
	err   error
}

// callback serves the loopback redirect. It handles the first request to
// /callback and refuses every later one.
type callback struct {
	oc       *oauth2.Config
	state    string
	verifier string
	ctx      context.Context
	claimed  atomic.Bool
	done     chan signInResult
}

func (cb *callback) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if r.URL.Path != "/callback" {
		http.NotFound(w, r)
		return
	}
	if !cb.claimed.CompareAndSwap(false, true) {
		writePage(w, http.StatusGone, "This sign-in is already finished.",
			"You can close this tab.")
		return
	}
	grant, err := cb.finish(r)
	if err != nil {
		writePage(w, http.StatusBadRequest, "Avault could not sign you in.",
			"Go back to Avault and try again. ("+err.Error()+")")
	} else {
		writePage(w, http.StatusOK, "You are signed in.",
			"You can close this tab and go back to Avault.")
	}
	cb.done <- signInResult{grant, err}
}

// finish checks the browser's answer and exchanges the code for tokens.
func (cb *callback) finish(r *http.Request) (*Grant, error) {
	q := r.URL.Query()
	if subtle.ConstantTimeCompare([]byte(q.Get("state")), []byte(cb.state)) != 1 {
		return nil, ErrState
	}
	if e := q.Get("error"); e != "" {
		return nil, fmt.Errorf("%w (%s)", ErrDenied, e)
	}
	code := q.Get("code")
	if code == "" {
		return nil, errors.New("oauth: the browser answer has no authorization code")
	}
	tok, err := cb.oc.Exchange(cb.ctx, code, oauth2.VerifierOption(cb.verifier))
	if err != nil {
		return nil, fmt.Errorf("oauth: exchange the authorization code: %w", MapError(err))
	}
	return &Grant{Token: tok, Scopes: grantedScopes(tok, q.Get("scope"), cb.oc.Scopes)}, nil
}

// grantedScopes prefers the token response's "scope", then the redirect's,
// then what was asked for.
func grantedScopes(tok *oauth2.Token, fromRedirect string, requested []string) []string {
	if s, ok := tok.Extra("scope").(string); ok && s != "" {
		return strings.Fields(s)
	}
	if fromRedirect != "" {
		return strings.Fields(fromRedirect)
	}
	return append([]string(nil), requested...)
}

var page = template.Must(template.New("page").Parse(`<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>Avault</title>
<style>body{font-family:system-ui,sans-serif;margin:4em auto;max-width:32em;color:#222}</style>
</head><body><h1>{{.Title}}</h1><p>{{.Body}}</p></body></html>
`))

// writePage answers the browser with a small self-contained page.
func writePage(w http.ResponseWriter, status int, title, body string) {
	h := w.Header()
	h.Set("Content-Type", "text/html; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	h.Set("Referrer-Policy", "no-referrer")
	w.WriteHeader(status)
	page.Execute(w, struct{ Title, Body string }{title, body})
}
