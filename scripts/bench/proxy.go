package main

import (
	"io"
	"net"
	"sync"
	"sync/atomic"
	"time"
)

// proxy relays TCP connections to a target, counting the bytes in each
// direction and, when limited, holding each direction to a rate shared by
// all connections: a slow link in front of the server. TLS passes through
// untouched, so the counts are what a network would carry.
type proxy struct {
	ln     net.Listener
	target string
	up     atomic.Int64 // client to server
	down   atomic.Int64
	mu     sync.Mutex
	upLim  *limiter // nil when unlimited
	dnLim  *limiter
}

func startProxy(target string) (*proxy, error) {
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	p := &proxy{ln: ln, target: target}
	go p.serve()
	return p, nil
}

func (p *proxy) addr() string { return p.ln.Addr().String() }

// setLimit sets the rate of each direction in bytes per second; 0 removes
// the limit.
func (p *proxy) setLimit(bytesPerSec float64) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if bytesPerSec <= 0 {
		p.upLim, p.dnLim = nil, nil
		return
	}
	p.upLim, p.dnLim = &limiter{rate: bytesPerSec}, &limiter{rate: bytesPerSec}
}

func (p *proxy) limits() (*limiter, *limiter) {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.upLim, p.dnLim
}

// reset returns the counts so far and zeroes them.
func (p *proxy) reset() (up, down int64) { return p.up.Swap(0), p.down.Swap(0) }

func (p *proxy) serve() {
	for {
		c, err := p.ln.Accept()
		if err != nil {
			return
		}
		go p.handle(c.(*net.TCPConn))
	}
}

func (p *proxy) handle(c *net.TCPConn) {
	defer c.Close()
	s, err := net.Dial("tcp", p.target)
	if err != nil {
		return
	}
	defer s.Close()
	up, dn := p.limits()
	done := make(chan struct{})
	go func() {
		relay(s.(*net.TCPConn), c, &p.up, up)
		close(done)
	}()
	relay(c, s.(*net.TCPConn), &p.down, dn)
	<-done
}

// relay copies src to dst in chunks (spliced by the kernel when unlimited
// chunks are large), counting and pacing them, then closes dst's write side.
func relay(dst, src *net.TCPConn, count *atomic.Int64, lim *limiter) {
	chunk := int64(256 << 10)
	if lim != nil {
		chunk = 16 << 10
	}
	for {
		n, err := dst.ReadFrom(&io.LimitedReader{R: src, N: chunk})
		count.Add(n)
		if lim != nil && n > 0 {
			lim.wait(n)
		}
		if n == 0 || err != nil {
			break
		}
	}
	dst.CloseWrite()
}

// limiter paces bytes to a rate: each chunk is due when the previous ones
// would have finished at that rate.
type limiter struct {
	mu   sync.Mutex
	rate float64 // bytes per second
	next time.Time
}

func (l *limiter) wait(n int64) {
	l.mu.Lock()
	now := time.Now()
	if l.next.Before(now) {
		l.next = now
	}
	l.next = l.next.Add(time.Duration(float64(n) / l.rate * float64(time.Second)))
	due := l.next
	l.mu.Unlock()
	time.Sleep(time.Until(due))
}
