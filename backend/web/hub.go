package web

import (
	"encoding/json"
	"errors"
	"log/slog"
	"sync"
	"sync/atomic"
)

// EventBrowserOpen asks the page to show an address to the person, with
// the payload {"url": "..."}: the web mode's way of opening Google's
// sign-in page, which the desktop app opens in the system browser.
const EventBrowserOpen = "browser:open"

// Event is one event as the stream sends it: its name and its payload's JSON.
type Event struct {
	Name string
	Data json.RawMessage
}

// Hub fans the service's events out to the browsers listening on the event
// stream. It implements events.Emitter. Emit never blocks: each subscriber
// has a bounded buffer, and a subscriber whose buffer is full is cut off
// (its channel is closed) rather than made to wait. The browser then
// reconnects and reloads what it shows, so a slow client misses nothing
// for long and never slows a backup down.
type Hub struct {
	buffer  int
	log     *slog.Logger
	mu      sync.Mutex
	subs    map[*subscriber]struct{}
	dropped atomic.Int64
}

type subscriber struct {
	ch     chan Event
	closed bool
}

// NewHub returns a hub whose subscribers each buffer up to buffer events
// (256 when zero or less).
func NewHub(buffer int) *Hub {
	if buffer <= 0 {
		buffer = 256
	}
	return &Hub{buffer: buffer, log: slog.Default(), subs: map[*subscriber]struct{}{}}
}

// Emit implements events.Emitter: the payload is encoded once and offered
// to every subscriber without waiting.
func (h *Hub) Emit(name string, payload any) {
	data, err := json.Marshal(payload)
	if err != nil {
		h.log.Error("web: event payload cannot be encoded", "event", name, "err", err)
		return
	}
	ev := Event{Name: name, Data: data}
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs {
		select {
		case s.ch <- ev:
		default:
			h.dropped.Add(1)
			h.drop(s)
		}
	}
}

// Subscribe returns a channel of events and a function that ends the
// subscription. The channel is closed when the subscriber falls behind or
// after cancel.
func (h *Hub) Subscribe() (<-chan Event, func()) {
	s := &subscriber{ch: make(chan Event, h.buffer)}
	h.mu.Lock()
	h.subs[s] = struct{}{}
	h.mu.Unlock()
	return s.ch, func() {
		h.mu.Lock()
		h.drop(s)
		h.mu.Unlock()
	}
}

// OpenURL shows url to the person through the page (EventBrowserOpen).
// It fails when no page listens, so the caller can say so instead of waiting.
func (h *Hub) OpenURL(url string) error {
	if h.Subscribers() == 0 {
		return errors.New("no browser is connected to show the sign-in page")
	}
	h.Emit(EventBrowserOpen, map[string]string{"url": url})
	return nil
}

// Subscribers returns how many subscribers are listening.
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	return len(h.subs)
}

// Dropped returns how many times a subscriber was cut off for falling behind.
func (h *Hub) Dropped() int64 { return h.dropped.Load() }

// drop removes s and closes its channel; h.mu is held.
func (h *Hub) drop(s *subscriber) {
	if s.closed {
		return
	}
	s.closed = true
	delete(h.subs, s)
	close(s.ch)
}
