package ipc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"io"
	"log/slog"
	"net"
	"sync"
	"time"
)

// Handler is what the server does for its clients. Nil functions refuse
// their requests.
type Handler struct {
	// Call runs a method of the facade with its JSON arguments. It returns
	// errors wrapping ErrUnknownMethod or ErrBadArguments for requests
	// that never reached a method.
	Call func(ctx context.Context, method string, args json.RawMessage) (json.RawMessage, error)
	// Exec runs a command line and returns its exit code; ctx ends when
	// the client interrupts it (Ctrl-C) or goes away.
	Exec func(ctx context.Context, e Exec, stdin io.Reader, stdout, stderr io.Writer) int
	// Open shows a window and says how: "shown" or "started".
	Open func() (string, error)
	// Quit asks the process to quit; it returns at once.
	Quit func()
	// Windows is told each time the number of connected windows changes.
	Windows func(n int)
}

// Server serves clients on a listener.
type Server struct {
	hello   Hello
	handler Handler
	log     *slog.Logger

	mu      sync.Mutex
	conns   map[*conn]struct{}
	windows int
	closed  bool
	ln      net.Listener
	wg      sync.WaitGroup
}

// NewServer returns a server that says hello (its Protocol and PID are
// filled in) and serves with h.
func NewServer(hello Hello, h Handler, log *slog.Logger) *Server {
	hello.Protocol = Protocol
	if log == nil {
		log = slog.Default()
	}
	return &Server{hello: hello, handler: h, log: log, conns: map[*conn]struct{}{}}
}

// SetStartHidden changes what the server's hello says of Settings' "Start
// in the tray".
func (s *Server) SetStartHidden(on bool) {
	s.mu.Lock()
	s.hello.StartHidden = on
	s.mu.Unlock()
}

// Serve accepts connections until Close. Connections from another user
// are refused before a byte is read.
func (s *Server) Serve(ln net.Listener) error {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return ErrClosed
	}
	s.ln = ln
	s.mu.Unlock()
	for {
		nc, err := ln.Accept()
		if err != nil {
			s.mu.Lock()
			closed := s.closed
			s.mu.Unlock()
			if closed {
				return nil
			}
			var ne net.Error
			if errors.As(err, &ne) && ne.Timeout() {
				continue
			}
			return err
		}
		if err := checkPeer(nc); err != nil {
			s.log.Warn("ipc: refused a connection", "err", err)
			nc.Close()
			continue
		}
		c := newConn(s, nc)
		s.mu.Lock()
		if s.closed {
			s.mu.Unlock()
			nc.Close()
			continue
		}
		s.conns[c] = struct{}{}
		s.wg.Add(1)
		s.mu.Unlock()
		go c.serve()
	}
}

// Close stops accepting, ends every connection and waits for their calls
// to return.
func (s *Server) Close() error {
	s.mu.Lock()
	s.closed = true
	ln := s.ln
	conns := make([]*conn, 0, len(s.conns))
	for c := range s.conns {
		conns = append(conns, c)
	}
	s.mu.Unlock()
	if ln != nil {
		ln.Close()
	}
	for _, c := range conns {
		c.close()
	}
	s.wg.Wait()
	return nil
}

// Emit implements events.Emitter: the payload is encoded once and queued
// for every subscriber without waiting. A subscriber that has fallen far
// behind is disconnected; it reconnects and reloads.
func (s *Server) Emit(name string, payload any) {
	s.broadcast(name, payload, false)
}

// EmitWindows sends an event to the connected windows only.
func (s *Server) EmitWindows(name string, payload any) int {
	return s.broadcast(name, payload, true)
}

func (s *Server) broadcast(name string, payload any, windowsOnly bool) int {
	data, err := json.Marshal(payload)
	if err != nil {
		s.log.Error("ipc: event payload cannot be encoded", "event", name, "err", err)
		return 0
	}
	f := frame{Event: name, Data: data}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for c := range s.conns {
		if windowsOnly && !c.isWindow() {
			continue
		}
		if c.subscribed() || windowsOnly {
			c.offer(f)
			n++
		}
	}
	return n
}

// Windows returns how many windows are connected.
func (s *Server) Windows() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.windows
}

func (s *Server) countWindow(delta int) {
	s.mu.Lock()
	s.windows += delta
	n := s.windows
	s.mu.Unlock()
	if s.handler.Windows != nil {
		s.handler.Windows(n)
	}
}

func (s *Server) forget(c *conn) {
	s.mu.Lock()
	delete(s.conns, c)
	s.mu.Unlock()
	s.wg.Done()
}

const (
	// queueLen bounds the frames waiting to be written to one client.
	queueLen = 4096
	// writeTimeout bounds one write to a client that does not read.
	writeTimeout = 30 * time.Second
	// helloTimeout bounds how long a new connection may stay silent.
	helloTimeout = 10 * time.Second
	// maxFrame bounds one line a client sends.
	maxFrame = 16 << 20
)

