package schedule

import (
	"time"

	"github.com/jonboulle/clockwork"
)

// Start begins firing: it starts gocron, arms a gocron job for each enabled
// job, and starts the loop. Runs missed while Avault was closed are caught
// up after the catch-up delay. Start after Start or Stop does nothing.
func (s *Scheduler) Start() {
	s.mu.Lock()
	if s.started || s.stopped {
		s.mu.Unlock()
		return
	}
	s.started = true
	now := s.clock.Now()
	s.prev, s.deadline = now, now
	s.holdLocked(now)
	s.rebuild = true
	s.mu.Unlock()
	go s.out.run()
	wait, _ := s.step()
	timer := s.clock.NewTimer(wait)
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
	s.engineMu.Lock() // lets a syncEngine under way finish first
	if s.engine != nil {
		if err := s.engine.Shutdown(); err != nil {
			s.log.Warn("schedule: stopping gocron", "err", err)
		}
	}
	s.engineMu.Unlock()
	s.out.close()
}

// loop waits for the timer, a change, a gocron firing or a stop, and
// ticks. A request to tick now (from tests) is answered once the loop has
// nothing left to wait for at the current time: every gocron firing due
// has been taken, and what it triggers has been queued.
func (s *Scheduler) loop(timer clockwork.Timer) {
	defer close(s.done)
	defer timer.Stop()
	var replies []chan struct{}
	defer func() {
		for _, r := range replies {
			close(r)
		}
	}()
	for {
		select {
		case <-s.quit:
			return
		case <-s.pokeCh:
		case r := <-s.syncReq:
			replies = append(replies, r)
		case <-timer.Chan():
		}
		wait, settled := s.step()
		if !timer.Stop() {
			select { // a fake clock's timer may hold a value already
			case <-timer.Chan():
			default:
			}
		}
		timer.Reset(wait)
		if settled {
			for _, r := range replies {
				close(r)
			}
			replies = nil
		}
	}
}

// step ticks, then brings gocron's jobs in line with what the tick
// decided. settled is false while the tick waits for a gocron firing.
func (s *Scheduler) step() (wait time.Duration, settled bool) {
	wait, settled = s.tick()
	s.syncEngine()
	return wait, settled
}

// tick notices clock jumps, takes gocron's firings, fires what is due, and
// returns how long the timer should wait. While a job's time has come and
// gocron is still to fire it, it decides nothing, so that jobs due at the
// same time are triggered together, in order.
func (s *Scheduler) tick() (wait time.Duration, settled bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.clock.Now()
	jumped := s.noticeJumpLocked(now)
	for _, e := range s.jobs {
		s.takeFiringsLocked(e, now)
	}
	settled = jumped || !s.awaitingLocked(now)
	if settled {
		for _, id := range s.sortedIDs() {
			s.advanceLocked(id, s.jobs[id], now)
		}
	}
	wait = s.waitLocked(now)
	s.prev, s.deadline = now, now.Add(wait)
	return wait, settled
}

// noticeJumpLocked compares the wall clock with the monotonic clock, and
// the time now with the time the timer was due, and reports a jump. A
// forward jump (a resume from sleep, or the clock set ahead) holds
// catch-ups for the catch-up delay; after any jump every gocron job is
// replaced (its timer, on the monotonic clock, no longer fires at the
// wall-clock time it stands for), and the loop decides the times that are
// due itself: those missed in a forward jump are handled by advanceLocked
// as missed. After the clock went back, a pending catch-up waits no longer
// than the catch-up delay from now: the time it was set for, read on the
// clock before the jump, would make it wait as long again as the clock
// went back.
func (s *Scheduler) noticeJumpLocked(now time.Time) bool {
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
				e.next, e.delivered = s.nextAfter(e, now), false
			}
		}
	default:
		return false
	}
	for _, e := range s.jobs {
		if e.enabled {
			s.rearmLocked(e)
		}
	}
	return true
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
// catch-up when the job wants one, and a catch-up that is due fires. A
// time gocron fired for counts as noticed when the loop took the firing.
// When the job's next time then differs from the one its gocron job fires
// at, the gocron job is replaced.
func (s *Scheduler) advanceLocked(id string, e *entry, now time.Time) {
	if !e.enabled {
		return
	}
	if !e.next.IsZero() && !e.next.After(now) {
		slot, noticed := e.next, now
		if e.delivered {
			noticed = e.firedAt
		}
		switch {
		case s.paused || noticed.Sub(slot) > lateTolerance:
			s.missLocked(id, e, slot, now)
		default:
			s.fireLocked(id, e, KindSchedule, now)
		}
		e.next, e.delivered = s.nextAfter(e, now), false
		if !e.armed.Equal(e.next) {
			s.rearmLocked(e)
		}
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
// watchdog interval. A time that has come but that gocron is still to fire
// is due again once it is late: if gocron has not fired it by then, it
// counts as missed.
func (s *Scheduler) waitLocked(now time.Time) time.Duration {
	wait := watchdogInterval
	soonest := func(at time.Time) {
		if d := at.Sub(now); !at.IsZero() && d > 0 && d < wait {
			wait = d
		}
	}
	for _, e := range s.jobs {
		if !e.enabled {
			continue
		}
		if e.next.After(now) {
			soonest(e.next) // even while paused, to note the time as missed
		} else if !e.next.IsZero() {
			soonest(e.next.Add(lateTolerance + time.Nanosecond))
		}
		if !s.paused {
			soonest(e.catchUpAt)
		}
	}
	return wait
}
