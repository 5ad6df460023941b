// Package oauthfake is a local stand-in for Google's OAuth 2.0 authorization
// server, for tests. It speaks the same HTTP and JSON as Google's endpoints
// for installed (desktop) applications and is strict where Google is, and
// in places stricter:
//
//   - /auth checks the client id, accepts only loopback redirect URIs of the
//     form http://127.0.0.1:PORT/callback (any port, as Google allows for
//     desktop clients), requires a PKCE S256 code_challenge, and redirects
//     the browser back at once with a code (or error=access_denied);
//   - /token checks the client id and secret, redeems each code once, checks
//     the redirect URI and the code_verifier against the challenge, and
//     answers refresh_token grants, with invalid_grant for revoked tokens;
//   - /revoke revokes access and refresh tokens;
//   - on demand /token fails as Google's can: a 5xx for the next requests
//     (FailToken), or invalid_client / deleted_client for a client that
//     was deleted in Google Cloud (SetClientDeleted) or whose secret was
//     reset (SetClientSecret).
//
// State is kept in memory; a Server is safe for concurrent use.
package oauthfake

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"sync"
	"time"
)

// Server is a fake authorization server.
type Server struct {
	clientID, clientSecret string
	ts                     *httptest.Server

	mu        sync.Mutex
	accessTTL time.Duration
	deny      bool
	granted   []string // overrides the requested scopes when set
	codes     map[string]*pendingCode
	refresh   map[string]*refreshToken
	access    map[string]*accessToken
	refreshes int   // successful and failed refresh_token grants
	failNext  []int // statuses the next token requests are answered with
	deleted   bool  // the client was deleted: deleted_client
	tokenReqs int   // requests to /token
}

type pendingCode struct {
	redirect  string
	challenge string
	scopes    []string
	offline   bool
	expires   time.Time
}

type refreshToken struct {
	scopes  []string
	revoked bool
}

type accessToken struct {
	refresh string
	expires time.Time
	revoked bool
}

// New starts a fake server for one OAuth client. Close it when done.
func New(clientID, clientSecret string) *Server {
	s := &Server{
		clientID: clientID, clientSecret: clientSecret, accessTTL: time.Hour,
		codes:   map[string]*pendingCode{},
		refresh: map[string]*refreshToken{},
		access:  map[string]*accessToken{},
	}
	mux := http.NewServeMux()
	mux.HandleFunc("GET /auth", s.handleAuth)
	mux.HandleFunc("POST /token", s.handleToken)
	mux.HandleFunc("POST /revoke", s.handleRevoke)
	s.ts = httptest.NewServer(mux)
	return s
}

// Close shuts the server down.
func (s *Server) Close() { s.ts.Close() }

// AuthURL, TokenURL and RevokeURL are the endpoints to configure a client with.
func (s *Server) AuthURL() string   { return s.ts.URL + "/auth" }
func (s *Server) TokenURL() string  { return s.ts.URL + "/token" }
func (s *Server) RevokeURL() string { return s.ts.URL + "/revoke" }

// SetAccessTTL sets the lifetime of access tokens issued from now on
// (Google's is one hour).
func (s *Server) SetAccessTTL(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.accessTTL = d
}

// SetDeny makes the person refuse consent: /auth redirects with
// error=access_denied.
func (s *Server) SetDeny(deny bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deny = deny
}

// SetGrantedScopes makes the person grant only these scopes (nil: all
// requested ones).
func (s *Server) SetGrantedScopes(scopes []string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.granted = scopes
}

// Valid reports whether accessToken was issued here and is neither expired
// nor revoked. A fake resource server uses it to check bearer tokens.
func (s *Server) Valid(accessToken string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	a, ok := s.access[accessToken]
	return ok && !a.revoked && time.Now().Before(a.expires) && !s.refreshRevoked(a.refresh)
}

// RevokeRefresh revokes a refresh token and every access token minted from
// it, as when the person removes the app's access in their Google account.
func (s *Server) RevokeRefresh(token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.refresh[token]; ok {
		r.revoked = true
	}
}

// Refreshes returns how many refresh_token grants were asked for.
func (s *Server) Refreshes() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.refreshes
}

