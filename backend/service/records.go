package service

import (
	"context"
	"fmt"
	"os"
	"strings"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/job/nasroot"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/local"
	"github.com/avault/avault/backend/store"
)

// ListCredentials returns every credential's metadata; secrets never leave the store sealed.
func (s *Service) ListCredentials() ([]job.Credential, error) { return s.store.ListCredentials() }

// S3CredentialInput is what a person types to add S3 access keys.
type S3CredentialInput struct {
	Name            string `json:"name"`
	AccessKeyID     string `json:"accessKeyId"`
	SecretAccessKey string `json:"secretAccessKey"`
}

// AddS3Credential seals an S3 access key pair and stores it.
func (s *Service) AddS3Credential(in S3CredentialInput) (job.Credential, error) {
	in.AccessKeyID = strings.TrimSpace(in.AccessKeyID)
	if in.AccessKeyID == "" || strings.TrimSpace(in.SecretAccessKey) == "" {
		return job.Credential{}, fmt.Errorf("an S3 credential needs an access key id and a secret access key")
	}
	c := job.Credential{
		ID:       store.NewID(),
		Name:     strings.TrimSpace(in.Name),
		Provider: job.KindS3,
		Metadata: map[string]string{"accessKeyId": maskKeyID(in.AccessKeyID)},
		Status:   job.CredentialOK,
	}
	return s.createCredential(c, map[string]string{
		"accessKeyId":     in.AccessKeyID,
		"secretAccessKey": in.SecretAccessKey,
	})
}

func (s *Service) createCredential(c job.Credential, secret map[string]string) (job.Credential, error) {
	if err := c.Validate(); err != nil {
		return job.Credential{}, err
	}
	sealed, err := s.seal(c.ID, secret)
	if err != nil {
		return job.Credential{}, err
	}
	out, err := s.store.CreateCredential(c, sealed)
	if err == nil {
		s.changed("credentials")
	}
	return out, err
}

// RenameCredential changes a credential's name; its secret stays as it is.
func (s *Service) RenameCredential(id, name string) (job.Credential, error) {
	c, err := s.store.GetCredential(id)
	if err != nil {
		return job.Credential{}, err
	}
	c.Name = strings.TrimSpace(name)
	if err := c.Validate(); err != nil {
		return job.Credential{}, err
	}
	out, err := s.store.UpdateCredential(c, nil)
	if err == nil {
		s.changed("credentials")
	}
	return out, err
}

// DeleteCredential removes a credential. It is refused, naming them, while
// destinations use it.
func (s *Service) DeleteCredential(ctx context.Context, id string) error {
	c, err := s.store.GetCredential(id)
	if err != nil {
		return err
	}
	if c.Provider == job.KindGDrive {
		if used, err := s.credentialInUse(id); err != nil || used {
			return s.store.DeleteCredential(id) // refused with the names of its destinations
		}
		s.revokeGoogle(ctx, id)
	}
	if err := s.store.DeleteCredential(id); err != nil {
		return err
	}
	s.changed("credentials")
	return nil
}

func (s *Service) credentialInUse(id string) (bool, error) {
	dests, err := s.store.ListDestinations()
	for _, d := range dests {
		if d.CredentialID == id {
			return true, err
		}
	}
	return false, err
}

// maskKeyID keeps the first four and last four characters of an access key id.
func maskKeyID(id string) string {
	if len(id) <= 8 {
		return strings.Repeat("•", len(id))
	}
	return id[:4] + "…" + id[len(id)-4:]
}

// ListDestinations returns every destination.
func (s *Service) ListDestinations() ([]job.Destination, error) { return s.store.ListDestinations() }

// GetDestination returns one destination.
func (s *Service) GetDestination(id string) (job.Destination, error) {
	return s.store.GetDestination(id)
}

// CreateDestination validates and stores a new destination.
func (s *Service) CreateDestination(d job.Destination) (job.Destination, error) {
	d.ID = ""
	normalizeDestination(&d)
	if err := s.sealEncryption(&d, nil); err != nil {
		return job.Destination{}, err
	}
	if err := d.Validate(); err != nil {
		return job.Destination{}, err
	}
	out, err := s.store.CreateDestination(d)
	if err == nil {
		s.markLocal(out)
		s.changed("destinations")
	}
	return out, err
}

