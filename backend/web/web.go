// Package web serves Avault's window to a browser: the same frontend, the
// same bound methods over a JSON transport, and the same events over a
// server-sent event stream. It is what `avault serve` runs.
//
// The API, all under /api/:
//
//	GET  /api/session          {"auth":"token"|"password","valid":bool}; no token needed
//	POST /api/login            {"password":"..."} → {"token":"..."} (password mode)
//	POST /api/logout           ends the caller's session
//	POST /api/call/{Method}    a JSON array of arguments → the method's value as JSON,
//	                           or {"error":"..."}: 404 unknown method, 400 bad arguments,
//	                           422 the method returned an error
//	POST /api/events/ticket    {"ticket":"..."}: a single-use pass for the stream
//	GET  /api/events?ticket=   text/event-stream: "event: <name>" and "data: <payload JSON>"
//
// Every API request except /api/session and /api/login needs the header
// "Authorization: Bearer <token>"; a request from another origin is refused.
//
// Outside /api/, GET /metrics serves the Prometheus text format (package
// metrics) to the same bearer token, or in password mode to the password
// as HTTP basic auth.
package web

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"log/slog"
	"net"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/avault/avault/backend/ipc"
	"github.com/avault/avault/backend/metrics"
)

// DefaultAddr is where `avault serve` listens unless told otherwise.
const DefaultAddr = "127.0.0.1:8420"

// maxBody bounds an API request body.
const maxBody = 4 << 20

// Options configure a Server. Zero values mean defaults.
type Options struct {
	// Addr is the listen address, DefaultAddr when empty. An address that is
	// not loopback needs AllowRemote and a Password.
	Addr string
	// AllowRemote permits listening where other machines can connect.
	AllowRemote bool
	// Password, when set, is asked for by a login page instead of a token
	// in the URL. At least 8 characters.
	Password string
	// Token is the access token in token mode; a random one when empty.
	Token string
	// Assets is the built frontend (index.html at its root).
	Assets fs.FS
	// Hub delivers the service's events; a silent one when nil.
	Hub *Hub
	// Logger receives the server's log; slog.Default() when nil.
	Logger *slog.Logger
	// CertFile and KeyFile, when both set, serve HTTPS.
	CertFile, KeyFile string
	// Heartbeat is how often an idle event stream sends a comment so
	// proxies keep it open (25 s when zero).
	Heartbeat time.Duration
}

// Server is the web mode's HTTP handler.
type Server struct {
	opts     Options
	remote   bool
	auth     *auth
	calls    Caller
	hub      *Hub
	log      *slog.Logger
	handler  http.Handler
	shutdown context.Context
	stop     context.CancelFunc
	// readTimeout bounds reading a request (not an event stream).
	readTimeout time.Duration
	// streamWriteTimeout cuts off a browser that stops reading the stream.
	streamWriteTimeout time.Duration
}

// New checks the options and returns a server that calls the exported
// methods of app: a Caller, or a pointer to a struct as bound to the
// window.
func New(app any, o Options) (*Server, error) {
	if o.Addr == "" {
		o.Addr = DefaultAddr
	}
	if o.Logger == nil {
		o.Logger = slog.Default()
	}
	if o.Hub == nil {
		o.Hub = NewHub(0)
	}
	if o.Heartbeat <= 0 {
		o.Heartbeat = 25 * time.Second
	}
	if o.Assets == nil {
		return nil, errors.New("web: no frontend assets")
	}
	if (o.CertFile == "") != (o.KeyFile == "") {
		return nil, errors.New("give both a certificate and its key, or neither")
	}
	remote, err := checkAddr(o.Addr, o.AllowRemote, o.Password)
	if err != nil {
		return nil, err
	}
	if o.Password != "" && len(o.Password) < 8 {
		return nil, errors.New("the password must be at least 8 characters long")
	}
	if o.Password == "" && o.Token == "" {
		o.Token = NewToken()
	}
	d, ok := app.(Caller)
	if !ok {
		var err error
		if d, err = NewDispatcher(app); err != nil {
			return nil, err
		}
	}
	s := &Server{opts: o, remote: remote, auth: newAuth(o.Token, o.Password), calls: d, hub: o.Hub, log: o.Logger, readTimeout: time.Minute, streamWriteTimeout: 10 * time.Second}
	s.shutdown, s.stop = context.WithCancel(context.Background())
	s.handler = s.routes()
	return s, nil
}