// FailToken makes the next n requests to /token fail with status (a 5xx,
// as when Google's token endpoint has a bad moment), before any check.
func (s *Server) FailToken(n, status int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for range n {
		s.failNext = append(s.failNext, status)
	}
}

// SetClientDeleted makes /token answer every request as Google does for
// an OAuth client deleted in Google Cloud: 401 deleted_client.
func (s *Server) SetClientDeleted(deleted bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.deleted = deleted
}

// SetClientSecret changes the client's secret, as resetting it in Google
// Cloud does: requests with the old one get 401 invalid_client.
func (s *Server) SetClientSecret(secret string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clientSecret = secret
}

// TokenRequests returns how many requests reached /token, failed ones
// included.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.tokenReqs
}

// tokenFault answers r when a failure is due and reports whether it did.
func (s *Server) tokenFault(w http.ResponseWriter, id, secret string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.tokenReqs++
	switch {
	case len(s.failNext) > 0:
		status := s.failNext[0]
		s.failNext = s.failNext[1:]
		writeJSON(w, status, tokenError{"internal_failure", http.StatusText(status)})
	case s.deleted:
		writeJSON(w, http.StatusUnauthorized, tokenError{"deleted_client", "The OAuth client was deleted."})
	case id != s.clientID || secret != s.clientSecret:
		writeJSON(w, http.StatusUnauthorized, tokenError{"invalid_client", "Unauthorized"})
	default:
		return false
	}
	return true
}

func (s *Server) refreshRevoked(token string) bool {
	r, ok := s.refresh[token]
	return ok && r.revoked
}

func (s *Server) handleAuth(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	if q.Get("client_id") != s.clientID {
		http.Error(w, "Error 401: invalid_client. The OAuth client was not found.", http.StatusUnauthorized)
		return
	}
	redirect := q.Get("redirect_uri")
	if !loopbackCallback(redirect) {
		http.Error(w, "Error 400: redirect_uri_mismatch", http.StatusBadRequest)
		return
	}
	if msg := checkAuthParams(q); msg != "" {
		http.Error(w, "Error 400: invalid_request. "+msg, http.StatusBadRequest)
		return
	}
	back, _ := url.Parse(redirect)
	v := url.Values{"state": {q.Get("state")}}
	if code, scopes, ok := s.consent(q, redirect); ok {
		v.Set("code", code)
		v.Set("scope", strings.Join(scopes, " "))
	} else {
		v.Set("error", "access_denied")
	}
	back.RawQuery = v.Encode()
	http.Redirect(w, r, back.String(), http.StatusFound)
}

// consent plays the consent screen and, unless told to deny, stores a code.
func (s *Server) consent(q url.Values, redirect string) (string, []string, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.deny {
		return "", nil, false
	}
	scopes := strings.Fields(q.Get("scope"))
	if s.granted != nil {
		scopes = append([]string(nil), s.granted...)
	}
	code := "4/" + randomToken()
	s.codes[code] = &pendingCode{
		redirect: redirect, challenge: q.Get("code_challenge"), scopes: scopes,
		offline: q.Get("access_type") == "offline", expires: time.Now().Add(10 * time.Minute),
	}
	return code, scopes, true
}

// loopbackCallback accepts http://127.0.0.1:PORT/callback only.
func loopbackCallback(raw string) bool {
	u, err := url.Parse(raw)
	if err != nil || u.Scheme != "http" || u.Hostname() != "127.0.0.1" || u.Port() == "" {
		return false
	}
	return u.Path == "/callback" && u.User == nil && u.Fragment == ""
}

func checkAuthParams(q url.Values) string {
	switch {
	case q.Get("response_type") != "code":
		return "response_type must be code"
	case q.Get("scope") == "":
		return "Missing required parameter: scope"
	case q.Get("code_challenge_method") != "S256":
		return "code_challenge_method must be S256"
	case len(q.Get("code_challenge")) != 43:
		return "Invalid code_challenge"
	}
	return ""
}

// tokenError is the JSON error body of the token endpoint (RFC 6749 5.2).
type tokenError struct {
	Error       string `json:"error"`
	Description string `json:"error_description,omitempty"`
}

