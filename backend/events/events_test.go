package events

import (
	"testing"
	"time"
)

func TestThrottleLimitsRateAndKeepsTheLast(t *testing.T) {
	clock := time.Unix(0, 0)
	th := NewThrottle(250 * time.Millisecond)
	th.now = func() time.Time { return clock }
	var sent []int
	for i := 0; i < 100; i++ { // 100 events over one second
		i := i
		th.Do(func() { sent = append(sent, i) })
		clock = clock.Add(10 * time.Millisecond)
	}
	if len(sent) > 5 {
		t.Fatalf("sent %d events in 1s, want at most 5 (%v)", len(sent), sent)
	}
	th.Flush()
	if got := sent[len(sent)-1]; got != 99 {
		t.Fatalf("last event sent = %d, want the final one (99)", got)
	}
	th.Flush()
	if sent[len(sent)-1] != 99 || len(sent) > 6 {
		t.Fatal("a second Flush must not resend")
	}
}

type recorder struct{ names []string }

func (r *recorder) Emit(name string, _ any) { r.names = append(r.names, name) }

func TestMultiSendsToAll(t *testing.T) {
	a, b := &recorder{}, &recorder{}
	Multi{a, b, Discard{}}.Emit(BackupStatus, Status{})
	if len(a.names) != 1 || len(b.names) != 1 {
		t.Fatalf("a=%v b=%v", a.names, b.names)
	}
}
