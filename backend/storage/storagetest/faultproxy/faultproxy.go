// Package faultproxy is an HTTP reverse proxy that injects the faults a
// cloud service shows under load: 500 and 503 answers, 429 with
// Retry-After, connections reset in the middle of a request or response
// body, and slow answers. Tests put it between a destination's client and
// a local server and check that uploads still end complete.
//
// A fault is injected before the request reaches the server (or, for a reset
// response, on a GET only), so a faulted request never changed anything on
// the server: every fault is safe for a correct client to retry.
package faultproxy

import (
	"crypto/tls"
	"fmt"
	"io"
	"log"
	"math/rand/v2"
	"net"
	"net/http"
	"net/http/httputil"
	"net/url"
	"strconv"
	"sync"
	"time"
)

var quiet = log.New(io.Discard, "", 0)

// Kind is a kind of fault.
type Kind int

const (
	Status500     Kind = iota // 500 Internal Server Error
	Status503                 // 503 Service Unavailable with Retry-After
	Status429                 // 429 Too Many Requests with Retry-After
	ResetRequest              // read part of the request body, then reset the connection
	ResetResponse             // GET only: send the headers and half the body, then reset
	Slow                      // wait Faults.SlowDelay, then forward
)

var kindNames = [...]string{"500", "503", "429", "reset-request", "reset-response", "slow"}

func (k Kind) String() string { return kindNames[k] }

// AllKinds lists every fault kind.
var AllKinds = []Kind{Status500, Status503, Status429, ResetRequest, ResetResponse, Slow}

// Faults says which requests get which faults. The zero value injects none.
type Faults struct {
	// Rate is the probability, from 0 to 1, that a request gets a fault.
	Rate float64
	// Kinds are picked from uniformly; nil means AllKinds.
	Kinds []Kind
	// Seed makes the choice of faulted requests repeatable for a given
	// order of requests.
	Seed uint64
	// RetryAfter is sent with 429 and 503 answers, in whole seconds; 0
	// sends "0" (retry at once, after the client's own backoff).
	RetryAfter time.Duration
	// SlowDelay is how long a Slow fault waits; 0 means 200 ms.
	SlowDelay time.Duration
}

// Options configures a Proxy.
type Options struct {
	// Transport carries requests to the upstream server; nil means a clone
	// of http.DefaultTransport.
	Transport http.RoundTripper
	// TLS, when not nil, makes the proxy serve HTTPS with this configuration
	// (it must hold a certificate the client trusts).
	TLS *tls.Config
	// ErrorBody returns the body of an injected error answer, so that it
	// looks like the service's own; nil sends plain text.
	ErrorBody func(status int) (contentType string, body []byte)
}

// Proxy forwards requests to an upstream server, injecting faults.
type Proxy struct {
	// URL is the proxy's base URL ("http://127.0.0.1:port").
	URL string

	srv     *http.Server
	ln      net.Listener
	rp      *httputil.ReverseProxy
	errBody func(int) (string, []byte)

	mu     sync.Mutex
	faults Faults
	rnd    *rand.Rand
	counts map[Kind]int
}

// New starts a proxy on 127.0.0.1 in front of upstream (a base URL). The Host
// header is passed on as the client sent it, so signed requests (AWS SigV4)
// stay valid.
func New(upstream string, o Options) (*Proxy, error) {
	up, err := url.Parse(upstream)
	if err != nil {
		return nil, err
	}
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &Proxy{ln: ln, counts: map[Kind]int{}, errBody: o.ErrorBody, rnd: rand.New(rand.NewPCG(0, 0))}
	tr := o.Transport
	if tr == nil {
		tr = http.DefaultTransport.(*http.Transport).Clone()
	}
	p.rp = &httputil.ReverseProxy{
		Rewrite: func(r *httputil.ProxyRequest) {
			r.SetURL(up)
			r.Out.Host = r.In.Host
		},
		Transport: tr,
		ErrorLog:  quiet, // injected resets make it complain
	}
	scheme := "http"
	if o.TLS != nil {
		ln = tls.NewListener(ln, o.TLS)
		scheme = "https"
	}
	p.URL = scheme + "://" + p.ln.Addr().String()
	p.srv = &http.Server{Handler: p, ReadHeaderTimeout: 10 * time.Second, ErrorLog: quiet}
	go p.srv.Serve(ln)
	return p, nil
}

// SetFaults replaces the faults injected from now on.
func (p *Proxy) SetFaults(f Faults) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if f.Kinds == nil {
		f.Kinds = AllKinds
	}
	if f.SlowDelay == 0 {
		f.SlowDelay = 200 * time.Millisecond
	}
	p.faults = f
	p.rnd = rand.New(rand.NewPCG(f.Seed, f.Seed^0x9e3779b97f4a7c15))
}