func (s *Server) handleToken(w http.ResponseWriter, r *http.Request) {
	if err := r.ParseForm(); err != nil {
		writeJSON(w, http.StatusBadRequest, tokenError{"invalid_request", err.Error()})
		return
	}
	id, secret, ok := r.BasicAuth()
	if !ok {
		id, secret = r.PostForm.Get("client_id"), r.PostForm.Get("client_secret")
	}
	if s.tokenFault(w, id, secret) {
		return
	}
	switch r.PostForm.Get("grant_type") {
	case "authorization_code":
		s.redeemCode(w, r.PostForm)
	case "refresh_token":
		s.redeemRefresh(w, r.PostForm.Get("refresh_token"))
	default:
		writeJSON(w, http.StatusBadRequest, tokenError{"unsupported_grant_type", "Invalid grant_type: " + r.PostForm.Get("grant_type")})
	}
}

func (s *Server) redeemCode(w http.ResponseWriter, form url.Values) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.codes[form.Get("code")]
	delete(s.codes, form.Get("code")) // single use, whatever happens next
	switch {
	case !ok || time.Now().After(c.expires):
		writeJSON(w, http.StatusBadRequest, tokenError{"invalid_grant", "Malformed auth code."})
	case form.Get("redirect_uri") != c.redirect:
		writeJSON(w, http.StatusBadRequest, tokenError{"redirect_uri_mismatch", "Bad Request"})
	case form.Get("code_verifier") == "":
		writeJSON(w, http.StatusBadRequest, tokenError{"invalid_grant", "Missing code verifier."})
	case s256(form.Get("code_verifier")) != c.challenge:
		writeJSON(w, http.StatusBadRequest, tokenError{"invalid_grant", "Invalid code verifier."})
	default:
		refresh := ""
		if c.offline {
			refresh = "1//" + randomToken()
			s.refresh[refresh] = &refreshToken{scopes: c.scopes}
		}
		writeJSON(w, http.StatusOK, s.mint(refresh, c.scopes))
	}
}

func (s *Server) redeemRefresh(w http.ResponseWriter, token string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.refreshes++
	rt, ok := s.refresh[token]
	if !ok || rt.revoked {
		writeJSON(w, http.StatusBadRequest, tokenError{"invalid_grant", "Token has been expired or revoked."})
		return
	}
	resp := s.mint(token, rt.scopes)
	delete(resp, "refresh_token") // Google does not send it again
	writeJSON(w, http.StatusOK, resp)
}

// mint issues an access token; the caller holds s.mu.
func (s *Server) mint(refresh string, scopes []string) map[string]any {
	at := "ya29." + randomToken()
	s.access[at] = &accessToken{refresh: refresh, expires: time.Now().Add(s.accessTTL)}
	resp := map[string]any{
		"access_token": at,
		"expires_in":   int(s.accessTTL / time.Second),
		"scope":        strings.Join(scopes, " "),
		"token_type":   "Bearer",
	}
	if refresh != "" {
		resp["refresh_token"] = refresh
	}
	return resp
}

func (s *Server) handleRevoke(w http.ResponseWriter, r *http.Request) {
	r.ParseForm()
	token := r.Form.Get("token")
	s.mu.Lock()
	defer s.mu.Unlock()
	if rt, ok := s.refresh[token]; ok && !rt.revoked {
		rt.revoked = true
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	if at, ok := s.access[token]; ok && !at.revoked {
		at.revoked = true
		writeJSON(w, http.StatusOK, map[string]any{})
		return
	}
	writeJSON(w, http.StatusBadRequest, tokenError{"invalid_token", "Token expired or revoked"})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json; charset=utf-8")
	w.Header().Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	json.NewEncoder(w).Encode(v)
}

func s256(verifier string) string {
	sum := sha256.Sum256([]byte(verifier))
	return base64.RawURLEncoding.EncodeToString(sum[:])
}

func randomToken() string {
	b := make([]byte, 24)
	rand.Read(b)
	return base64.RawURLEncoding.EncodeToString(b)
}
