package web

import (
	"fmt"
	"net/http"
	"time"
)

// handleEvents streams the hub's events until the browser leaves, falls
// behind, or the server shuts down. An EventSource cannot send headers, so
// it presents a single-use ticket from /api/events/ticket instead.
func (s *Server) handleEvents(w http.ResponseWriter, r *http.Request) {
	if !s.auth.redeem(r.URL.Query().Get("ticket")) {
		writeError(w, http.StatusUnauthorized, "the event stream needs a fresh ticket from /api/events/ticket")
		return
	}
	rc := http.NewResponseController(w)
	// The server's read timeout is for requests, not for a stream that
	// stays open for hours: without this the stream would end after it.
	_ = rc.SetReadDeadline(time.Time{})
	events, cancel := s.hub.Subscribe()
	defer cancel()
	// The end of the response is written after this returns; give it a
	// deadline of its own, not what is left of the last event's.
	defer func() { _ = rc.SetWriteDeadline(time.Now().Add(s.streamWriteTimeout)) }()

	h := w.Header()
	h.Set("Content-Type", "text/event-stream")
	h.Set("X-Accel-Buffering", "no")
	w.WriteHeader(http.StatusOK)
	send := func(format string, args ...any) bool {
		_ = rc.SetWriteDeadline(time.Now().Add(s.streamWriteTimeout))
		if _, err := fmt.Fprintf(w, format, args...); err != nil {
			return false
		}
		return rc.Flush() == nil
	}
	if !send(": connected\n\n") {
		return
	}
	beat := time.NewTicker(s.opts.Heartbeat)
	defer beat.Stop()
	for {
		select {
		case <-r.Context().Done():
			return
		case <-s.shutdown.Done():
			return
		case <-beat.C:
			if !send(": ping\n\n") {
				return
			}
		case ev, ok := <-events:
			if !ok {
				return // fell behind: the browser reconnects and reloads
			}
			if !send("event: %s\ndata: %s\n\n", ev.Name, ev.Data) {
				return
			}
		}
	}
}
