package main

import (
	"context"
	"fmt"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/metrics"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

// App is the facade the window calls. Each exported method is bound to the
// frontend (and served by the web mode and the background process's
// socket) and is a few lines that call the service. Errors reject the
// frontend's promise with their message.
type App struct {
	svc *service.Service
	// ctx is the context of the call being served: a request that ends
	// stops what it started waiting for.
	ctx context.Context
}

// NewApp wraps the service for the window.
func NewApp(svc *service.Service) *App { return &App{svc: svc} }

// forCall is the App a call with context ctx runs on.
func (a *App) forCall(ctx context.Context) *App { return &App{svc: a.svc, ctx: ctx} }

// context is the call's context, or Background.
func (a *App) context() context.Context {
	if a.ctx != nil {
		return a.ctx
	}
	return context.Background()
}

// Status describes this copy of Avault: version, data folder, tray host, data key.
func (a *App) Status() (service.Status, error) { return a.svc.Status(), nil }

// GetSettings returns the settings with defaults filled in.
func (a *App) GetSettings() (job.Settings, error) { return a.svc.Settings() }

// UpdateSettings validates and saves the settings.
func (a *App) UpdateSettings(st job.Settings) (job.Settings, error) { return a.svc.UpdateSettings(st) }

// SetKeySource moves the data key to "keyring" or "file".
func (a *App) SetKeySource(to job.KeySource) (service.Status, error) {
	return a.svc.SetKeySource(a.context(), to)
}

// JobTrend returns a job's finished runs over the last 30, 90 or 365 days
// and its success rate by day or week, for the window's charts.
func (a *App) JobTrend(jobID string, days int) (service.JobTrend, error) {
	return a.svc.JobTrend(jobID, days)
}

// Metrics returns what /metrics reports (the web mode serves it to a
// Prometheus scraper).
func (a *App) Metrics() (metrics.Snapshot, error) { return a.svc.Metrics(a.context()) }

// ListChannels returns the notification channels without their secrets.
func (a *App) ListChannels() ([]job.Channel, error) { return a.svc.ListChannels() }

// SaveChannel adds (empty id) or changes a notification channel.
func (a *App) SaveChannel(c job.Channel) (job.Channel, error) { return a.svc.SaveChannel(c) }

// DeleteChannel removes a notification channel.
func (a *App) DeleteChannel(id string) error { return a.svc.DeleteChannel(id) }

// TestChannel sends a test message to a channel now.
func (a *App) TestChannel(id string) error { return a.svc.TestChannel(a.context(), id) }

// ListCredentials returns credential metadata; secrets never leave the backend.
func (a *App) ListCredentials() ([]job.Credential, error) { return a.svc.ListCredentials() }

// AddS3Credential seals and stores an S3 access key pair.
func (a *App) AddS3Credential(in service.S3CredentialInput) (job.Credential, error) {
	return a.svc.AddS3Credential(in)
}

// RenameCredential renames a credential.
func (a *App) RenameCredential(id, name string) (job.Credential, error) {
	return a.svc.RenameCredential(id, name)
}

// DeleteCredential deletes a credential no destination uses.
func (a *App) DeleteCredential(id string) error { return a.svc.DeleteCredential(a.context(), id) }

// DestinationKinds lists the kinds of destination and their fields.
func (a *App) DestinationKinds() ([]storage.Kind, error) { return a.svc.DestinationKinds(), nil }

// ListDestinations returns every destination.
func (a *App) ListDestinations() ([]job.Destination, error) { return a.svc.ListDestinations() }

// TestDestination checks that a destination (saved or not) works.
func (a *App) TestDestination(d job.Destination) error { return a.svc.TestDestination(a.context(), d) }

// ListChoices lists the buckets, drives or folders a destination (saved
// or not) can point to, under parent ("" for the top level).
func (a *App) ListChoices(d job.Destination, parent string) ([]storage.Choice, error) {
	return a.svc.ListChoices(a.context(), d, parent)
}

// CreateDestination saves a new destination.
func (a *App) CreateDestination(d job.Destination) (job.Destination, error) {
	return a.svc.CreateDestination(d)
}

// UpdateDestination saves changes to a destination.
func (a *App) UpdateDestination(d job.Destination) (job.Destination, error) {
	return a.svc.UpdateDestination(d)
}

// DeleteDestination deletes a destination no job uses.
func (a *App) DeleteDestination(id string) error { return a.svc.DeleteDestination(id) }

// ListJobs returns every job.
func (a *App) ListJobs() ([]job.Job, error) { return a.svc.ListJobs() }

// GetJob returns one job.
func (a *App) GetJob(id string) (job.Job, error) { return a.svc.GetJob(id) }

// NewJobDefaults returns the values a new job starts from.
func (a *App) NewJobDefaults() (job.Job, error) { return a.svc.NewJobDefaults(), nil }

// CreateJob saves a new job.
func (a *App) CreateJob(j job.Job) (job.Job, error) { return a.svc.CreateJob(j) }

// UpdateJob saves changes to a job.
func (a *App) UpdateJob(j job.Job) (job.Job, error) { return a.svc.UpdateJob(j) }

// DeleteJob deletes a job, keeping its history unless deleteHistory.
func (a *App) DeleteJob(id string, deleteHistory bool) error {
	return a.svc.DeleteJob(id, deleteHistory)
}

// ListHistory returns a page of runs, newest first.
func (a *App) ListHistory(f store.HistoryFilter) (store.HistoryPage, error) {
	return a.svc.ListHistory(f)
}

// GetRun returns one run with its details.
func (a *App) GetRun(id string) (job.Run, error) { return a.svc.GetRun(id) }

// RunJob queues a run of a job now and returns its history entry.
func (a *App) RunJob(jobID string) (job.Run, error) { return a.svc.RunJob(jobID, job.TriggerManual) }

// RunAll queues a run of every enabled job that is not already running.
func (a *App) RunAll() ([]job.Run, error) { return a.svc.RunAll(job.TriggerManual) }

// PauseSchedules pauses (true) or resumes every schedule.
func (a *App) PauseSchedules(pause bool) error { return a.svc.PauseSchedules(pause) }

// Overview summarises what runs and what failed last.
func (a *App) Overview() (service.Overview, error) { return a.svc.Overview() }

// DescribeSchedule reads a cron expression for people and lists its next n runs.
func (a *App) DescribeSchedule(expr string, n int) (service.ScheduleInfo, error) {
	return a.svc.DescribeSchedule(expr, n)
}

// StaleJobs lists enabled jobs whose backups are overdue.
func (a *App) StaleJobs() ([]service.StaleJob, error) { return a.svc.StaleJobs() }

// SetLaunchAtLogin adds or removes the launch-at-login entry.
func (a *App) SetLaunchAtLogin(on bool) (job.Settings, error) { return a.svc.SetLaunchAtLogin(on) }

// CancelRun cancels a queued or running run.
func (a *App) CancelRun(runID string) error { return a.svc.CancelRun(runID) }

// ActiveRuns returns the progress of every queued or running run.
func (a *App) ActiveRuns() ([]events.Progress, error) { return a.svc.ActiveRuns(), nil }

// QueueStats counts waiting, active, completed and failed runs.
func (a *App) QueueStats() (events.Queue, error) { return a.svc.QueueStats(), nil }

// BrowseNAS lists a folder under the NAS root.
func (a *App) BrowseNAS(path string) (service.BrowseResult, error) { return a.svc.BrowseNAS(path) }

// PreviewJob is a dry run of a job (saved or a draft): what it would back up.
func (a *App) PreviewJob(j job.Job) (engine.DryRun, error) { return a.svc.PreviewJob(a.context(), j) }

// PreviewRetention shows which versions of a job (saved or a draft) its
// retention policy would keep or delete now.
func (a *App) PreviewRetention(j job.Job) (service.RetentionPreview, error) {
	return a.svc.PreviewRetention(a.context(), j)
}

// JobStorage returns what each of a job's versions holds alone at the
// destination, and the job's total there.
func (a *App) JobStorage(jobID string) (engine.Usage, error) {
	return a.svc.JobStorage(a.context(), jobID)
}

// ListVersions returns a job's committed versions, newest first.
func (a *App) ListVersions(jobID string) ([]storage.VersionInfo, error) {
	return a.svc.ListVersions(a.context(), jobID)
}

// ListVersionFiles lists one folder of a version from its manifest.
func (a *App) ListVersionFiles(jobID, version, dir string) ([]service.TreeEntry, error) {
	return a.svc.ListVersionFiles(a.context(), jobID, version, dir)
}

// VerifyVersion checks a version against its manifest (deep: downloads
// sample files, 0 = all) and records the result in history.
func (a *App) VerifyVersion(jobID, version string, deep bool, sample int) (engine.VerifyReport, error) {
	return a.svc.VerifyVersion(a.context(), jobID, version, deep, sample)
}

// RestoreVersion restores a version, folder or file into a local folder.
func (a *App) RestoreVersion(req service.RestoreRequest) (engine.RestoreResult, error) {
	return a.svc.RestoreVersion(a.context(), req)
}

// StartRestore checks a restore and runs it as a task the window follows
// (task:update) and may cancel; what stands in its way is the error.
func (a *App) StartRestore(req service.RestoreRequest) (service.Task, error) {
	return a.svc.StartRestore(req)
}

// StartVerify checks a version against its manifest as a task (deep:
// reads sample files back, 0 = all) and records the result in history.
func (a *App) StartVerify(jobID, version string, deep bool, sample int) (service.Task, error) {
	return a.svc.StartVerify(jobID, version, deep, sample)
}

// StartPreview runs the dry run of a job (saved or a draft) as a task.
func (a *App) StartPreview(j job.Job) (service.Task, error) { return a.svc.StartPreview(j) }

// CancelTask cancels a running task; it ends CANCELLED.
func (a *App) CancelTask(id string) error { return a.svc.CancelTask(id) }

// GetTask returns a task running or among the last finished.
func (a *App) GetTask(id string) (service.Task, error) { return a.svc.GetTask(id) }

// ListTasks returns the tasks running and the last ones finished, newest first.
func (a *App) ListTasks() ([]service.Task, error) { return a.svc.ListTasks(), nil }

// StartConnectGoogle starts the Google sign-in as a task the window
// follows and can cancel; its result is the connected account.
func (a *App) StartConnectGoogle(in service.GoogleConnectInput) (service.Task, error) {
	return a.svc.StartConnectGoogle(in)
}

// ConnectGoogle signs in to Google in the browser and stores the sealed tokens.
func (a *App) ConnectGoogle(in service.GoogleConnectInput) (job.Credential, error) {
	return a.svc.ConnectGoogle(a.context(), in)
}

// Quitting waits for what must end cleanly, within bounds: a person who
// chose Quit must see Avault go.
const (
	// runsGrace bounds the wait for cancelled runs to record how they
	// ended before the database closes (service.Shutdown).
	runsGrace = 20 * time.Second
	// shutdownGrace bounds the whole of quitting; after it the process
	// exits with exitForced. Runs that had not recorded their end are
	// marked interrupted at the next start, and the database stays
	// consistent whenever the process ends.
	shutdownGrace = 30 * time.Second
	// exitForced is the exit code when quitting had to be forced.
	exitForced = 3
)

// errForced says that quitting did not finish cleanly in time.
type errForced struct{ err error }

func (e errForced) Error() string { return e.err.Error() }
func (e errForced) Unwrap() error { return e.err }

// shutdownService stops the service, giving runs runsGrace to stop and
// record their end; it returns an errForced when they did not.
func shutdownService(svc *service.Service) error {
	ctx, cancel := context.WithTimeout(context.Background(), runsGrace)
	defer cancel()
	if err := svc.Shutdown(ctx); err != nil {
		return errForced{fmt.Errorf("quitting without waiting any longer: %w", err)}
	}
	return nil
}
