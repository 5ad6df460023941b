package web

import (
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"encoding/base64"
	"net/http"
	"strings"
	"sync"
	"time"
)

// Lifetimes of what the auth hands out.
const (
	sessionIdle   = 12 * time.Hour   // a password session ends after this long unused
	ticketTTL     = 30 * time.Second // an event-stream ticket must be used this soon
	loginWindow   = time.Minute      // failed logins are counted over this window
	maxLoginFails = 5                // failed logins allowed per window before 429
)

// auth checks the bearer token of API requests. In token mode the token is
// the one printed with the URL; in password mode a login with the password
// hands out a session token. Tokens are compared by their SHA-256, in
// constant time where there is one secret to compare against, and looked up
// by hash otherwise, so timing says nothing about a token's bytes.
type auth struct {
	token    [sha256.Size]byte // token mode: hash of the access token
	password [sha256.Size]byte // password mode: hash of the password
	usesPass bool
	now      func() time.Time

	mu       sync.Mutex
	sessions map[[sha256.Size]byte]time.Time // session hash → expiry
	tickets  map[[sha256.Size]byte]time.Time // ticket hash → expiry
	fails    []time.Time
}

func newAuth(token, password string) *auth {
	a := &auth{now: time.Now, sessions: map[[sha256.Size]byte]time.Time{}, tickets: map[[sha256.Size]byte]time.Time{}}
	if password != "" {
		a.usesPass = true
		a.password = sha256.Sum256([]byte(password))
	} else {
		a.token = sha256.Sum256([]byte(token))
	}
	return a
}

// NewToken returns 32 random bytes, base64url-encoded.
func NewToken() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read never fails (it panics instead)
	return base64.RawURLEncoding.EncodeToString(b)
}

// mode names the way a browser gets a token: "token" or "password".
func (a *auth) mode() string {
	if a.usesPass {
		return "password"
	}
	return "token"
}

// bearer returns the token of an Authorization: Bearer header.
func bearer(r *http.Request) string {
	h := r.Header.Get("Authorization")
	if len(h) > 7 && strings.EqualFold(h[:7], "bearer ") {
		return strings.TrimSpace(h[7:])
	}
	return ""
}

// valid reports whether tok may call the API; a valid session is extended.
func (a *auth) valid(tok string) bool {
	if tok == "" {
		return false
	}
	h := sha256.Sum256([]byte(tok))
	if !a.usesPass {
		return subtle.ConstantTimeCompare(h[:], a.token[:]) == 1
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.sessions[h]
	now := a.now()
	if !ok || now.After(exp) {
		delete(a.sessions, h)
		return false
	}
	a.sessions[h] = now.Add(sessionIdle)
	return true
}

// loginResult says how a login attempt went.
type loginResult int

const (
	loginOK loginResult = iota
	loginWrong
	loginThrottled
)

// login checks a password and returns a new session token.
func (a *auth) login(password string) (string, loginResult) {
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	recent := a.fails[:0]
	for _, t := range a.fails {
		if now.Sub(t) < loginWindow {
			recent = append(recent, t)
		}
	}
	a.fails = recent
	if len(a.fails) >= maxLoginFails {
		return "", loginThrottled
	}
	h := sha256.Sum256([]byte(password))
	if !a.usesPass || subtle.ConstantTimeCompare(h[:], a.password[:]) != 1 {
		a.fails = append(a.fails, now)
		return "", loginWrong
	}
	tok := NewToken()
	a.sessions[sha256.Sum256([]byte(tok))] = now.Add(sessionIdle)
	return tok, loginOK
}

// password checks a password given directly (HTTP basic auth, for a
// metrics scraper that cannot log in), counting failures with the logins'.
func (a *auth) passwordOK(password string) bool {
	if !a.usesPass {
		return false
	}
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	recent := a.fails[:0]
	for _, t := range a.fails {
		if now.Sub(t) < loginWindow {
			recent = append(recent, t)
		}
	}
	a.fails = recent
	if len(a.fails) >= maxLoginFails {
		return false
	}
	h := sha256.Sum256([]byte(password))
	if subtle.ConstantTimeCompare(h[:], a.password[:]) != 1 {
		a.fails = append(a.fails, now)
		return false
	}
	return true
}

// logout ends the session of tok (password mode; the printed token stays valid).
func (a *auth) logout(tok string) {
	a.mu.Lock()
	delete(a.sessions, sha256.Sum256([]byte(tok)))
	a.mu.Unlock()
}

// ticket returns a single-use ticket for opening the event stream, which an
// EventSource cannot send headers to.
func (a *auth) ticket() string {
	t := NewToken()
	a.mu.Lock()
	defer a.mu.Unlock()
	now := a.now()
	for k, exp := range a.tickets {
		if now.After(exp) {
			delete(a.tickets, k)
		}
	}
	a.tickets[sha256.Sum256([]byte(t))] = now.Add(ticketTTL)
	return t
}

// redeem uses up a ticket and reports whether it was valid.
func (a *auth) redeem(t string) bool {
	if t == "" {
		return false
	}
	h := sha256.Sum256([]byte(t))
	a.mu.Lock()
	defer a.mu.Unlock()
	exp, ok := a.tickets[h]
	delete(a.tickets, h)
	return ok && !a.now().After(exp)
}
