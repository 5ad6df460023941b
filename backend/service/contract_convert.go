package service

import (
	"maps"
	"slices"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/metrics"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/store"
)

// ListOf converts every item with of (JobOf...); nil stays nil and empty stays empty,
// since JSON tells them apart (null, []).
func ListOf[T, U any](in []T, f func(T) U) []U {
	if in == nil {
		return nil
	}
	out := make([]U, len(in))
	for i, v := range in {
		out[i] = f(v)
	}
	return out
}

// convertPtr converts what p points to; nil stays nil.
func convertPtr[T, U any](p *T, f func(T) U) *U {
	if p == nil {
		return nil
	}
	u := f(*p)
	return &u
}

// JobOf is job.Job as the window, the web mode and --json see it.
func JobOf(x job.Job) Job {
	return Job{
		ID:                    x.ID,
		Name:                  x.Name,
		Description:           x.Description,
		SourcePath:            x.SourcePath,
		DestinationID:         x.DestinationID,
		Schedule:              x.Schedule,
		RetentionType:         x.RetentionType,
		RetentionCount:        x.RetentionCount,
		RetentionDays:         x.RetentionDays,
		NamePattern:           x.NamePattern,
		Enabled:               x.Enabled,
		CatchUp:               x.CatchUp,
		Incremental:           x.Incremental,
		VerifyUnchangedByHash: x.VerifyUnchangedByHash,
		OnNoChange:            x.OnNoChange,
		Includes:              slices.Clone(x.Includes),
		Excludes:              slices.Clone(x.Excludes),
		UseDefaultExcludes:    x.UseDefaultExcludes,
		Layout:                x.Layout,
		Folder:                x.Folder,
		LastRunAt:             x.LastRunAt,
		NextRunAt:             x.NextRunAt,
		CreatedAt:             x.CreatedAt,
		UpdatedAt:             x.UpdatedAt,
	}
}

// Internal is the job.Job that x describes.
func (x Job) Internal() job.Job {
	return job.Job{
		ID:                    x.ID,
		Name:                  x.Name,
		Description:           x.Description,
		SourcePath:            x.SourcePath,
		DestinationID:         x.DestinationID,
		Schedule:              x.Schedule,
		RetentionType:         x.RetentionType,
		RetentionCount:        x.RetentionCount,
		RetentionDays:         x.RetentionDays,
		NamePattern:           x.NamePattern,
		Enabled:               x.Enabled,
		CatchUp:               x.CatchUp,
		Incremental:           x.Incremental,
		VerifyUnchangedByHash: x.VerifyUnchangedByHash,
		OnNoChange:            x.OnNoChange,
		Includes:              slices.Clone(x.Includes),
		Excludes:              slices.Clone(x.Excludes),
		UseDefaultExcludes:    x.UseDefaultExcludes,
		Layout:                x.Layout,
		Folder:                x.Folder,
		LastRunAt:             x.LastRunAt,
		NextRunAt:             x.NextRunAt,
		CreatedAt:             x.CreatedAt,
		UpdatedAt:             x.UpdatedAt,
	}
}

// PolicyOf is job.Policy as the window, the web mode and --json see it.
func PolicyOf(x job.Policy) Policy {
	return Policy{
		Type:  x.Type,
		Count: x.Count,
		Days:  x.Days,
	}
}

// DestinationOf is job.Destination as the window, the web mode and --json see it.
func DestinationOf(x job.Destination) Destination {
	return Destination{
		ID:           x.ID,
		Name:         x.Name,
		Kind:         x.Kind,
		CredentialID: x.CredentialID,
		RemoteID:     x.RemoteID,
		FolderPath:   x.FolderPath,
		Options:      maps.Clone(x.Options),
		CreatedAt:    x.CreatedAt,
		UpdatedAt:    x.UpdatedAt,
	}
}

