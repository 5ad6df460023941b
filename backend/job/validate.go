package job

import (
	"fmt"
	"net/url"
	"path/filepath"
	"strings"
	"unicode"
	"unicode/utf8"
)

// FieldError is one problem with one field. Field is the field's JSON name,
// so a form can show the message beside the right input.
type FieldError struct {
	Field   string `json:"field"`
	Message string `json:"message"`
}

func (e FieldError) Error() string { return e.Field + ": " + e.Message }

// ValidationError lists every problem found in one record.
type ValidationError struct {
	Fields []FieldError `json:"fields"`
}

func (e *ValidationError) Error() string {
	parts := make([]string, len(e.Fields))
	for i, f := range e.Fields {
		parts[i] = f.Error()
	}
	return strings.Join(parts, "; ")
}

// problems collects field errors; err returns nil when there are none.
type problems []FieldError

func (p *problems) add(field, format string, args ...any) {
	*p = append(*p, FieldError{Field: field, Message: fmt.Sprintf(format, args...)})
}

func (p *problems) addErr(field string, err error) {
	if err != nil {
		p.add(field, "%s", err.Error())
	}
}

func (p problems) err() error {
	if len(p) == 0 {
		return nil
	}
	return &ValidationError{Fields: p}
}

// MaxNameRunes is the longest name a credential, destination or job may have.
const MaxNameRunes = 100

// checkName checks a display name: present, not padded, printable, short.
func checkName(name string) error {
	switch {
	case strings.TrimSpace(name) == "":
		return fmt.Errorf("a name is required")
	case !utf8.ValidString(name):
		return fmt.Errorf("must be valid UTF-8 text")
	case strings.TrimSpace(name) != name:
		return fmt.Errorf("must not start or end with a space")
	case utf8.RuneCountInString(name) > MaxNameRunes:
		return fmt.Errorf("must be at most %d characters long", MaxNameRunes)
	case strings.IndexFunc(name, unicode.IsControl) >= 0:
		return fmt.Errorf("must not contain control characters such as tabs or line breaks")
	}
	return nil
}

// checkText checks free text such as a description: valid, bounded.
func checkText(s string, maxRunes int) error {
	if !utf8.ValidString(s) {
		return fmt.Errorf("must be valid UTF-8 text")
	}
	if n := utf8.RuneCountInString(s); n > maxRunes {
		return fmt.Errorf("must be at most %d characters long (it has %d)", maxRunes, n)
	}
	if strings.ContainsRune(s, 0) {
		return fmt.Errorf("must not contain NUL characters")
	}
	return nil
}

// Validate reports every problem with c's own fields.
func (c *Credential) Validate() error {
	var p problems
	p.addErr("name", checkName(c.Name))
	if !c.Provider.Valid() {
		p.add("provider", "must be one of local, s3 or gdrive, not %q", c.Provider)
	}
	if c.Status != CredentialOK && c.Status != CredentialReauth {
		p.add("status", "must be %q or %q, not %q", CredentialOK, CredentialReauth, c.Status)
	}
	if len(c.Metadata) > 50 {
		p.add("metadata", "has %d entries; at most 50 are kept", len(c.Metadata))
	}
	for k, v := range c.Metadata {
		if k == "" || checkText(k, 100) != nil || checkText(v, 1000) != nil {
			p.add("metadata", "entry %q must have a short key and at most 1000 characters of text", k)
		}
	}
	return p.err()
}

// Validate reports every problem with s. Zero fields are accepted: they
// mean the default (see WithDefaults).
func (s *Settings) Validate() error {
	var p problems
	if s.NASRoot != "" && !filepath.IsAbs(s.NASRoot) {
		p.add("nasRoot", "must be an absolute path such as /mnt/nas, /Volumes/share or Z:\\")
	}
	if s.WorkerConcurrency < 0 || s.WorkerConcurrency > MaxWorkerConcurrency {
		p.add("workerConcurrency", "must be between 1 and %d", MaxWorkerConcurrency)
	}
	if s.TransfersPerRun < 0 || s.TransfersPerRun > MaxTransfersPerRun {
		p.add("transfersPerRun", "must be between 1 and %d", MaxTransfersPerRun)
	}
	if s.UploadLimit != 0 && (s.UploadLimit < MinUploadLimit || s.UploadLimit > MaxUploadLimit) {
		p.add("uploadLimit", "must be 0 (no limit) or between %s and %s", FormatRate(MinUploadLimit), FormatRate(MaxUploadLimit))
	}
	switch s.KeySource {
	case "", KeySourceKeyring, KeySourceFile:
	default:
		p.add("keySource", "must be %q or %q, not %q", KeySourceKeyring, KeySourceFile, s.KeySource)
	}
	switch s.Notifications {
	case "", NotifyFailures, NotifyAll, NotifyNever:
	default:
		p.add("notifications", "must be %q, %q or %q, not %q", NotifyFailures, NotifyAll, NotifyNever, s.Notifications)
	}
	if s.WebhookURL != "" {
		if u, err := url.Parse(s.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
			p.add("webhookUrl", "must be an http:// or https:// address")
		}
	}
	if s.MetricsPort != 0 && (s.MetricsPort < 1024 || s.MetricsPort > 65535) {
		p.add("metricsPort", "must be 0 (off) or a port between 1024 and 65535")
	}
	if len(s.Channels) > MaxChannels {
		p.add("channels", "at most %d notification channels", MaxChannels)
	}
	if len(s.GoogleClientID) > 256 || strings.ContainsAny(s.GoogleClientID, " \t\r\n") {
		p.add("googleClientId", "is not an OAuth client id (it looks like 1234-abc.apps.googleusercontent.com)")
	}
	return p.err()
}

// Validate reports every problem with r's own fields.
func (r *Run) Validate() error {
	var p problems
	if r.JobID == "" {
		p.add("jobId", "a run must belong to a job")
	}
	if !r.Status.Valid() {
		p.add("status", "unknown status %q", r.Status)
	}
	if !r.Trigger.Valid() {
		p.add("trigger", "unknown trigger %q", r.Trigger)
	}
	if r.StartedAt.IsZero() {
		p.add("startedAt", "a run needs its start time")
	}
	if r.CompletedAt != nil && r.CompletedAt.Before(r.StartedAt) {
		p.add("completedAt", "is before startedAt")
	}
	for _, n := range []int64{r.FilesScanned, r.FilesUploaded, r.FilesCopied, r.FilesSkipped,
		r.FilesFailed, r.BytesScanned, r.BytesUploaded, r.BytesCopied} {
		if n < 0 {
			p.add("counters", "file and byte counts must not be negative")
			break
		}
	}
	if len(r.Failures) > MaxFailures {
		p.add("failures", "keeps at most %d entries (FilesFailed counts the rest)", MaxFailures)
	}
	return p.err()
}
