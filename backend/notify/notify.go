// Package notify tells people when a backup went wrong: a desktop
// notification (org.freedesktop.Notifications on Linux) and a webhook
// (a JSON POST suitable for ntfy or Healthchecks), behind one small
// Notifier interface, and the messages for finished runs and overdue
// backups.
//
// Nothing this package sends contains a secret: messages are built from
// run records with Redact applied to every error text, and the webhook's
// URL and headers never appear in its errors.
package notify

import (
	"context"
	"errors"
	"time"

	"github.com/avault/avault/backend/job"
)

// Notifier delivers a message. Notify returns when the message has been
// handed over or has failed, and gives up when ctx ends.
type Notifier interface {
	Notify(ctx context.Context, m Message) error
}

// Urgency is how much a message asks for attention, by the desktop
// notification specification's levels.
type Urgency string

// The urgencies. The empty Urgency counts as UrgencyNormal.
const (
	UrgencyLow      Urgency = "low"
	UrgencyNormal   Urgency = "normal"
	UrgencyCritical Urgency = "critical"
)

// Event says what a message is about; webhook receivers switch on it.
type Event string

// The events.
const (
	EventFailed    Event = "backup.failed"
	EventPartial   Event = "backup.partial"
	EventSucceeded Event = "backup.succeeded"
	EventStale     Event = "backup.stale"
)

// Counts are a run's file and byte counts, as a webhook receiver sees
// them.
type Counts struct {
	FilesScanned  int64 `json:"filesScanned"`
	FilesUploaded int64 `json:"filesUploaded"`
	FilesCopied   int64 `json:"filesCopied"`
	FilesSkipped  int64 `json:"filesSkipped"`
	FilesFailed   int64 `json:"filesFailed"`
	BytesUploaded int64 `json:"bytesUploaded"`
}

// Message is one notification. Title and Body are what a person reads;
// the other fields let a receiver act on it. Build one with ForRun or
// ForStale, or fill in at least Title.
type Message struct {
	Event   Event
	Title   string
	Body    string
	Urgency Urgency
	JobID   string
	JobName string
	RunID   string
	Status  job.Status // a run's final status; empty for EventStale
	Counts  *Counts    // nil when not about a run
	Time    time.Time  // when it happened; the zero time means now
}

// Multi returns a Notifier that hands each message to every one of ns and
// returns their errors joined.
func Multi(ns ...Notifier) Notifier { return multi(ns) }

type multi []Notifier

func (m multi) Notify(ctx context.Context, msg Message) error {
	var errs []error
	for _, n := range m {
		if err := n.Notify(ctx, msg); err != nil {
			errs = append(errs, err)
		}
	}
	return errors.Join(errs...)
}