type conn struct {
	s  *Server
	nc net.Conn

	out  chan frame
	done chan struct{}
	once sync.Once

	ctx    context.Context
	cancel context.CancelFunc

	mu     sync.Mutex
	hello  Hello
	subbed bool
	calls  map[uint64]context.CancelFunc
	stdins map[uint64]*stdinPipe
}

func newConn(s *Server, nc net.Conn) *conn {
	ctx, cancel := context.WithCancel(context.Background())
	return &conn{s: s, nc: nc, out: make(chan frame, queueLen), done: make(chan struct{}),
		ctx: ctx, cancel: cancel, calls: map[uint64]context.CancelFunc{}, stdins: map[uint64]*stdinPipe{}}
}

func (c *conn) isWindow() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.hello.Role == RoleWindow
}

func (c *conn) subscribed() bool {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.subbed
}

func (c *conn) close() {
	c.once.Do(func() {
		close(c.done)
		c.cancel()
		c.nc.Close()
	})
}

// send queues a frame, waiting while the queue is full; false once the
// connection is closed.
func (c *conn) send(f frame) bool {
	select {
	case c.out <- f:
		return true
	case <-c.done:
		return false
	}
}

// offer queues a frame without waiting; a full queue closes the connection.
func (c *conn) offer(f frame) {
	select {
	case c.out <- f:
	case <-c.done:
	default:
		c.s.log.Warn("ipc: a client fell behind its events; disconnecting it")
		c.close()
	}
}

func (c *conn) writeLoop() {
	enc := json.NewEncoder(c.nc)
	for {
		select {
		case f := <-c.out:
			_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
			if err := enc.Encode(f); err != nil {
				c.close()
				return
			}
		case <-c.done:
			return
		}
	}
}

func (c *conn) serve() {
	var calls sync.WaitGroup
	defer func() {
		c.close()
		calls.Wait()
		c.mu.Lock()
		window := c.hello.Role == RoleWindow
		c.mu.Unlock()
		c.s.forget(c)
		if window {
			c.s.countWindow(-1)
		}
	}()
	go c.writeLoop()

	r := bufio.NewReaderSize(c.nc, 64<<10)
	_ = c.nc.SetReadDeadline(time.Now().Add(helloTimeout))
	first, err := readFrame(r)
	if err != nil || first.Hello == nil {
		return
	}
	_ = c.nc.SetReadDeadline(time.Time{})
	c.s.mu.Lock()
	mine := c.s.hello
	c.s.mu.Unlock()
	mine.PID = pid()
	compatible := mine.Compatible(*first.Hello) == nil
	c.mu.Lock()
	c.hello = *first.Hello
	c.mu.Unlock()
	if !c.send(frame{Hello: &mine}) {
		return
	}
	if compatible && first.Hello.Role == RoleWindow {
		c.s.countWindow(1)
	} else if first.Hello.Role == RoleWindow {
		c.mu.Lock()
		c.hello.Role = "" // a window of another build is no window of ours
		c.mu.Unlock()
	}

	for {
		f, err := readFrame(r)
		if err != nil {
			return
		}
		switch {
		case f.Control != "":
			calls.Add(1)
			go func() { defer calls.Done(); c.control(f) }()
		case !compatible && (f.Call != "" || f.Subscribe || f.Exec != nil):
			c.send(frame{ID: f.ID, Error: &WireError{Code: CodeMismatch, Message: mine.Compatible(*first.Hello).Error()}})
		case f.Cancel:
			c.mu.Lock()
			if cancel := c.calls[f.ID]; cancel != nil {
				cancel()
			}
			c.mu.Unlock()
		case f.Stdin != nil || f.StdinEOF:
			c.mu.Lock()
			p := c.stdins[f.ID]
			c.mu.Unlock()
			if p != nil {
				p.feed(f.Stdin, f.StdinEOF)
			}
		case f.Subscribe:
			c.mu.Lock()
			c.subbed = true
			c.mu.Unlock()
			c.send(frame{ID: f.ID, Done: true})
		case f.Call != "":
			ctx := c.track(f.ID)
			calls.Add(1)
			go func() { defer calls.Done(); c.call(ctx, f) }()
		case f.Exec != nil:
			ctx := c.track(f.ID)
			p := newStdinPipe(func() { c.send(frame{ID: f.ID, WantStdin: true}) })
			c.mu.Lock()
			c.stdins[f.ID] = p
			c.mu.Unlock()
			calls.Add(1)
			go func() { defer calls.Done(); c.exec(ctx, f, p) }()
		default:
			c.send(frame{ID: f.ID, Error: &WireError{Code: CodeRefused, Message: "a request Avault does not understand"}})
		}
	}
}

// track registers a cancellable context for request id.
func (c *conn) track(id uint64) context.Context {
	ctx, cancel := context.WithCancel(c.ctx)
	c.mu.Lock()
	c.calls[id] = cancel
	c.mu.Unlock()
	return ctx
}

