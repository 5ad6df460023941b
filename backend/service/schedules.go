package service

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/avault/avault/backend/autostart"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/notify"
	"github.com/avault/avault/backend/schedule"
	"github.com/avault/avault/backend/store"
)

// startSchedules loads every job into the scheduler and starts it. Only
// the process that runs backups unattended (the app, the web mode) does.
func (s *Service) startSchedules() error {
	s.sched = schedule.New(schedule.Options{
		Location:  time.Local,
		Trigger:   s.scheduledRun,
		OnNextRun: s.storeNextRun,
		Logger:    s.log,
	})
	jobs, err := s.store.ListJobs()
	if err != nil {
		return err
	}
	for _, j := range jobs {
		if err := s.sched.SetJob(j); err != nil {
			s.log.Warn("schedule job", "job", j.Name, "err", err)
		}
	}
	st, err := s.store.GetSettings()
	if err != nil {
		return err
	}
	if st.SchedulesPaused {
		s.sched.Pause()
	}
	s.sched.Start()
	return nil
}

// scheduledRun queues a scheduled or catch-up run. A trigger while the job
// still runs is skipped and recorded in history, so it is never silently lost.
func (s *Service) scheduledRun(jobID string, kind schedule.Kind) {
	j, err := s.store.GetJob(jobID)
	if err != nil {
		s.log.Warn("scheduled run", "job", jobID, "err", err)
		return
	}
	_, err = s.runs.enqueue(j, kind)
	if !errors.Is(err, ErrAlreadyRunning) {
		if err != nil {
			s.log.Warn("scheduled run", "job", j.Name, "err", err)
		}
		return
	}
	run, err := s.store.CreateRun(job.Run{JobID: j.ID, JobName: j.Name, Status: job.StatusPending, Trigger: kind, StartedAt: s.now()})
	if err == nil {
		run.Finish(job.StatusCancelled, s.endOf(run), "skipped: the previous run of this job was still going")
		err = s.store.UpdateRun(run)
		s.changed("history")
	}
	if err != nil {
		s.log.Warn("record skipped run", "job", j.Name, "err", err)
	}
}

func (s *Service) storeNextRun(jobID string, next *time.Time) {
	if err := s.store.SetJobNextRun(jobID, next); err != nil && !errors.Is(err, store.ErrNotFound) {
		s.log.Warn("record next run", "job", jobID, "err", err)
		return
	}
	s.changed("jobs")
}

// jobChanged tells the window and the scheduler that a job was created,
// edited or deleted. Without a running scheduler (the command line) the
// next run time is computed and stored directly.
func (s *Service) jobChanged(id string) {
	j, err := s.store.GetJob(id)
	switch {
	case errors.Is(err, store.ErrNotFound) && s.sched != nil:
		s.sched.Remove(id)
	case err != nil:
	case s.sched != nil:
		if err := s.sched.SetJob(j); err != nil {
			s.log.Warn("schedule job", "job", j.Name, "err", err)
		}
	default:
		var next *time.Time
		if j.Enabled {
			if runs, err := schedule.NextRuns(j.Schedule, s.now(), 1, time.Local); err == nil && len(runs) == 1 {
				next = &runs[0]
			}
		}
		_ = s.store.SetJobNextRun(id, next)
	}
	s.changed("jobs")
}

func (s *Service) applyPause(pause bool) {
	if s.sched == nil {
		return
	}
	if pause {
		s.sched.Pause()
	} else {
		s.sched.Resume()
	}
}

// ScheduleInfo reads a cron expression for people: a sentence and the next runs.
type ScheduleInfo struct {
	Description string      `json:"description"`
	Next        []time.Time `json:"next"`
}

// DescribeSchedule explains a cron expression and lists its next n runs
// (1 to 20) in local time.
func (s *Service) DescribeSchedule(expr string, n int) (ScheduleInfo, error) {
	if n < 1 || n > 20 {
		return ScheduleInfo{}, fmt.Errorf("ask for 1 to 20 next runs, not %d", n)
	}
	d, err := schedule.Describe(expr)
	if err != nil {
		return ScheduleInfo{}, err
	}
	next, err := schedule.NextRuns(expr, s.now(), n, time.Local)
	return ScheduleInfo{Description: d, Next: next}, err
}

// notifyRun tells the person about a finished run: on the desktop as
// Settings' Notifications say, and on every channel set for its outcome.
func (s *Service) notifyRun(run job.Run) {
	st, err := s.settingsForSending()
	if err != nil {
		return
	}
	m, ok := notify.ForRun(run, job.NotifyAll)
	if !ok {
		return
	}
	_, desktop := notify.ForRun(run, st.Notifications)
	s.send(m, st, desktop)
}