// Internal is the job.Destination that x describes.
func (x Destination) Internal() job.Destination {
	return job.Destination{
		ID:           x.ID,
		Name:         x.Name,
		Kind:         x.Kind,
		CredentialID: x.CredentialID,
		RemoteID:     x.RemoteID,
		FolderPath:   x.FolderPath,
		Options:      maps.Clone(x.Options),
		CreatedAt:    x.CreatedAt,
		UpdatedAt:    x.UpdatedAt,
	}
}

// OptionOf is job.Option as the window, the web mode and --json see it.
func OptionOf(x job.Option) Option {
	return Option{
		Key:      x.Key,
		Label:    x.Label,
		Help:     x.Help,
		Type:     x.Type,
		Default:  x.Default,
		Example:  x.Example,
		Choices:  ListOf(x.Choices, OptionValueOf),
		Min:      x.Min,
		Max:      x.Max,
		When:     convertPtr(x.When, OptionWhenOf),
		Advanced: x.Advanced,
	}
}

// OptionWhenOf is job.OptionWhen as the window, the web mode and --json see it.
func OptionWhenOf(x job.OptionWhen) OptionWhen {
	return OptionWhen{
		Key:   x.Key,
		Value: x.Value,
	}
}

// OptionValueOf is job.OptionValue as the window, the web mode and --json see it.
func OptionValueOf(x job.OptionValue) OptionValue {
	return OptionValue{
		Value: x.Value,
		Label: x.Label,
	}
}

// CredentialOf is job.Credential as the window, the web mode and --json see it.
func CredentialOf(x job.Credential) Credential {
	return Credential{
		ID:        x.ID,
		Name:      x.Name,
		Provider:  x.Provider,
		Metadata:  maps.Clone(x.Metadata),
		Status:    x.Status,
		CreatedAt: x.CreatedAt,
		UpdatedAt: x.UpdatedAt,
	}
}

// ChannelOf is job.Channel as the window, the web mode and --json see it.
func ChannelOf(x job.Channel) Channel {
	return Channel{
		ID:           x.ID,
		Name:         x.Name,
		Kind:         x.Kind,
		Disabled:     x.Disabled,
		When:         slices.Clone(x.When),
		URL:          x.URL,
		URLHost:      x.URLHost,
		SMTPHost:     x.SMTPHost,
		SMTPPort:     x.SMTPPort,
		SMTPSecurity: x.SMTPSecurity,
		Username:     x.Username,
		Password:     x.Password,
		PasswordSet:  x.PasswordSet,
		From:         x.From,
		To:           slices.Clone(x.To),
		Token:        x.Token,
		TokenSet:     x.TokenSet,
		LastSentAt:   x.LastSentAt,
		LastError:    x.LastError,
		LastErrorAt:  x.LastErrorAt,
	}
}

// Internal is the job.Channel that x describes.
func (x Channel) Internal() job.Channel {
	return job.Channel{
		ID:           x.ID,
		Name:         x.Name,
		Kind:         x.Kind,
		Disabled:     x.Disabled,
		When:         slices.Clone(x.When),
		URL:          x.URL,
		URLHost:      x.URLHost,
		SMTPHost:     x.SMTPHost,
		SMTPPort:     x.SMTPPort,
		SMTPSecurity: x.SMTPSecurity,
		Username:     x.Username,
		Password:     x.Password,
		PasswordSet:  x.PasswordSet,
		From:         x.From,
		To:           slices.Clone(x.To),
		Token:        x.Token,
		TokenSet:     x.TokenSet,
		LastSentAt:   x.LastSentAt,
		LastError:    x.LastError,
		LastErrorAt:  x.LastErrorAt,
	}
}

