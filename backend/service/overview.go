package service

import (
	"errors"
	"fmt"
	"sort"
	"time"

	"github.com/avault/avault/backend/job"
)

// RunAll queues a run of every enabled job that is not already queued or
// running, and returns the runs it queued.
func (s *Service) RunAll(trigger job.Trigger) ([]job.Run, error) {
	jobs, err := s.store.ListJobs()
	if err != nil {
		return nil, err
	}
	var runs []job.Run
	var errs []error
	for _, j := range jobs {
		if !j.Enabled {
			continue
		}
		r, err := s.runs.enqueue(j, trigger)
		switch {
		case errors.Is(err, ErrAlreadyRunning):
		case err != nil:
			errs = append(errs, err)
		default:
			runs = append(runs, r)
		}
	}
	return runs, errors.Join(errs...)
}

// Overview is what the tray (and a glance) needs: what runs, what failed last.
type Overview struct {
	Running     int   `json:"running"`
	Waiting     int   `json:"waiting"`
	Percent     int   `json:"percent"` // of the running runs' bytes, -1 while unknown
	LastFailure *Run  `json:"lastFailure,omitempty"`
	Paused      bool  `json:"paused"`
	Jobs        []Job `json:"jobs"`
}

// Overview summarises the queue, the newest failure that no later success
// of the same job has cleared, and the jobs.
func (s *Service) Overview() (Overview, error) {
	var o Overview
	var done, total int64
	known := true
	for _, p := range s.ActiveRuns() {
		if p.Status == string(job.StatusPending) {
			o.Waiting++
			continue
		}
		o.Running++
		if !p.ScanDone {
			known = false
		}
		done += p.BytesDone
		total += p.BytesScanned
	}
	o.Percent = -1
	if known && total > 0 {
		o.Percent = int(done * 100 / total)
	}
	jobs, err := s.store.ListJobs()
	if err != nil {
		return o, err
	}
	sort.Slice(jobs, func(i, j int) bool { return naturalLess(jobs[i].Name, jobs[j].Name) })
	o.Jobs = ListOf(jobs, JobOf)
	latest, err := s.store.LatestRuns()
	if err != nil {
		return o, err
	}
	exists := map[string]bool{}
	for _, j := range jobs {
		exists[j.ID] = true
	}
	for _, r := range latest {
		if exists[r.JobID] && r.Status == job.StatusFailed && (o.LastFailure == nil || r.StartedAt.After(o.LastFailure.StartedAt)) {
			o.LastFailure = convertPtr(&r, RunOf)
		}
	}
	st, err := s.store.GetSettings()
	o.Paused = st.SchedulesPaused
	return o, err
}

// StatusLine words an overview for the tray's first menu line.
func (o Overview) StatusLine(now time.Time) string {
	switch {
	case o.Running > 0 && o.Percent >= 0:
		return fmt.Sprintf("Avault: %d running (%d%%)", o.Running, o.Percent)
	case o.Running > 0:
		return fmt.Sprintf("Avault: %d running", o.Running)
	case o.Waiting > 0:
		return fmt.Sprintf("Avault: %d waiting", o.Waiting)
	case o.LastFailure != nil:
		return fmt.Sprintf("Last failure: %s, %s", o.LastFailure.JobName, ago(now, o.LastFailure.StartedAt))
	case o.Paused:
		return "Avault: schedules paused"
	}
	return "Avault: idle"
}

func ago(now, t time.Time) string {
	d := now.Sub(t)
	switch {
	case d < time.Minute:
		return "just now"
	case d < time.Hour:
		return fmt.Sprintf("%d min ago", int(d.Minutes()))
	case d < 48*time.Hour:
		return fmt.Sprintf("%d h ago", int(d.Hours()))
	}
	return t.Local().Format("Jan 2")
}

// PauseSchedules stops (pause true) or restarts every schedule. Runs
// started by hand still go.
func (s *Service) PauseSchedules(pause bool) error {
	st, err := s.store.GetSettings()
	if err != nil {
		return err
	}
	st.SchedulesPaused = pause
	if err := s.store.PutSettings(st); err != nil {
		return err
	}
	s.applyPause(pause)
	s.changed("settings")
	return nil
}
