package ipc

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"sync"
	"time"
)

// Client is a connection to the background process.
type Client struct {
	nc     net.Conn
	mine   Hello
	server Hello

	wmu sync.Mutex
	enc *json.Encoder

	mu      sync.Mutex
	nextID  uint64
	pending map[uint64]chan frame
	onEvent func(name string, data json.RawMessage)
	err     error
	done    chan struct{}
}

// Dial connects to the background process of data folder dir and
// exchanges hellos. It fails when nothing listens there; a server of
// another build is connected all the same: Check says so.
func Dial(ctx context.Context, dir string, hello Hello) (*Client, error) {
	if _, ok := ctx.Deadline(); !ok {
		var cancel context.CancelFunc
		ctx, cancel = context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
	}
	nc, err := dial(ctx, dir)
	if err != nil {
		return nil, err
	}
	hello.Protocol = Protocol
	hello.PID = pid()
	c := &Client{nc: nc, mine: hello, enc: json.NewEncoder(nc), pending: map[uint64]chan frame{}, done: make(chan struct{})}
	if dl, ok := ctx.Deadline(); ok {
		_ = nc.SetDeadline(dl)
	}
	r := bufio.NewReaderSize(nc, 64<<10)
	if err := c.enc.Encode(frame{Hello: &hello}); err != nil {
		nc.Close()
		return nil, fmt.Errorf("greet Avault's background process: %w", err)
	}
	f, err := readFrame(r)
	if err != nil || f.Hello == nil {
		nc.Close()
		if err == nil {
			err = errors.New("it did not say hello")
		}
		return nil, fmt.Errorf("greet Avault's background process: %w", err)
	}
	_ = nc.SetDeadline(time.Time{})
	c.server = *f.Hello
	go c.readLoop(r)
	return c, nil
}

// Server is what the background process said of itself.
func (c *Client) Server() Hello { return c.server }

// Check returns a *MismatchError when the background process is another
// build: then only controls (open, quit) work.
func (c *Client) Check() error { return c.server.Compatible(c.mine) }

// Done is closed when the connection ends.
func (c *Client) Done() <-chan struct{} { return c.done }

// Err is why the connection ended (ErrClosed when it was closed).
func (c *Client) Err() error {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.err
}

// Close ends the connection.
func (c *Client) Close() error {
	c.fail(ErrClosed)
	return nil
}

func (c *Client) fail(err error) {
	c.mu.Lock()
	if c.err != nil {
		c.mu.Unlock()
		return
	}
	c.err = err
	c.mu.Unlock()
	c.nc.Close()
	close(c.done)
}

func (c *Client) readLoop(r *bufio.Reader) {
	for {
		f, err := readFrame(r)
		if err != nil {
			c.fail(ErrClosed)
			return
		}
		if f.Event != "" {
			c.mu.Lock()
			on := c.onEvent
			c.mu.Unlock()
			if on != nil {
				on(f.Event, f.Data)
			}
			continue
		}
		c.mu.Lock()
		ch := c.pending[f.ID]
		c.mu.Unlock()
		if ch != nil {
			ch <- f // buffered and drained by the request's owner
		}
	}
}

// request sends f with a new id and returns the channel of its answers.
func (c *Client) request(f frame, buffer int) (uint64, chan frame, error) {
	ch := make(chan frame, buffer)
	c.mu.Lock()
	if c.err != nil {
		err := c.err
		c.mu.Unlock()
		return 0, nil, err
	}
	c.nextID++
	id := c.nextID
	c.pending[id] = ch
	c.mu.Unlock()
	f.ID = id
	if err := c.write(f); err != nil {
		c.forget(id)
		return 0, nil, err
	}
	return id, ch, nil
}

func (c *Client) forget(id uint64) {
	c.mu.Lock()
	delete(c.pending, id)
	c.mu.Unlock()
}

func (c *Client) write(f frame) error {
	c.wmu.Lock()
	defer c.wmu.Unlock()
	_ = c.nc.SetWriteDeadline(time.Now().Add(writeTimeout))
	if err := c.enc.Encode(f); err != nil {
		c.fail(ErrClosed)
		return ErrClosed
	}
	return nil
}