// SettingsOf is job.Settings as the window, the web mode and --json see it.
func SettingsOf(x job.Settings) Settings {
	return Settings{
		NASRoot:               x.NASRoot,
		WorkerConcurrency:     x.WorkerConcurrency,
		TransfersPerRun:       x.TransfersPerRun,
		UploadLimit:           x.UploadLimit,
		KeySource:             x.KeySource,
		Notifications:         x.Notifications,
		StartHidden:           x.StartHidden,
		GoogleClientID:        x.GoogleClientID,
		GoogleClientSecret:    x.GoogleClientSecret,
		GoogleClientSecretSet: x.GoogleClientSecretSet,
		WebhookURL:            x.WebhookURL,
		Channels:              ListOf(x.Channels, ChannelOf),
		MetricsPort:           x.MetricsPort,
		SchedulesPaused:       x.SchedulesPaused,
		LaunchAtLogin:         x.LaunchAtLogin,
	}
}

// Internal is the job.Settings that x describes.
func (x Settings) Internal() job.Settings {
	return job.Settings{
		NASRoot:               x.NASRoot,
		WorkerConcurrency:     x.WorkerConcurrency,
		TransfersPerRun:       x.TransfersPerRun,
		UploadLimit:           x.UploadLimit,
		KeySource:             x.KeySource,
		Notifications:         x.Notifications,
		StartHidden:           x.StartHidden,
		GoogleClientID:        x.GoogleClientID,
		GoogleClientSecret:    x.GoogleClientSecret,
		GoogleClientSecretSet: x.GoogleClientSecretSet,
		WebhookURL:            x.WebhookURL,
		Channels:              ListOf(x.Channels, (Channel).Internal),
		MetricsPort:           x.MetricsPort,
		SchedulesPaused:       x.SchedulesPaused,
		LaunchAtLogin:         x.LaunchAtLogin,
	}
}

// RunOf is job.Run as the window, the web mode and --json see it.
func RunOf(x job.Run) Run {
	return Run{
		ID:            x.ID,
		JobID:         x.JobID,
		JobName:       x.JobName,
		JobDeleted:    x.JobDeleted,
		Status:        x.Status,
		Trigger:       x.Trigger,
		StartedAt:     x.StartedAt,
		CompletedAt:   x.CompletedAt,
		FilesScanned:  x.FilesScanned,
		FilesUploaded: x.FilesUploaded,
		FilesCopied:   x.FilesCopied,
		FilesSkipped:  x.FilesSkipped,
		FilesFailed:   x.FilesFailed,
		BytesScanned:  x.BytesScanned,
		BytesUploaded: x.BytesUploaded,
		BytesCopied:   x.BytesCopied,
		RemotePath:    x.RemotePath,
		ErrorMessage:  x.ErrorMessage,
		Failures:      ListOf(x.Failures, FileFailureOf),
		Notes:         slices.Clone(x.Notes),
		Verify:        convertPtr(x.Verify, VerifyResultOf),
	}
}

// FileFailureOf is job.FileFailure as the window, the web mode and --json see it.
func FileFailureOf(x job.FileFailure) FileFailure {
	return FileFailure{
		Path:   x.Path,
		Reason: x.Reason,
	}
}

// VerifyResultOf is job.VerifyResult as the window, the web mode and --json see it.
func VerifyResultOf(x job.VerifyResult) VerifyResult {
	return VerifyResult{
		Mode:         x.Mode,
		CheckedAt:    x.CheckedAt,
		FilesChecked: x.FilesChecked,
		Missing:      x.Missing,
		Mismatched:   x.Mismatched,
		Problems:     ListOf(x.Problems, FileFailureOf),
		ErrorMessage: x.ErrorMessage,
		Notes:        slices.Clone(x.Notes),
	}
}

// DryRunOf is engine.DryRun as the window, the web mode and --json see it.
func DryRunOf(x engine.DryRun) DryRun {
	return DryRun{
		Files:         x.Files,
		Bytes:         x.Bytes,
		Excluded:      x.Excluded,
		Skipped:       x.Skipped,
		Failed:        x.Failed,
		Folders:       x.Folders,
		Symlinks:      x.Symlinks,
		Included:      slices.Clone(x.Included),
		ExcludedPaths: ListOf(x.ExcludedPaths, ExcludedOf),
		SkippedPaths:  ListOf(x.SkippedPaths, FileFailureOf),
		FailedPaths:   ListOf(x.FailedPaths, FileFailureOf),
		SymlinkPaths:  ListOf(x.SymlinkPaths, SymlinkOf),
	}
}

