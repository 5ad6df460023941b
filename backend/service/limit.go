package service

import (
	"golang.org/x/time/rate"
)

// newUploadLimiter returns the limiter that every run of this service
// shares, without a limit until setUploadLimit sets one.
func newUploadLimiter() *rate.Limiter { return rate.NewLimiter(rate.Inf, 0) }

// setUploadLimit makes l pace bytesPerSec (0: no limit). Runs going on
// follow the new limit from their next read. The burst, the most sent at
// once, is an eighth of a second's worth, at least 16 KiB and at most
// 4 MiB: small enough to keep the link smooth, large enough to keep reads
// efficient.
func setUploadLimit(l *rate.Limiter, bytesPerSec int64) {
	if bytesPerSec <= 0 {
		l.SetLimit(rate.Inf)
		return
	}
	l.SetBurst(int(min(max(bytesPerSec/8, 16<<10), 4<<20)))
	l.SetLimit(rate.Limit(bytesPerSec))
}