// UpdateDestination validates and saves changes to a destination.
func (s *Service) UpdateDestination(d job.Destination) (job.Destination, error) {
	normalizeDestination(&d)
	if err := s.sealEncryption(&d, s.storedDestination(d.ID)); err != nil {
		return job.Destination{}, err
	}
	if err := d.Validate(); err != nil {
		return job.Destination{}, err
	}
	out, err := s.store.UpdateDestination(d)
	if err == nil {
		s.markLocal(out)
		s.changed("destinations")
	}
	return out, err
}

// markLocal writes the marker into a local destination's folder as it is
// saved (see local.MarkerName), so that a run can later tell the disk's
// own folder from the empty mount point of an unmounted disk. A folder
// that cannot be marked now (not there yet, read-only) is logged: the
// first run says what is wrong, and saving again marks it.
func (s *Service) markLocal(d job.Destination) {
	if d.Kind != job.KindLocal {
		return
	}
	if err := local.Mark(storageConfig(d, storage.Secret{}).Root); err != nil {
		s.log.Warn("could not mark the destination folder", "destination", d.Name, "error", err)
	}
}

// DeleteDestination removes a destination. It is refused, naming them,
// while jobs use it. Versions already written there are left alone.
func (s *Service) DeleteDestination(id string) error {
	if err := s.store.DeleteDestination(id); err != nil {
		return err
	}
	s.changed("destinations")
	return nil
}

func normalizeDestination(d *job.Destination) {
	d.Name = strings.TrimSpace(d.Name)
	d.RemoteID = strings.TrimSpace(d.RemoteID)
	d.FolderPath = strings.Trim(strings.TrimSpace(d.FolderPath), "/")
}

// ListJobs returns every job.
func (s *Service) ListJobs() ([]job.Job, error) { return s.store.ListJobs() }

// GetJob returns one job.
func (s *Service) GetJob(id string) (job.Job, error) { return s.store.GetJob(id) }

// NewJobDefaults returns the values a new job starts from.
func (s *Service) NewJobDefaults() job.Job { return job.NewJob() }

// CreateJob validates and stores a new job.
func (s *Service) CreateJob(j job.Job) (job.Job, error) {
	j.ID = ""
	if err := s.checkJob(&j); err != nil {
		return job.Job{}, err
	}
	if err := s.placeJob(&j, nil); err != nil {
		return job.Job{}, err
	}
	out, err := s.store.CreateJob(j)
	if err == nil {
		s.jobChanged(out.ID)
	}
	return out, err
}

// UpdateJob validates and saves changes to a job.
func (s *Service) UpdateJob(j job.Job) (job.Job, error) {
	if err := s.checkJob(&j); err != nil {
		return job.Job{}, err
	}
	old, err := s.store.GetJob(j.ID)
	if err != nil {
		return job.Job{}, err
	}
	if err := s.placeJob(&j, &old); err != nil {
		return job.Job{}, err
	}
	out, err := s.store.UpdateJob(j)
	if err == nil {
		s.jobChanged(out.ID)
	}
	return out, err
}

// DeleteJob removes a job. Its history stays, marked as of a deleted job,
// unless deleteHistory is set. Versions already written are left alone.
func (s *Service) DeleteJob(id string, deleteHistory bool) error {
	if err := s.store.DeleteJob(id, store.DeleteJobOptions{DeleteHistory: deleteHistory}); err != nil {
		return err
	}
	s.jobChanged(id)
	return nil
}

// placeJob settles how a job keeps its versions. A new job without a
// layout gets its destination kind's default (current + history on S3 and
// Drive, full copies on a local folder); an edit that does not say keeps
// the layout and the folder the job had. A job that keeps current +
// history gets a folder named after it, unless it has one: the folder
// stays when the job is renamed or goes back to full copies, so that its
// versions stay found. Two jobs on one destination never share a folder.
func (s *Service) placeJob(j *job.Job, old *job.Job) error {
	if old != nil {
		if j.Layout == "" {
			j.Layout = old.Layout
		}
		switch {
		case j.Folder == "":
			j.Folder = old.Folder
		case old.Folder != "" && j.Folder != old.Folder && old.LastRunAt != nil:
			return fmt.Errorf("folder: the job's versions are in the folder %q at its destination; the folder cannot change once the job has run", old.Folder)
		}
	}
	if j.Layout == "" {
		d, err := s.store.GetDestination(j.DestinationID)
		if err != nil {
			return err
		}
		j.Layout = job.DefaultLayout(d.Kind)
	}
	if j.Layout != job.LayoutCurrentHistory && j.Folder == "" {
		return nil
	}
	others, err := s.store.ListJobs()
	if err != nil {
		return err
	}
	taken := map[string]string{}
	for _, o := range others {
		if o.ID != j.ID && o.DestinationID == j.DestinationID && o.Folder != "" {
			taken[strings.ToLower(o.Folder)] = o.Name
		}
	}
	if j.Folder != "" {
		if name, ok := taken[strings.ToLower(j.Folder)]; ok {
			return fmt.Errorf("folder: the job %q already keeps its versions in the folder %q of this destination; choose another folder", name, j.Folder)
		}
		return nil
	}
	base := job.FolderFor(j.Name)
	j.Folder = base
	for i := 2; taken[strings.ToLower(j.Folder)] != ""; i++ {
		j.Folder = fmt.Sprintf("%s (%d)", base, i)
	}
	return nil
}

