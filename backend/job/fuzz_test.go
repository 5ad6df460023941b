package job

import (
	"net/url"
	"path"
	"path/filepath"
	"strings"
	"testing"
	"time"
	"unicode"
	"unicode/utf8"

	"github.com/avault/avault/backend/job/cron"
	"github.com/avault/avault/backend/job/nasroot"
)

// FuzzPattern checks that ValidatePattern and Render agree, that every
// name Render makes from an accepted pattern is one safe folder name, and
// that runs on different days get different names.
func FuzzPattern(f *testing.F) {
	for _, p := range []string{DefaultNamePattern, "{date}", "{datetime}", "backup-{date}_{time}", "{job}/{date}", "../{date}",
		".tmp-{date}", ".{date}", " {date}", "{date}.", "{date} ", "{nope}{date}", "{date", "date}", "{{date}}", "{time}",
		"a\x00{date}", "a\t{date}", "\xff{date}", "CON{date}", strings.Repeat("x", 90) + "{date}", "{job}{job}{job}{date}",
		"{date}:{time}", "€{datetime}€", "{DATE}"} {
		f.Add(p, "Photos", int64(1767225600))
	}
	f.Fuzz(func(t *testing.T, pattern, jobName string, unix int64) {
		at := time.Unix(unix%253402300799, 0).UTC() // years 1970-9999: four-digit years
		if at.Year() < 1970 {
			at = at.AddDate(2000, 0, 0)
		}
		verr := ValidatePattern(pattern)
		name, rerr := Render(pattern, jobName, at)
		if (verr == nil) != (rerr == nil) {
			t.Fatalf("ValidatePattern(%q) = %v but Render = %v", pattern, verr, rerr)
		}
		if verr != nil {
			return
		}
		assertSafeName(t, name)
		if name == "." || name == ".." || strings.HasPrefix(name, ".tmp-") {
			t.Fatalf("pattern %q renders %q", pattern, name)
		}
		next, _ := Render(pattern, jobName, at.AddDate(0, 0, 1))
		if next == name {
			t.Fatalf("pattern %q gives runs a day apart the same name %q", pattern, name)
		}
	})
}

// FuzzJobValidate fills a job's fields with anything. Validate must not
// panic, and a job it accepts must be safe to run: a source inside the NAS
// root, a schedule the scheduler reads, a pattern Render accepts, a
// retention within bounds, a printable name.
func FuzzJobValidate(f *testing.F) {
	f.Add("Photos", "photos/2024", "0 2 * * *", DefaultNamePattern, "VERSION_COUNT", 7, 0, "*.tmp", "newVersion")
	f.Add(" x", "../etc", "61 * * * *", "../{date}", "HYBRID", -1, 1<<40, "[", "skip")
	f.Add("a\x00b", "/", "@daily", "{date}", "DAYS", 0, 30, "", "explode")
	f.Add(strings.Repeat("é", 101), "a/\x00", "* * *", "{date}", "FOREVER", 1001, 36501, "**", "")
	f.Fuzz(func(t *testing.T, name, source, schedule, pattern, retention string, count, days int, glob, onNoChange string) {
		j := Job{Name: name, SourcePath: source, DestinationID: "d1", Schedule: schedule, NamePattern: pattern,
			RetentionType: RetentionType(retention), RetentionCount: count, RetentionDays: days,
			OnNoChange: NoChangePolicy(onNoChange), Includes: []string{glob}}
		err := j.Validate()
		if err == nil {
			checkAcceptedJob(t, j)
		} else if err.Error() == "" {
			t.Fatal("an error without words")
		}
	})
}

func checkAcceptedJob(t *testing.T, j Job) {
	t.Helper()
	if !printableName(j.Name) {
		t.Fatalf("accepted name %q", j.Name)
	}
	clean, err := nasroot.Clean(j.SourcePath)
	if err != nil || (clean != "" && !filepath.IsLocal(filepath.FromSlash(clean))) || strings.Contains("/"+clean+"/", "/../") {
		t.Fatalf("accepted source %q (clean %q, %v)", j.SourcePath, clean, err)
	}
	if _, err := cron.Parse(j.Schedule); err != nil {
		t.Fatalf("accepted schedule %q: %v", j.Schedule, err)
	}
	if _, err := Render(j.NamePattern, j.Name, time.Now()); err != nil {
		t.Fatalf("accepted pattern %q: %v", j.NamePattern, err)
	}
	p := j.Retention()
	countOK := p.Count >= 1 && p.Count <= MaxRetentionCount
	daysOK := p.Days >= 1 && p.Days <= MaxRetentionDays
	switch p.Type {
	case RetentionVersionCount:
		if !countOK || p.Days != 0 {
			t.Fatalf("accepted %+v", p)
		}
	case RetentionDays:
		if !daysOK || p.Count != 0 {
			t.Fatalf("accepted %+v", p)
		}
	case RetentionHybrid:
		if !countOK || !daysOK {
			t.Fatalf("accepted %+v", p)
		}
	default:
		t.Fatalf("accepted retention type %q", p.Type)
	}
	for _, g := range j.Includes {
		if _, err := path.Match(g, "x"); err != nil || strings.TrimSpace(g) == "" || strings.ContainsRune(g, 0) {
			t.Fatalf("accepted glob %q", g)
		}
	}
	if j.OnNoChange != NoChangeNewVersion && j.OnNoChange != NoChangeSkip {
		t.Fatalf("accepted onNoChange %q", j.OnNoChange)
	}
}

