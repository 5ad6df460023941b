package schedule

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// Start begins firing. Runs missed while Avault was closed are caught up
// after the catch-up delay. Start after Start or Stop does nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	if s.started {
		s.mu.Unlock()
		return
	}
	s.started = true
	now := s.clock.Now()
	s.prev, s.deadline = now, now
	s.holdLocked(now)
	s.mu.Unlock()
	go s.out.run()
	timer := s.clock.NewTimer(s.tick())
	go s.loop(timer)
}

// Stop ends firing. It waits for a callback in progress to return and
// drops those not yet delivered; afterwards no callback runs. Stop must
// not be called from a callback.
func (s *Scheduler) Stop() {
	s.mu.Lock()
	if !s.started || s.stopped {
		s.stopped = true
		s.mu.Unlock()
		return
	}
	s.stopped = true
	s.mu.Unlock()
	close(s.quit)
	<-s.done
	s.out.close()
}

// loop waits for the timer, a change or a stop, and ticks.
func (s *Scheduler) loop(timer clockwork.Timer) {
	defer close(s.done)
	defer timer.Stop()
	for {
		var reply chan struct{}
		select {
		case <-s.quit:
			return
		case <-s.pokeCh:
		case reply = <-s.syncReq:
		case <-timer.Chan():
		}
		wait := s.tick()
		if !timer.Stop() {
			select { // a fake clock's timer may hold a value already
			case <-timer.Chan():
			default:
			}
		}
		timer.Reset(wait)
		if reply != nil {
			close(reply)
		}
	}
}

// tick notices clock jumps, fires what is due, and returns how long the
// timer should wait.
func (s *Scheduler) tick() time.Duration {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	s.noticeJumpLocked(now)
	for _, id := range s.sortedIDs() {
		s.advanceLocked(id, s.jobs[id], now)
	}
	wait := s.waitLocked(now)
	s.prev, s.deadline = now, now.Add(wait)
	return wait
}

// noticeJumpLocked compares the wall clock with the monotonic clock, and
// the time now with the time the timer was due. A forward jump (a resume
// from sleep, or the clock set ahead) holds catch-ups for the catch-up
// delay; any jump re-arms every job from the wall clock. Times missed in a
// forward jump are then handled by advanceLocked as missed. After the
// clock went back, a pending catch-up waits no longer than the catch-up
// delay from now: the time it was set for, read on the clock before the
// jump, would make it wait as long again as the clock went back.
func (s *Scheduler) noticeJumpLocked(now time.Time) {
	wall := now.Round(0).Sub(s.prev.Round(0))
	mono := now.Sub(s.prev) // equals wall when either lacks a monotonic reading
	late := now.Round(0).Sub(s.deadline.Round(0))
	skew := wall - mono
	switch {
	case skew > jumpSlack || late > jumpSlack:
		s.log.Info("schedule: the clock jumped ahead (resume from sleep?); catching up and re-arming",
			"wall", wall.Round(time.Second), "monotonic", mono.Round(time.Second))
		s.holdLocked(now)
	case skew < -jumpSlack || wall < -jumpSlack:
		s.log.Info("schedule: the clock went back; re-arming", "by", (-wall).Round(time.Second))
		limit := now.Add(s.delay)
		if s.holdUntil.After(limit) {
			s.holdUntil = limit
		}
		for _, e := range s.jobs {
			if e.catchUpAt.After(limit) {
				e.catchUpAt = limit
			}
			if e.enabled {
				e.next = s.nextAfter(e, now)
			}
		}
	}
}

// holdLocked makes catch-ups wait for the catch-up delay from now, after a
// start or a wake.
func (s *Scheduler) holdLocked(now time.Time) {
	s.holdUntil = now.Add(s.delay)
	for _, e := range s.jobs {
		if !e.catchUpAt.IsZero() && e.catchUpAt.Before(s.holdUntil) {
			e.catchUpAt = s.holdUntil
		}
	}
}

// advanceLocked handles one job at now: a scheduled time that has come
// fires, one noticed too late (or while paused) is missed and becomes a
// catch-up when the job wants one, and a catch-up that is due fires.
func (s *Scheduler) advanceLocked(id string, e *entry, now time.Time) {
	if !e.enabled {
		return
	}
	if !e.next.IsZero() && !e.next.After(now) {
		slot := e.next
		switch {
		case s.paused || now.Sub(slot) > lateTolerance:
			s.missLocked(id, e, slot, now)
		default:
			s.fireLocked(id, e, KindSchedule, now)
		}
		e.next = s.nextAfter(e, now)
		s.reportLocked(id, e)
	}
	if !s.paused && !e.catchUpAt.IsZero() && !e.catchUpAt.After(now) {
		s.fireLocked(id, e, KindCatchUp, now)
	}
}

// missLocked records a scheduled time that passed without a run.
func (s *Scheduler) missLocked(id string, e *entry, slot, now time.Time) {
	if !e.catchUp {
		s.log.Info("schedule: missed a scheduled run; catch-up is off for this job", "job", id, "at", slot)
		return
	}
	if e.catchUpAt.IsZero() {
		e.catchUpAt = s.catchUpTime(now)
		s.log.Info("schedule: missed a scheduled run; it will be caught up", "job", id, "at", slot, "catchUpAt", e.catchUpAt)
	}
}

// fireLocked queues a Trigger call. A run of any kind satisfies a pending
// catch-up.
func (s *Scheduler) fireLocked(id string, e *entry, kind Kind, now time.Time) {
	e.last, e.catchUpAt = now, time.Time{}
	s.out.push(func() { s.trigger(id, kind) })
}

// waitLocked returns how long until the next thing is due, at most the
// watchdog interval.
func (s *Scheduler) waitLocked(now time.Time) time.Duration {
	wait := watchdogInterval
	soonest := func(at time.Time) {
		if d := at.Sub(now); !at.IsZero() && d < wait {
			wait = d
		}
	}
	for _, e := range s.jobs {
		if !e.enabled {
			continue
		}
		soonest(e.next) // even while paused, to note the time as missed
		if !s.paused {
			soonest(e.catchUpAt)
		}
	}
	return max(wait, 0)
}
