package schedule

import "sync"

// outbox delivers callbacks one at a time, in the order they were pushed,
// on its own goroutine. The Scheduler pushes while holding its lock and
// never calls out with it held, so a callback may call the Scheduler, and
// two reports for one job cannot arrive out of order.
type outbox struct {
	mu      sync.Mutex
	cond    *sync.Cond
	queue   []func()
	busy    bool // a callback is running
	running bool // run has been started and has not returned
	closed  bool
}

func newOutbox() *outbox {
	o := &outbox{}
	o.cond = sync.NewCond(&o.mu)
	return o
}

// push queues f; after close it drops f.
func (o *outbox) push(f func()) {
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.closed {
		return
	}
	o.queue = append(o.queue, f)
	o.cond.Broadcast()
}

// run delivers queued callbacks until close.
func (o *outbox) run() {
	o.mu.Lock()
	o.running = true
	for {
		for len(o.queue) == 0 && !o.closed {
			o.cond.Wait()
		}
		if o.closed {
			o.running = false
			o.cond.Broadcast()
			o.mu.Unlock()
			return
		}
		f := o.queue[0]
		o.queue[0] = nil
		o.queue = o.queue[1:]
		o.busy = true
		o.mu.Unlock()
		f()
		o.mu.Lock()
		o.busy = false
		o.cond.Broadcast()
	}
}

// close drops what is queued and waits for a callback in progress.
func (o *outbox) close() {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.closed = true
	o.queue = nil
	o.cond.Broadcast()
	for o.running {
		o.cond.Wait()
	}
}

// waitIdle waits until everything queued has been delivered.
func (o *outbox) waitIdle() {
	o.mu.Lock()
	defer o.mu.Unlock()
	for (len(o.queue) > 0 || o.busy) && !o.closed {
		o.cond.Wait()
	}
}