// checkAddr refuses a non-loopback address unless remote access is allowed
// and a password set, and reports whether the address is remote.
func checkAddr(addr string, allowRemote bool, password string) (bool, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return false, fmt.Errorf("listen address %q: %w (use host:port, e.g. %s)", addr, err, DefaultAddr)
	}
	if isLoopbackHost(host) && host != "" {
		return false, nil
	}
	if !allowRemote {
		return true, fmt.Errorf("%q can be reached from other machines; add --allow-remote and set a password to allow that", addr)
	}
	if password == "" {
		return true, fmt.Errorf("listening on %q needs a password (--password-stdin or AVAULT_WEB_PASSWORD)", addr)
	}
	return true, nil
}

// Token returns the access token (token mode), for the printed URL.
func (s *Server) Token() string {
	if s.auth.usesPass {
		return ""
	}
	return s.opts.Token
}

// Handler returns the HTTP handler: the frontend and the API.
func (s *Server) Handler() http.Handler { return s.handler }

// Close ends open event streams.
func (s *Server) Close() { s.stop() }

func (s *Server) routes() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc("GET /api/session", s.handleSession)
	mux.HandleFunc("POST /api/login", s.handleLogin)
	mux.Handle("POST /api/logout", s.authed(http.HandlerFunc(s.handleLogout)))
	mux.Handle("POST /api/call/{method}", s.authed(http.HandlerFunc(s.handleCall)))
	mux.Handle("POST /api/events/ticket", s.authed(http.HandlerFunc(s.handleTicket)))
	mux.HandleFunc("GET /api/events", s.handleEvents)
	mux.Handle("GET /metrics", s.scraper(metrics.Handler(s.metrics, s.log)))
	mux.HandleFunc("/api/", func(w http.ResponseWriter, r *http.Request) {
		writeError(w, http.StatusNotFound, "no such API endpoint")
	})
	mux.Handle("/", s.static())
	return s.guard(mux)
}

// guard applies what every request needs: security headers, the Host
// check, and for the API the same-origin check, JSON bodies and no caching.
func (s *Server) guard(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		secure(w.Header())
		if !s.hostAllowed(r) {
			writeError(w, http.StatusMisdirectedRequest, "this server answers only to its loopback address")
			return
		}
		if strings.HasPrefix(r.URL.Path, "/api/") {
			w.Header().Set("Cache-Control", "no-store")
			if !sameOrigin(r) {
				writeError(w, http.StatusForbidden, "requests from other sites are refused")
				return
			}
			if r.Method == http.MethodPost && !isJSON(r) {
				writeError(w, http.StatusUnsupportedMediaType, "send JSON (Content-Type: application/json)")
				return
			}
			r.Body = http.MaxBytesReader(w, r.Body, maxBody)
		}
		next.ServeHTTP(w, r)
	})
}

// authed lets a request through only with a valid bearer token.
func (s *Server) authed(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if !s.auth.valid(bearer(r)) {
			w.Header().Set("WWW-Authenticate", `Bearer realm="avault"`)
			writeError(w, http.StatusUnauthorized, "sign in first: the access token is missing, wrong or expired")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// scraper lets a metrics request through with the bearer token of the
// API (the printed access token, or a session), or in password mode with
// the password as HTTP basic auth (any user name), which is what a
// Prometheus scrape configuration can send.
func (s *Server) scraper(next http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Cache-Control", "no-store")
		ok := s.auth.valid(bearer(r))
		if _, pass, basic := r.BasicAuth(); !ok && basic {
			ok = s.auth.passwordOK(pass)
		}
		if !ok {
			w.Header().Set("WWW-Authenticate", `Bearer realm="avault"`)
			if s.auth.usesPass {
				w.Header().Add("WWW-Authenticate", `Basic realm="avault"`)
			}
			writeError(w, http.StatusUnauthorized, "metrics need the access token (Authorization: Bearer) or the password (basic auth)")
			return
		}
		next.ServeHTTP(w, r)
	})
}