// settingsForSending returns the stored settings, with a webhook URL of
// an older version turned into a channel first when the data key allows.
func (s *Service) settingsForSending() (job.Settings, error) {
	st, err := s.store.GetSettings()
	if err != nil || st.WebhookURL == "" {
		return st, err
	}
	if err := s.migrateWebhook(st.WebhookURL, st.Notifications); err != nil {
		return st, nil // sent to as before, from the settings
	}
	return s.store.GetSettings()
}

// send hands m to the desktop notifier when desktop is true, to the webhook
// of an older version's settings if one is still there, and to the
// channels that want it. Nothing here waits for a delivery.
func (s *Service) send(m notify.Message, st job.Settings, desktop bool) {
	var ns []notify.Notifier
	if desktop && s.opts.Notifier != nil {
		ns = append(ns, s.opts.Notifier)
	}
	if desktop && st.WebhookURL != "" {
		if w, err := notify.NewWebhook(notify.WebhookOptions{URL: st.WebhookURL}); err == nil {
			ns = append(ns, w)
		}
	}
	s.sendToChannels(m, st)
	if len(ns) == 0 {
		return
	}
	s.notes.goSend(2*time.Minute, func(ctx context.Context) {
		if err := notify.Multi(ns...).Notify(ctx, m); err != nil {
			s.log.Warn("notify", "err", notify.Redact(err.Error()))
		}
	})
}

// StaleJob is an enabled job that has not succeeded within its expected
// interval plus a grace period.
type StaleJob struct {
	JobID       string     `json:"jobId"`
	JobName     string     `json:"jobName"`
	LastSuccess *time.Time `json:"lastSuccess,omitempty"`
	Since       time.Time  `json:"since"`
}

// StaleJobs lists the jobs whose backups are overdue: failures that never
// happen are the most dangerous ones.
func (s *Service) StaleJobs() ([]StaleJob, error) {
	jobs, err := s.store.ListJobs()
	if err != nil {
		return nil, err
	}
	var out []StaleJob
	for _, j := range jobs {
		if !j.Enabled {
			continue
		}
		now := s.now()
		last, err := s.lastSuccess(j.ID, now)
		if err != nil {
			return nil, err
		}
		if stale, since := schedule.Stale(now, j.Schedule, last, j.CreatedAt, 0); stale {
			out = append(out, StaleJob{JobID: j.ID, JobName: j.Name, LastSuccess: last, Since: since})
		}
	}
	return out, nil
}

// lastSuccess is when the job's newest successful run started, leaving out
// runs dated after now: one made while the clock ran ahead must not hide,
// for as long as the clock was wrong, that backups stopped.
func (s *Service) lastSuccess(jobID string, now time.Time) (*time.Time, error) {
	for offset := 0; ; offset += 50 {
		page, err := s.store.ListRuns(store.HistoryFilter{JobID: jobID, Status: job.StatusSuccess, Limit: 50, Offset: offset})
		if err != nil {
			return nil, err
		}
		for _, r := range page.Items {
			if !r.StartedAt.After(now) {
				return &r.StartedAt, nil
			}
		}
		if len(page.Items) < 50 {
			return nil, nil
		}
	}
}

// watchStale notifies once per job each time it becomes stale.
func (s *Service) watchStale(ctx context.Context, every time.Duration) {
	told := map[string]bool{}
	t := time.NewTimer(time.Minute)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
		}
		t.Reset(every)
		stale, err := s.StaleJobs()
		if err != nil {
			continue
		}
		now := map[string]bool{}
		st, _ := s.settingsForSending()
		for _, sj := range stale {
			now[sj.JobID] = true
			if !told[sj.JobID] {
				j, _ := s.store.GetJob(sj.JobID)
				s.send(notify.ForStale(sj.JobID, sj.JobName, sj.LastSuccess, j.CreatedAt, s.now()), st, st.Notifications != job.NotifyNever)
			}
		}
		told = now
	}
}

// SetLaunchAtLogin adds or removes Avault's launch-at-login entry (it
// starts with --hidden) and remembers the choice.
func (s *Service) SetLaunchAtLogin(on bool) (job.Settings, error) {
	if on {
		exe, err := autostart.Executable()
		if err != nil {
			return job.Settings{}, err
		}
		if err := autostart.Enable(exe, []string{autostart.HiddenArg}); err != nil {
			return job.Settings{}, err
		}
	} else if err := autostart.Disable(); err != nil {
		return job.Settings{}, err
	}
	st, err := s.store.GetSettings()
	if err != nil {
		return job.Settings{}, err
	}
	st.LaunchAtLogin = on
	if err := s.store.PutSettings(st); err != nil {
		return job.Settings{}, err
	}
	s.changed("settings")
	return s.Settings()
}

// LaunchAtLogin reports whether the launch-at-login entry exists, and where.
func (s *Service) LaunchAtLogin() (bool, string, error) {
	on, err := autostart.Enabled()
	return on, autostart.Path(), err
}