// ExcludedOf is engine.Excluded as the window, the web mode and --json see it.
func ExcludedOf(x engine.Excluded) Excluded {
	return Excluded{
		Path:  x.Path,
		IsDir: x.IsDir,
		Rule:  x.Rule,
	}
}

// SymlinkOf is engine.Symlink as the window, the web mode and --json see it.
func SymlinkOf(x engine.Symlink) Symlink {
	return Symlink{
		Path:   x.Path,
		Target: x.Target,
	}
}

// RestoreResultOf is engine.RestoreResult as the window, the web mode and --json see it.
func RestoreResultOf(x engine.RestoreResult) RestoreResult {
	return RestoreResult{
		Files:       x.Files,
		Bytes:       x.Bytes,
		FilesFailed: x.FilesFailed,
		Failures:    ListOf(x.Failures, FileFailureOf),
		Notes:       slices.Clone(x.Notes),
	}
}

// RetentionVerdictOf is engine.RetentionVerdict as the window, the web mode and --json see it.
func RetentionVerdictOf(x engine.RetentionVerdict) RetentionVerdict {
	return RetentionVerdict{
		Name:    x.Name,
		Created: x.Created,
		Files:   x.Files,
		Bytes:   x.Bytes,
		Keep:    x.Keep,
		Reason:  x.Reason,
		Frees:   x.Frees,
	}
}

// UsageOf is engine.Usage as the window, the web mode and --json see it.
func UsageOf(x engine.Usage) Usage {
	return Usage{
		Versions: ListOf(x.Versions, VersionUsageOf),
		Stored:   x.Stored,
	}
}

// VersionUsageOf is engine.VersionUsage as the window, the web mode and --json see it.
func VersionUsageOf(x engine.VersionUsage) VersionUsage {
	return VersionUsage{
		Name:   x.Name,
		Layout: x.Layout,
		Only:   x.Only,
	}
}

// VerifyReportOf is engine.VerifyReport as the window, the web mode and --json see it.
func VerifyReportOf(x engine.VerifyReport) VerifyReport {
	return VerifyReport{
		Mode:         x.Mode,
		CheckedAt:    x.CheckedAt,
		FilesChecked: x.FilesChecked,
		Missing:      x.Missing,
		Mismatched:   x.Mismatched,
		Problems:     ListOf(x.Problems, FileFailureOf),
		ErrorMessage: x.ErrorMessage,
		Notes:        slices.Clone(x.Notes),
		Extra:        x.Extra,
	}
}

// ProgressOf is events.Progress as the window, the web mode and --json see it.
func ProgressOf(x events.Progress) Progress {
	return Progress{
		JobID:                  x.JobID,
		HistoryID:              x.HistoryID,
		Status:                 x.Status,
		FilesScanned:           x.FilesScanned,
		BytesScanned:           x.BytesScanned,
		ScanDone:               x.ScanDone,
		FilesUploaded:          x.FilesUploaded,
		FilesCopied:            x.FilesCopied,
		FilesFailed:            x.FilesFailed,
		BytesUploaded:          x.BytesUploaded,
		BytesDone:              x.BytesDone,
		CurrentFile:            x.CurrentFile,
		UploadSpeed:            x.UploadSpeed,
		EstimatedTimeRemaining: x.EstimatedTimeRemaining,
		Timestamp:              x.Timestamp,
	}
}

// QueueOf is events.Queue as the window, the web mode and --json see it.
func QueueOf(x events.Queue) Queue {
	return Queue{
		Waiting:   x.Waiting,
		Active:    x.Active,
		Completed: x.Completed,
		Failed:    x.Failed,
		Timestamp: x.Timestamp,
	}
}