func (c *conn) untrack(id uint64) {
	c.mu.Lock()
	if cancel := c.calls[id]; cancel != nil {
		cancel()
	}
	delete(c.calls, id)
	delete(c.stdins, id)
	c.mu.Unlock()
}

func (c *conn) call(ctx context.Context, f frame) {
	defer c.untrack(f.ID)
	if c.s.handler.Call == nil {
		c.send(frame{ID: f.ID, Error: &WireError{Code: CodeRefused, Message: "this Avault takes no calls"}})
		return
	}
	out, err := c.s.handler.Call(ctx, f.Call, f.Args)
	if err != nil {
		c.send(frame{ID: f.ID, Error: wireError(ctx, err)})
		return
	}
	if out == nil {
		out = json.RawMessage("null")
	}
	c.send(frame{ID: f.ID, Result: out})
}

func wireError(ctx context.Context, err error) *WireError {
	code := CodeFailed
	switch {
	case errors.Is(err, ErrUnknownMethod):
		code = CodeUnknown
	case errors.Is(err, ErrBadArguments):
		code = CodeBadArgs
	case ctx.Err() != nil && errors.Is(err, context.Canceled):
		code = CodeCanceled
	}
	return &WireError{Code: code, Message: err.Error()}
}

func (c *conn) exec(ctx context.Context, f frame, stdin *stdinPipe) {
	defer c.untrack(f.ID)
	defer stdin.feed(nil, true)
	if c.s.handler.Exec == nil {
		c.send(frame{ID: f.ID, Error: &WireError{Code: CodeRefused, Message: "this Avault runs no commands"}})
		return
	}
	stdout := streamWriter{c: c, id: f.ID}
	stderr := streamWriter{c: c, id: f.ID, err: true}
	code := c.s.handler.Exec(ctx, *f.Exec, stdin, stdout, stderr)
	c.send(frame{ID: f.ID, Exit: &code})
}

func (c *conn) control(f frame) {
	var (
		reply string
		err   error
	)
	switch f.Control {
	case ControlOpen:
		if c.s.handler.Open == nil {
			err = errors.New("this Avault has no window to show")
		} else {
			reply, err = c.s.handler.Open()
		}
	case ControlQuit:
		if c.s.handler.Quit == nil {
			err = errors.New("this Avault cannot be quit from here")
		} else {
			c.s.handler.Quit()
			reply = "quitting"
		}
	default:
		err = errors.New("unknown control " + f.Control)
	}
	if err != nil {
		c.send(frame{ID: f.ID, Error: &WireError{Code: CodeFailed, Message: err.Error()}})
		return
	}
	data, _ := json.Marshal(reply)
	c.send(frame{ID: f.ID, Result: data})
}

// streamWriter sends what a command writes as stdout or stderr frames.
type streamWriter struct {
	c   *conn
	id  uint64
	err bool
}

func (w streamWriter) Write(p []byte) (int, error) {
	b := append([]byte(nil), p...)
	f := frame{ID: w.id, Stdout: b}
	if w.err {
		f = frame{ID: w.id, Stderr: b}
	}
	if !w.c.send(f) {
		return 0, ErrClosed
	}
	return len(p), nil
}

// stdinPipe is a command's standard input, fed by the client once the
// command first reads it. Feeding never blocks the connection: what the
// command has not read yet waits in a buffer.
type stdinPipe struct {
	want func()
	once sync.Once

	mu   sync.Mutex
	cond *sync.Cond
	buf  []byte
	eof  bool
}

func newStdinPipe(want func()) *stdinPipe {
	p := &stdinPipe{want: want}
	p.cond = sync.NewCond(&p.mu)
	return p
}

func (p *stdinPipe) Read(b []byte) (int, error) {
	p.once.Do(p.want)
	p.mu.Lock()
	defer p.mu.Unlock()
	for len(p.buf) == 0 && !p.eof {
		p.cond.Wait()
	}
	if len(p.buf) == 0 {
		return 0, io.EOF
	}
	n := copy(b, p.buf)
	p.buf = p.buf[n:]
	return n, nil
}

// feed adds what the client sent; eof ends the input (also when the
// command has ended, so a reader never waits for ever).
func (p *stdinPipe) feed(b []byte, eof bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	if p.eof {
		return
	}
	p.buf = append(p.buf, b...)
	p.eof = eof
	p.cond.Broadcast()
}

func readFrame(r *bufio.Reader) (frame, error) {
	var f frame
	line, err := readLine(r)
	if err != nil {
		return f, err
	}
	if err := json.Unmarshal(line, &f); err != nil {
		return f, err
	}
	return f, nil
}

// readLine reads one line of at most maxFrame bytes.
func readLine(r *bufio.Reader) ([]byte, error) {
	var buf []byte
	for {
		chunk, err := r.ReadSlice('\n')
		buf = append(buf, chunk...)
		if len(buf) > maxFrame {
			return nil, errors.New("ipc: frame too long")
		}
		if err == nil {
			return buf, nil
		}
		if !errors.Is(err, bufio.ErrBufferFull) {
			return nil, err
		}
	}
}