// CallRaw calls method with args (a JSON array) and returns the JSON of
// its result. When ctx ends the call is cancelled in the background
// process too, and CallRaw returns ctx's error.
func (c *Client) CallRaw(ctx context.Context, method string, args json.RawMessage) (json.RawMessage, error) {
	if len(args) == 0 {
		args = json.RawMessage("[]")
	}
	id, ch, err := c.request(frame{Call: method, Args: args}, 1)
	if err != nil {
		return nil, err
	}
	defer c.forget(id)
	select {
	case <-c.done:
		return nil, ErrClosed
	case f := <-ch:
		if f.Error != nil {
			return nil, &RemoteError{Code: f.Error.Code, Message: f.Error.Message}
		}
		return f.Result, nil
	case <-ctx.Done():
		_ = c.write(frame{ID: id, Cancel: true})
		return nil, ctx.Err()
	}
}

// Call calls method with args and decodes its result into out (nil
// discards it).
func (c *Client) Call(ctx context.Context, method string, out any, args ...any) error {
	if args == nil {
		args = []any{}
	}
	raw, err := json.Marshal(args)
	if err != nil {
		return fmt.Errorf("encode the arguments of %s: %w", method, err)
	}
	res, err := c.CallRaw(ctx, method, raw)
	if err != nil || out == nil {
		return err
	}
	if err := json.Unmarshal(res, out); err != nil {
		return fmt.Errorf("read the result of %s: %w", method, err)
	}
	return nil
}

// Subscribe asks for the service's events; on is called for each, in
// order, on the connection's reading goroutine (it must not block long).
func (c *Client) Subscribe(ctx context.Context, on func(name string, data json.RawMessage)) error {
	c.mu.Lock()
	c.onEvent = on
	c.mu.Unlock()
	return c.await(ctx, frame{Subscribe: true}, nil)
}

// OnEvent sets what receives events sent to this client without a
// subscription (a window's EventShow and EventQuit).
func (c *Client) OnEvent(on func(name string, data json.RawMessage)) {
	c.mu.Lock()
	c.onEvent = on
	c.mu.Unlock()
}

// Control sends a control (ControlOpen, ControlQuit) and returns the reply.
// It works whatever the server's build.
func (c *Client) Control(ctx context.Context, control string) (string, error) {
	var reply string
	err := c.await(ctx, frame{Control: control}, &reply)
	return reply, err
}

func (c *Client) await(ctx context.Context, f frame, out any) error {
	id, ch, err := c.request(f, 1)
	if err != nil {
		return err
	}
	defer c.forget(id)
	select {
	case <-c.done:
		return ErrClosed
	case f := <-ch:
		if f.Error != nil {
			return &RemoteError{Code: f.Error.Code, Message: f.Error.Message}
		}
		if out != nil && f.Result != nil {
			return json.Unmarshal(f.Result, out)
		}
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Exec runs a command line in the background process with this process's
// standard streams and returns its exit code. When ctx ends (Ctrl-C) the
// command is interrupted there and Exec waits for it to finish, as the
// command would have on its own.
func (c *Client) Exec(ctx context.Context, e Exec, stdin io.Reader, stdout, stderr io.Writer) (int, error) {
	id, ch, err := c.request(frame{Exec: &e}, 256)
	if err != nil {
		return 0, err
	}
	defer c.forget(id)
	interrupted := false
	stdinStarted := false
	for {
		select {
		case <-c.done:
			return 0, ErrClosed
		case f := <-ch:
			switch {
			case f.Error != nil:
				return 0, &RemoteError{Code: f.Error.Code, Message: f.Error.Message}
			case f.Exit != nil:
				return *f.Exit, nil
			case f.WantStdin && !stdinStarted:
				stdinStarted = true
				go c.pumpStdin(id, stdin)
			case f.Stdout != nil:
				_, _ = stdout.Write(f.Stdout)
			case f.Stderr != nil:
				_, _ = stderr.Write(f.Stderr)
			}
		case <-ctx.Done():
			if !interrupted {
				interrupted = true
				_ = c.write(frame{ID: id, Cancel: true})
			}
			ctx = context.Background()
		}
	}
}

func (c *Client) pumpStdin(id uint64, stdin io.Reader) {
	if stdin == nil {
		_ = c.write(frame{ID: id, StdinEOF: true})
		return
	}
	buf := make([]byte, 32<<10)
	for {
		n, err := stdin.Read(buf)
		if n > 0 {
			if c.write(frame{ID: id, Stdin: append([]byte(nil), buf[:n]...)}) != nil {
				return
			}
		}
		if err != nil {
			_ = c.write(frame{ID: id, StdinEOF: true})
			return
		}
	}
}