// MetricsSnapshotOf is metrics.Snapshot as the window, the web mode and --json see it.
func MetricsSnapshotOf(x metrics.Snapshot) MetricsSnapshot {
	return MetricsSnapshot{
		Version: x.Version,
		Jobs:    ListOf(x.Jobs, MetricsJobOf),
		Running: x.Running,
		Waiting: x.Waiting,
		Now:     x.Now,
	}
}

// MetricsJobOf is metrics.Job as the window, the web mode and --json see it.
func MetricsJobOf(x metrics.Job) MetricsJob {
	return MetricsJob{
		ID:          x.ID,
		Name:        x.Name,
		Enabled:     x.Enabled,
		LastRun:     convertPtr(x.LastRun, MetricsLastRunOf),
		LastSuccess: x.LastSuccess,
		StoredBytes: x.StoredBytes,
		Versions:    x.Versions,
	}
}

// MetricsLastRunOf is metrics.LastRun as the window, the web mode and --json see it.
func MetricsLastRunOf(x metrics.LastRun) MetricsLastRun {
	return MetricsLastRun{
		Status:        x.Status,
		StartedAt:     x.StartedAt,
		Seconds:       x.Seconds,
		FilesScanned:  x.FilesScanned,
		FilesUploaded: x.FilesUploaded,
		FilesCopied:   x.FilesCopied,
		FilesSkipped:  x.FilesSkipped,
		FilesFailed:   x.FilesFailed,
		BytesScanned:  x.BytesScanned,
		BytesUploaded: x.BytesUploaded,
		BytesCopied:   x.BytesCopied,
	}
}

// DestinationKindOf is storage.Kind as the window, the web mode and --json see it.
func DestinationKindOf(x storage.Kind) DestinationKind {
	return DestinationKind{
		Name:        x.Name,
		Title:       x.Title,
		Description: x.Description,
		Fields:      ListOf(x.Fields, DestinationFieldOf),
	}
}

// DestinationFieldOf is storage.Field as the window, the web mode and --json see it.
func DestinationFieldOf(x storage.Field) DestinationField {
	return DestinationField{
		Key:      x.Key,
		Label:    x.Label,
		Help:     x.Help,
		Required: x.Required,
		Secret:   x.Secret,
		Option:   convertPtr(x.Option, OptionOf),
	}
}

// ChoiceOf is storage.Choice as the window, the web mode and --json see it.
func ChoiceOf(x storage.Choice) Choice {
	return Choice{
		ID:     x.ID,
		Name:   x.Name,
		Kind:   x.Kind,
		HasSub: x.HasSub,
	}
}

// VersionInfoOf is storage.VersionInfo as the window, the web mode and --json see it.
func VersionInfoOf(x storage.VersionInfo) VersionInfo {
	return VersionInfo{
		Name:    x.Name,
		Owner:   VersionOwnerOf(x.Owner),
		Created: x.Created,
		Files:   x.Files,
		Bytes:   x.Bytes,
	}
}

// VersionOwnerOf is storage.Owner as the window, the web mode and --json see it.
func VersionOwnerOf(x storage.Owner) VersionOwner {
	return VersionOwner{
		JobID: x.JobID,
		RunID: x.RunID,
	}
}

// HistoryFilterOf is store.HistoryFilter as the window, the web mode and --json see it.
func HistoryFilterOf(x store.HistoryFilter) HistoryFilter {
	return HistoryFilter{
		JobID:  x.JobID,
		Status: x.Status,
		Limit:  x.Limit,
		Offset: x.Offset,
	}
}

// Internal is the store.HistoryFilter that x describes.
func (x HistoryFilter) Internal() store.HistoryFilter {
	return store.HistoryFilter{
		JobID:  x.JobID,
		Status: x.Status,
		Limit:  x.Limit,
		Offset: x.Offset,
	}
}

// HistoryPageOf is store.HistoryPage as the window, the web mode and --json see it.
func HistoryPageOf(x store.HistoryPage) HistoryPage {
	return HistoryPage{
		Items:  ListOf(x.Items, RunOf),
		Total:  x.Total,
		Limit:  x.Limit,
		Offset: x.Offset,
	}
}