// metrics reads the state /metrics reports through the bound Metrics
// method, in this process or the background process's.
func (s *Server) metrics(ctx context.Context) (metrics.Snapshot, error) {
	var snap metrics.Snapshot
	raw, err := s.calls.Call(ctx, "Metrics", []byte("[]"))
	if err != nil {
		return snap, err
	}
	err = json.Unmarshal(raw, &snap)
	return snap, err
}

// static serves the frontend; hashed assets may be cached for good.
func (s *Server) static() http.Handler {
	files := http.FileServerFS(s.opts.Assets)
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if r.Method != http.MethodGet && r.Method != http.MethodHead {
			w.Header().Set("Allow", "GET, HEAD")
			writeError(w, http.StatusMethodNotAllowed, "method not allowed")
			return
		}
		if strings.HasPrefix(r.URL.Path, "/assets/") {
			w.Header().Set("Cache-Control", "public, max-age=31536000, immutable")
		} else {
			w.Header().Set("Cache-Control", "no-cache")
		}
		files.ServeHTTP(w, r)
	})
}

func (s *Server) handleSession(w http.ResponseWriter, r *http.Request) {
	writeJSON(w, http.StatusOK, map[string]any{"auth": s.auth.mode(), "valid": s.auth.valid(bearer(r))})
}

func (s *Server) handleLogin(w http.ResponseWriter, r *http.Request) {
	if !s.auth.usesPass {
		writeError(w, http.StatusNotFound, "this server uses the access token in its URL, not a password")
		return
	}
	var in struct {
		Password string `json:"password"`
	}
	if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
		writeError(w, http.StatusBadRequest, "send {\"password\": \"...\"}")
		return
	}
	tok, res := s.auth.login(in.Password)
	switch res {
	case loginThrottled:
		w.Header().Set("Retry-After", strconv.Itoa(int(loginWindow.Seconds())))
		writeError(w, http.StatusTooManyRequests, "too many wrong passwords; wait a minute and try again")
	case loginWrong:
		s.log.Warn("web: wrong password", "remote", r.RemoteAddr)
		writeError(w, http.StatusUnauthorized, "wrong password")
	default:
		writeJSON(w, http.StatusOK, map[string]string{"token": tok})
	}
}

func (s *Server) handleLogout(w http.ResponseWriter, r *http.Request) {
	s.auth.logout(bearer(r))
	w.WriteHeader(http.StatusNoContent)
}

func (s *Server) handleCall(w http.ResponseWriter, r *http.Request) {
	name := r.PathValue("method")
	body, err := io.ReadAll(r.Body)
	if err != nil {
		writeError(w, http.StatusRequestEntityTooLarge, "the request is too large")
		return
	}
	defer func() {
		if p := recover(); p != nil {
			s.log.Error("web: method panicked", "method", name, "panic", p)
			writeError(w, http.StatusInternalServerError, "internal error in "+name+"; see Avault's log")
		}
	}()
	out, err := s.calls.Call(r.Context(), name, body)
	var callErr *CallError
	var remoteErr *ipc.RemoteError
	switch {
	case err == nil:
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusOK)
		_, _ = w.Write(out)
	case errors.Is(err, ErrUnknownMethod):
		writeError(w, http.StatusNotFound, err.Error())
	case errors.Is(err, ErrBadArguments):
		writeError(w, http.StatusBadRequest, err.Error())
	case errors.As(err, &callErr):
		writeError(w, http.StatusUnprocessableEntity, callErr.Error())
	case errors.As(err, &remoteErr) && remoteErr.Code == ipc.CodeFailed:
		writeError(w, http.StatusUnprocessableEntity, remoteErr.Error())
	default:
		s.log.Error("web: call failed", "method", name, "err", err)
		writeError(w, http.StatusInternalServerError, err.Error())
	}
}

func (s *Server) handleTicket(w http.ResponseWriter, _ *http.Request) {
	writeJSON(w, http.StatusOK, map[string]string{"ticket": s.auth.ticket()})
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	w.Header().Set("Content-Type", "application/json")
	w.WriteHeader(status)
	_ = json.NewEncoder(w).Encode(v)
}

func writeError(w http.ResponseWriter, status int, msg string) {
	writeJSON(w, status, map[string]string{"error": msg})
}