// checkJob validates a job and confines its source to the NAS root.
func (s *Service) checkJob(j *job.Job) error {
	j.Name = strings.TrimSpace(j.Name)
	if err := j.Validate(); err != nil {
		return err
	}
	clean, err := nasroot.Clean(j.SourcePath)
	if err != nil {
		return err
	}
	j.SourcePath = clean
	st, err := s.Settings()
	if err != nil {
		return err
	}
	if st.NASRoot == "" {
		return fmt.Errorf("set the NAS root in Settings before adding a job")
	}
	dir, err := s.sourceDir(st, j.SourcePath)
	if err != nil {
		return err
	}
	if fi, err := os.Stat(dir); err != nil || !fi.IsDir() {
		return fmt.Errorf("the source /%s is not a folder", j.SourcePath)
	}
	return nil
}

// Settings returns the settings with defaults filled in. The Google client
// secret is never returned, only whether one is stored; the channels come
// without their secrets (see ListChannels), and a webhook URL of an older
// version not at all.
func (s *Service) Settings() (job.Settings, error) {
	st, err := s.store.GetSettings()
	st.GoogleClientSecretSet = st.GoogleClientSecret != ""
	st.GoogleClientSecret = ""
	st.WebhookURL = ""
	for i, c := range st.Channels {
		st.Channels[i] = publicChannel(c)
	}
	return st.WithDefaults(), err
}

// UpdateSettings validates and saves the settings.
func (s *Service) UpdateSettings(st job.Settings) (job.Settings, error) {
	st.NASRoot = strings.TrimSpace(st.NASRoot)
	if err := st.Validate(); err != nil {
		return job.Settings{}, err
	}
	if st.NASRoot != "" {
		if err := checkNASRoot(st.NASRoot); err != nil {
			return job.Settings{}, err
		}
	}
	old, err := s.store.GetSettings()
	if err != nil {
		return job.Settings{}, err
	}
	if err := s.sealSettingsSecret(&st, old); err != nil {
		return job.Settings{}, err
	}
	ln, err := s.listenMetrics(st.MetricsPort)
	if err != nil {
		return job.Settings{}, err
	}
	webhook := st.WebhookURL
	_, err = s.store.ModifySettings(func(cur *job.Settings) error {
		// changed by their own calls
		st.SchedulesPaused, st.LaunchAtLogin, st.Channels, st.WebhookURL = cur.SchedulesPaused, cur.LaunchAtLogin, cur.Channels, cur.WebhookURL
		*cur = st
		return nil
	})
	if err != nil {
		if ln != nil {
			ln.Close()
		}
		return job.Settings{}, err
	}
	if s.opts.Schedules {
		s.serveMetrics(st.MetricsPort, ln)
	}
	if webhook != "" { // a webhook given the way older versions took it
		if err := s.migrateWebhook(webhook, st.Notifications); err != nil {
			return job.Settings{}, err
		}
	}
	setUploadLimit(s.upload, st.UploadLimit)
	s.changed("settings")
	return s.Settings()
}

// ListHistory returns a page of runs, newest first, as GET /api/history.
func (s *Service) ListHistory(f store.HistoryFilter) (store.HistoryPage, error) {
	if f.Status != "" && !f.Status.Valid() {
		return store.HistoryPage{}, fmt.Errorf("unknown status %q", f.Status)
	}
	if f.Limit < 0 || f.Offset < 0 {
		return store.HistoryPage{}, fmt.Errorf("limit and offset cannot be negative")
	}
	return s.store.ListRuns(f)
}

// GetRun returns one history entry.
func (s *Service) GetRun(id string) (job.Run, error) { return s.store.GetRun(id) }

func (s *Service) changed(what string) {
	if what == "jobs" || what == "destinations" {
		s.manifests.clear() // a version's name may now point elsewhere
	}
	s.emit.Emit(events.DataChanged, map[string]string{"what": what})
}
