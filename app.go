package main

import (
	"context"
	"fmt"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
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

// contract hands a service result to the window in the service's own
// types (service.JobOf...), so that the store's and the engine's structs
// are not the frontend's API: contract(service.JobOf)(a.svc.GetJob(id)).
func contract[T, U any](of func(T) U) func(T, error) (U, error) {
	return func(v T, err error) (U, error) { return of(v), err }
}

// contractAll is contract for a list; nil stays nil (JSON null).
func contractAll[T, U any](of func(T) U) func([]T, error) ([]U, error) {
	return func(vs []T, err error) ([]U, error) {
		if vs == nil {
			return nil, err
		}
		out := make([]U, len(vs))
		for i, v := range vs {
			out[i] = of(v)
		}
		return out, err
	}
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
func (a *App) GetSettings() (service.Settings, error) {
	return contract(service.SettingsOf)(a.svc.Settings())
}

// UpdateSettings validates and saves the settings.
func (a *App) UpdateSettings(st service.Settings) (service.Settings, error) {
	return contract(service.SettingsOf)(a.svc.UpdateSettings(st.Internal()))
}

// SetKeySource moves the data key to "keyring" or "file".
func (a *App) SetKeySource(to string) (service.Status, error) {
	return a.svc.SetKeySource(a.context(), job.KeySource(to))
}

// JobTrend returns a job's finished runs over the last 30, 90 or 365 days
// and its success rate by day or week, for the window's charts.
func (a *App) JobTrend(jobID string, days int) (service.JobTrend, error) {
	return a.svc.JobTrend(jobID, days)
}

// Metrics returns what /metrics reports (the web mode serves it to a
// Prometheus scraper).
func (a *App) Metrics() (service.MetricsSnapshot, error) {
	return contract(service.MetricsSnapshotOf)(a.svc.Metrics(a.context()))
}

// ListChannels returns the notification channels without their secrets.
func (a *App) ListChannels() ([]service.Channel, error) {
	return contractAll(service.ChannelOf)(a.svc.ListChannels())
}

// SaveChannel adds (empty id) or changes a notification channel.
func (a *App) SaveChannel(c service.Channel) (service.Channel, error) {
	return contract(service.ChannelOf)(a.svc.SaveChannel(c.Internal()))
}

// DeleteChannel removes a notification channel.
func (a *App) DeleteChannel(id string) error { return a.svc.DeleteChannel(id) }

// TestChannel sends a test message to a channel now.
func (a *App) TestChannel(id string) error { return a.svc.TestChannel(a.context(), id) }

// ListCredentials returns credential metadata; secrets never leave the backend.
func (a *App) ListCredentials() ([]service.Credential, error) {
	return contractAll(service.CredentialOf)(a.svc.ListCredentials())
}

// AddS3Credential seals and stores an S3 access key pair.
func (a *App) AddS3Credential(in service.S3CredentialInput) (service.Credential, error) {
	return contract(service.CredentialOf)(a.svc.AddS3Credential(in))
}

// RenameCredential renames a credential.
func (a *App) RenameCredential(id, name string) (service.Credential, error) {
	return contract(service.CredentialOf)(a.svc.RenameCredential(id, name))
}

// DeleteCredential deletes a credential no destination uses.
func (a *App) DeleteCredential(id string) error { return a.svc.DeleteCredential(a.context(), id) }

// DestinationKinds lists the kinds of destination and their fields.
func (a *App) DestinationKinds() ([]service.DestinationKind, error) {
	return contractAll(service.DestinationKindOf)(a.svc.DestinationKinds(), nil)
}

// ListDestinations returns every destination.
func (a *App) ListDestinations() ([]service.Destination, error) {
	return contractAll(service.DestinationOf)(a.svc.ListDestinations())
}

// TestDestination checks that a destination (saved or not) works.
func (a *App) TestDestination(d service.Destination) error {
	return a.svc.TestDestination(a.context(), d.Internal())
}

// ListChoices lists the buckets, drives or folders a destination (saved
// or not) can point to, under parent ("" for the top level).
func (a *App) ListChoices(d service.Destination, parent string) ([]service.Choice, error) {
	return contractAll(service.ChoiceOf)(a.svc.ListChoices(a.context(), d.Internal(), parent))
}

// CreateDestination saves a new destination.
func (a *App) CreateDestination(d service.Destination) (service.Destination, error) {
	return contract(service.DestinationOf)(a.svc.CreateDestination(d.Internal()))
}

// UpdateDestination saves changes to a destination.
func (a *App) UpdateDestination(d service.Destination) (service.Destination, error) {
	return contract(service.DestinationOf)(a.svc.UpdateDestination(d.Internal()))
}

// DeleteDestination deletes a destination no job uses.
func (a *App) DeleteDestination(id string) error { return a.svc.DeleteDestination(id) }

// ListJobs returns every job.
func (a *App) ListJobs() ([]service.Job, error) { return contractAll(service.JobOf)(a.svc.ListJobs()) }

// GetJob returns one job.
func (a *App) GetJob(id string) (service.Job, error) {
	return contract(service.JobOf)(a.svc.GetJob(id))
}

// NewJobDefaults returns the values a new job starts from.
func (a *App) NewJobDefaults() (service.Job, error) {
	return service.JobOf(a.svc.NewJobDefaults()), nil
}

// CreateJob saves a new job.
func (a *App) CreateJob(j service.Job) (service.Job, error) {
	return contract(service.JobOf)(a.svc.CreateJob(j.Internal()))
}

// UpdateJob saves changes to a job.
func (a *App) UpdateJob(j service.Job) (service.Job, error) {
	return contract(service.JobOf)(a.svc.UpdateJob(j.Internal()))
}

// DeleteJob deletes a job, keeping its history unless deleteHistory.
func (a *App) DeleteJob(id string, deleteHistory bool) error {
	return a.svc.DeleteJob(id, deleteHistory)
}

// ListHistory returns a page of runs, newest first.
func (a *App) ListHistory(f service.HistoryFilter) (service.HistoryPage, error) {
	return contract(service.HistoryPageOf)(a.svc.ListHistory(f.Internal()))
}

// GetRun returns one run with its details.
func (a *App) GetRun(id string) (service.Run, error) {
	return contract(service.RunOf)(a.svc.GetRun(id))
}

// RunJob queues a run of a job now and returns its history entry.
func (a *App) RunJob(jobID string) (service.Run, error) {
	return contract(service.RunOf)(a.svc.RunJob(jobID, job.TriggerManual))
}

// RunAll queues a run of every enabled job that is not already running.
func (a *App) RunAll() ([]service.Run, error) {
	return contractAll(service.RunOf)(a.svc.RunAll(job.TriggerManual))
}

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
func (a *App) SetLaunchAtLogin(on bool) (service.Settings, error) {
	return contract(service.SettingsOf)(a.svc.SetLaunchAtLogin(on))
}

// CancelRun cancels a queued or running run.
func (a *App) CancelRun(runID string) error { return a.svc.CancelRun(runID) }

// ActiveRuns returns the progress of every queued or running run.
func (a *App) ActiveRuns() ([]service.Progress, error) {
	return contractAll(service.ProgressOf)(a.svc.ActiveRuns(), nil)
}

// QueueStats counts waiting, active, completed and failed runs.
func (a *App) QueueStats() (service.Queue, error) { return service.QueueOf(a.svc.QueueStats()), nil }

// BrowseNAS lists a folder under the NAS root.
func (a *App) BrowseNAS(path string) (service.BrowseResult, error) { return a.svc.BrowseNAS(path) }

// PreviewJob is a dry run of a job (saved or a draft): what it would back up.
func (a *App) PreviewJob(j service.Job) (service.DryRun, error) {
	return contract(service.DryRunOf)(a.svc.PreviewJob(a.context(), j.Internal()))
}

// PreviewRetention shows which versions of a job (saved or a draft) its
// retention policy would keep or delete now.
func (a *App) PreviewRetention(j service.Job) (service.RetentionPreview, error) {
	return a.svc.PreviewRetention(a.context(), j.Internal())
}

// JobStorage returns what each of a job's versions holds alone at the
// destination, and the job's total there.
func (a *App) JobStorage(jobID string) (service.Usage, error) {
	return contract(service.UsageOf)(a.svc.JobStorage(a.context(), jobID))
}

// ListVersions returns a job's committed versions, newest first.
func (a *App) ListVersions(jobID string) ([]service.VersionInfo, error) {
	return contractAll(service.VersionInfoOf)(a.svc.ListVersions(a.context(), jobID))
}

// ListVersionFiles lists one folder of a version from its manifest.
func (a *App) ListVersionFiles(jobID, version, dir string) ([]service.TreeEntry, error) {
	return a.svc.ListVersionFiles(a.context(), jobID, version, dir)
}

// VerifyVersion checks a version against its manifest (deep: downloads
// sample files, 0 = all) and records the result in history.
func (a *App) VerifyVersion(jobID, version string, deep bool, sample int) (service.VerifyReport, error) {
	return contract(service.VerifyReportOf)(a.svc.VerifyVersion(a.context(), jobID, version, deep, sample))
}

// RestoreVersion restores a version, folder or file into a local folder.
func (a *App) RestoreVersion(req service.RestoreRequest) (service.RestoreResult, error) {
	return contract(service.RestoreResultOf)(a.svc.RestoreVersion(a.context(), req))
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
func (a *App) StartPreview(j service.Job) (service.Task, error) {
	return a.svc.StartPreview(j.Internal())
}

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
func (a *App) ConnectGoogle(in service.GoogleConnectInput) (service.Credential, error) {
	return contract(service.CredentialOf)(a.svc.ConnectGoogle(a.context(), in))
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
