package gdrive

import (
	"fmt"
	"sync"
	"time"
)

// Google's daily upload cap (750 GB a day) and its limit on creations
// (about three a second, sustained) may answer in the same words: 403
// userRateLimitExceeded, "User rate limit exceeded." What tells them apart
// is how long the refusals last. A rate limit lets some uploads through
// within seconds, or minutes at worst; the cap refuses every upload until
// it resets. So a refused upload is tried again, waiting longer each time
// (up to a few minutes), and only once every upload of the destination has
// been refused so for Options.Patience (12 minutes), none going through in
// between, are the refusals taken for the cap. The DailyCapError then says
// for how long and how often, which the run's log and history show.

// capWatch follows the refusals in the cap's words across all the
// uploads of a destination.
type capWatch struct {
	mu       sync.Mutex
	since    time.Time // the first refusal since an upload last went through
	last     time.Time // the latest refusal
	refusals int
}

// refused records a refusal at now. It returns the reason for taking the
// refusals for the daily cap once they have lasted patience, or "".
// Refusals more than patience apart (a run that waited meanwhile) start
// the count again.
func (w *capWatch) refused(now time.Time, patience time.Duration) string {
	w.mu.Lock()
	defer w.mu.Unlock()
	if w.since.IsZero() || now.Sub(w.last) > patience {
		w.since, w.refusals = now, 0
	}
	w.last = now
	w.refusals++
	lasted := now.Sub(w.since)
	if lasted < patience {
		return ""
	}
	return fmt.Sprintf(`taken for the daily limit because Google answered every upload with "User rate limit exceeded." `+
		`for %s (%d times, none went through); a rate limit in the same words lets uploads through within minutes`,
		lasted.Round(time.Second), w.refusals)
}

// passed records an upload that went through: what refused the others
// was not the cap.
func (w *capWatch) passed() {
	w.mu.Lock()
	defer w.mu.Unlock()
	w.since, w.last, w.refusals = time.Time{}, time.Time{}, 0
}