// Counts returns how many faults of each kind were injected so far.
func (p *Proxy) Counts() map[Kind]int {
	p.mu.Lock()
	defer p.mu.Unlock()
	out := make(map[Kind]int, len(p.counts))
	for k, n := range p.counts {
		out[k] = n
	}
	return out
}

// Close stops the proxy and drops its connections.
func (p *Proxy) Close() error { return p.srv.Close() }

// pick decides the fault for one request; ok is false for none.
func (p *Proxy) pick(r *http.Request) (k Kind, f Faults, ok bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	f = p.faults
	if f.Rate <= 0 || p.rnd.Float64() >= f.Rate {
		return 0, f, false
	}
	k = f.Kinds[p.rnd.IntN(len(f.Kinds))]
	if k == ResetResponse && r.Method != http.MethodGet {
		k = ResetRequest
	}
	if k == ResetRequest && r.ContentLength == 0 {
		k = Status500
	}
	p.counts[k]++
	return k, f, true
}

// ServeHTTP forwards r, or injects the fault picked for it.
func (p *Proxy) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	k, f, ok := p.pick(r)
	if !ok {
		p.rp.ServeHTTP(w, r)
		return
	}
	switch k {
	case Status500:
		p.fail(w, r, http.StatusInternalServerError, 0)
	case Status503, Status429:
		status := map[Kind]int{Status503: http.StatusServiceUnavailable, Status429: http.StatusTooManyRequests}[k]
		p.fail(w, r, status, f.RetryAfter)
	case ResetRequest:
		resetRequest(w, r)
	case ResetResponse:
		p.rp.ServeHTTP(&halfWriter{ResponseWriter: w}, r)
		panic(http.ErrAbortHandler)
	case Slow:
		select {
		case <-time.After(f.SlowDelay):
		case <-r.Context().Done():
			return
		}
		p.rp.ServeHTTP(w, r)
	}
}

// fail answers with status after reading the request body, as a server
// that refuses a request does.
func (p *Proxy) fail(w http.ResponseWriter, r *http.Request, status int, retryAfter time.Duration) {
	io.Copy(io.Discard, r.Body)
	ct, body := "text/plain; charset=utf-8", []byte(http.StatusText(status))
	if p.errBody != nil {
		ct, body = p.errBody(status)
	}
	if status == http.StatusServiceUnavailable || status == http.StatusTooManyRequests {
		w.Header().Set("Retry-After", strconv.Itoa(int(retryAfter/time.Second)))
	}
	w.Header().Set("Content-Type", ct)
	w.Header().Set("Content-Length", strconv.Itoa(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

// resetRequest reads about half the request body, then resets the
// connection (RST, not FIN), as a dropped network path does.
func resetRequest(w http.ResponseWriter, r *http.Request) {
	n := r.ContentLength / 2
	if n < 0 {
		n = 32 << 10
	}
	io.CopyN(io.Discard, r.Body, n)
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	conn, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := underlyingTCP(conn); ok {
		tc.SetLinger(0)
	}
	conn.Close()
}

func underlyingTCP(c net.Conn) (*net.TCPConn, bool) {
	if tc, ok := c.(*tls.Conn); ok {
		c = tc.NetConn()
	}
	t, ok := c.(*net.TCPConn)
	return t, ok
}

// halfWriter passes on the headers and the first half of the body (by
// Content-Length, else 512 bytes), flushes them to the client, then fails
// the rest; the handler then aborts the connection.
type halfWriter struct {
	http.ResponseWriter
	left    int64
	started bool
}

func (h *halfWriter) WriteHeader(status int) {
	if !h.started {
		h.started = true
		cl, _ := strconv.ParseInt(h.Header().Get("Content-Length"), 10, 64)
		h.left = cl / 2
		if cl <= 0 {
			h.left = 512
		}
	}
	h.ResponseWriter.WriteHeader(status)
}

func (h *halfWriter) Write(b []byte) (int, error) {
	if !h.started {
		h.WriteHeader(http.StatusOK)
	}
	if h.left <= 0 {
		return 0, fmt.Errorf("faultproxy: response cut")
	}
	n := min(int64(len(b)), h.left)
	h.left -= n
	if _, err := h.ResponseWriter.Write(b[:n]); err != nil {
		return 0, err
	}
	if int(n) < len(b) {
		http.NewResponseController(h.ResponseWriter).Flush()
		return int(n), fmt.Errorf("faultproxy: response cut")
	}
	return len(b), nil
}