// printableName is what a name must be, checked here independently of
// checkName.
func printableName(s string) bool {
	return s != "" && utf8.ValidString(s) && strings.TrimSpace(s) == s && utf8.RuneCountInString(s) <= MaxNameRunes &&
		strings.IndexFunc(s, unicode.IsControl) < 0
}

// FuzzDestinationValidate: a destination Validate accepts has a known
// kind, a usable place (an absolute local folder without NUL, a bucket
// name, a Drive id), a folder path that cannot climb out, and only known,
// well-formed options.
func FuzzDestinationValidate(f *testing.F) {
	f.Add("Disk", "local", "/mnt/backup", "nas/photos", "", "", "")
	f.Add("S3", "s3", "my-bucket", "backups", "cred", "endpoint", "https://s3.example.com")
	f.Add("S3", "s3", "b", "../x", "cred", "endpoint", "https://user:pw@s3.example.com")
	f.Add("Drive", "gdrive", "root", "a//b", "cred", "trash", "maybe")
	f.Add("x", "local", "relative", "a\\b", "", "pathStyle", "true")
	f.Add("x", "ftp", "/tmp\x00", "\x01", "", "", "")
	f.Fuzz(func(t *testing.T, name, kind, remote, folder, cred, optKey, optValue string) {
		d := Destination{Name: name, Kind: Kind(kind), RemoteID: remote, FolderPath: folder, CredentialID: cred}
		if optKey != "" {
			d.Options = map[string]string{optKey: optValue}
		}
		if err := d.Validate(); err != nil {
			return
		}
		if !printableName(d.Name) || !d.Kind.Valid() || d.RemoteID == "" || (d.Kind != KindLocal && d.CredentialID == "") {
			t.Fatalf("accepted %+v", d)
		}
		switch d.Kind {
		case KindLocal:
			if !filepath.IsAbs(d.RemoteID) || strings.ContainsRune(d.RemoteID, 0) {
				t.Fatalf("accepted local folder %q", d.RemoteID)
			}
		case KindS3:
			if len(d.RemoteID) < 3 || len(d.RemoteID) > 63 || strings.ContainsAny(d.RemoteID, "/ \\") {
				t.Fatalf("accepted bucket %q", d.RemoteID)
			}
		case KindGDrive:
			if strings.ContainsAny(d.RemoteID, "/.\\ ") {
				t.Fatalf("accepted Drive id %q", d.RemoteID)
			}
		}
		for _, seg := range strings.Split(d.FolderPath, "/") {
			if seg == ".." || seg == "." && strings.Trim(d.FolderPath, "/") != "" || strings.ContainsRune(seg, '\\') || strings.IndexFunc(seg, unicode.IsControl) >= 0 {
				t.Fatalf("accepted folder path %q", d.FolderPath)
			}
		}
		for k, v := range d.Options {
			if _, ok := OptionOf(d.Kind, k); !ok {
				t.Fatalf("accepted option %q for %s", k, d.Kind)
			}
			if k == "endpoint" && v != "" {
				u, err := url.Parse(v)
				if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" || u.User != nil {
					t.Fatalf("accepted endpoint %q", v)
				}
			}
		}
	})
}

// FuzzSettingsValidate: settings Validate accepts keep every number in its
// range, the NAS root absolute, and the webhook an http(s) address.
func FuzzSettingsValidate(f *testing.F) {
	f.Add("/mnt/nas", 2, 4, "keyring", "failures", "https://hooks.example.com/x", "1234-abc.apps.googleusercontent.com")
	f.Add("relative", -1, 100000, "bogus", "loud", "javascript:alert(1)", "has space")
	f.Add("", 0, 0, "", "", "", "")
	f.Fuzz(func(t *testing.T, nasRoot string, workers, transfers int, keySource, notify, webhook, clientID string) {
		s := Settings{NASRoot: nasRoot, WorkerConcurrency: workers, TransfersPerRun: transfers, KeySource: KeySource(keySource),
			Notifications: NotifyOn(notify), WebhookURL: webhook, GoogleClientID: clientID}
		if err := s.Validate(); err != nil {
			return
		}
		d := s.WithDefaults()
		if (s.NASRoot != "" && !filepath.IsAbs(s.NASRoot)) || d.WorkerConcurrency < 1 || d.WorkerConcurrency > MaxWorkerConcurrency ||
			d.TransfersPerRun < 1 || d.TransfersPerRun > MaxTransfersPerRun {
			t.Fatalf("accepted %+v (with defaults %+v)", s, d)
		}
		if s.WebhookURL != "" {
			if u, err := url.Parse(s.WebhookURL); err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Host == "" {
				t.Fatalf("accepted webhook %q", s.WebhookURL)
			}
		}
	})
}

// FuzzCredentialValidate: Validate never panics and accepts only a
// printable name, a known provider and status, and bounded metadata.
func FuzzCredentialValidate(f *testing.F) {
	f.Add("Wasabi", "s3", "ok", "accessKeyId", "AKIA…XYZ")
	f.Add("", "ftp", "broken", "", "\x00")
	f.Fuzz(func(t *testing.T, name, provider, status, key, value string) {
		c := Credential{Name: name, Provider: Kind(provider), Status: CredentialStatus(status), Metadata: map[string]string{key: value}}
		if err := c.Validate(); err != nil {
			return
		}
		if !printableName(c.Name) || !c.Provider.Valid() || key == "" || !utf8.ValidString(key+value) || strings.ContainsRune(key+value, 0) {
			t.Fatalf("accepted %+v", c)
		}
	})
}
