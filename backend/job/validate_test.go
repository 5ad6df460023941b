package job

import (
	"errors"
	"strings"
	"testing"
	"time"
)

// check asserts that err is nil when want is empty, and otherwise that it
// contains want.
func check(t *testing.T, what string, err error, want string) {
	t.Helper()
	if want == "" && err != nil {
		t.Errorf("%s: unexpected error %v", what, err)
	}
	if want != "" && (err == nil || !strings.Contains(err.Error(), want)) {
		t.Errorf("%s = %v, want an error containing %q", what, err, want)
	}
}

func validJob() Job {
	j := NewJob()
	j.Name = "Photos"
	j.SourcePath = "/photos/2024"
	j.DestinationID = "d1"
	return j
}

func TestNewJobIsValidOnceNamed(t *testing.T) {
	j := validJob()
	if err := j.Validate(); err != nil {
		t.Fatal(err)
	}
	if !j.Incremental || j.OnNoChange != NoChangeNewVersion || !j.UseDefaultExcludes || !j.Enabled {
		t.Errorf("NewJob defaults = %+v", j)
	}
}

func TestJobValidate(t *testing.T) {
	for _, tc := range []struct {
		name   string
		change func(*Job)
		want   string
	}{
		{"valid", func(*Job) {}, ""},
		{"root source", func(j *Job) { j.SourcePath = "" }, ""},
		{"empty name", func(j *Job) { j.Name = "  " }, "name: a name is required"},
		{"padded name", func(j *Job) { j.Name = " Photos" }, "name: must not start or end with a space"},
		{"long name", func(j *Job) { j.Name = strings.Repeat("n", 101) }, "name: must be at most 100 characters long"},
		{"control in name", func(j *Job) { j.Name = "a\tb" }, "name: must not contain control characters"},
		{"long description", func(j *Job) { j.Description = strings.Repeat("d", 1001) }, "description: must be at most 1000 characters long (it has 1001)"},
		{"escaping source", func(j *Job) { j.SourcePath = "photos/../../etc" }, `sourcePath: "photos/../../etc" must not contain ".."`},
		{"NUL in source", func(j *Job) { j.SourcePath = "a\x00b" }, "sourcePath: the path must not contain NUL characters"},
		{"no destination", func(j *Job) { j.DestinationID = "" }, "destinationId: choose a destination"},
		{"bad cron", func(j *Job) { j.Schedule = "0 25 * * *" }, `schedule: hour field "25": 25 is out of range 0-23`},
		{"retention", func(j *Job) { j.RetentionCount = 0 }, "retentionCount: keep between 1 and 1000 versions"},
		{"pattern", func(j *Job) { j.NamePattern = "{nope}-{date}" }, "namePattern: unknown token {nope}"},
		{"no-change policy", func(j *Job) { j.OnNoChange = "" }, `onNoChange: must be "newVersion" or "skip", not ""`},
		{"bad include", func(j *Job) { j.Includes = []string{"[a-"} }, `includes: pattern "[a-" is malformed`},
		{"empty exclude", func(j *Job) { j.Excludes = []string{" "} }, "excludes: contains an empty pattern"},
		{"good globs", func(j *Job) { j.Includes, j.Excludes = []string{"**/*.jpg"}, []string{"*.tmp", "cache/**"} }, ""},
	} {
		j := validJob()
		tc.change(&j)
		check(t, tc.name, j.Validate(), tc.want)
	}
}

func TestValidateListsEveryProblem(t *testing.T) {
	j := Job{}
	err := j.Validate()
	var ve *ValidationError
	if !errors.As(err, &ve) {
		t.Fatalf("Validate() = %v, want a *ValidationError", err)
	}
	fields := map[string]bool{}
	for _, f := range ve.Fields {
		fields[f.Field] = true
	}
	for _, want := range []string{"name", "destinationId", "schedule", "retentionType", "namePattern", "onNoChange"} {
		if !fields[want] {
			t.Errorf("no problem reported for %s in %v", want, err)
		}
	}
}

func TestDestinationValidate(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Destination
		want string
	}{
		{"local", Destination{Name: "USB", Kind: KindLocal, RemoteID: "/media/usb"}, ""},
		{"local relative", Destination{Name: "USB", Kind: KindLocal, RemoteID: "media/usb"}, `remoteId: "media/usb" is not an absolute folder path`},
		{"local missing", Destination{Name: "USB", Kind: KindLocal}, "remoteId: choose the folder to back up into"},
		{"s3", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "my-bucket.eu", FolderPath: "/backups/nas/",
			Options: map[string]string{"endpoint": "https://s3.example.com:9000", "region": "eu-central-1", "pathStyle": "true",
				"storageClass": "STANDARD_IA", "sse": "aws:kms", "sseKmsKeyId": "key-1", "checksumCompat": "false"}}, ""},
		{"s3 without credential", Destination{Name: "B", Kind: KindS3, RemoteID: "bucket"}, "credentialId: S3 destinations need a credential"},
		{"s3 bad bucket", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "a"}, `remoteId: "a" is not a bucket name`},
		{"s3 bucket with slash", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "a/b"}, "is not a bucket name"},
		{"s3 no bucket", Destination{Name: "B", Kind: KindS3, CredentialID: "c"}, "remoteId: enter the bucket name"},
		{"s3 bad endpoint", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"endpoint": "s3.example.com"}}, `options: endpoint: "s3.example.com" is not a URL`},
		{"s3 endpoint with password", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"endpoint": "https://u:p@s3.example.com"}}, "options: endpoint: must not contain a user name or password"},
		{"s3 bad bool", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"pathStyle": "yes"}}, `options: pathStyle: must be true or false, not "yes"`},
		{"s3 unknown option", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"forcePathStyle": "true"}}, `options: "forcePathStyle" is not an option of S3 destinations (known: caPem, checksumCompat, encrypt, encryptionKey, endpoint, md5Pass, partSizeMiB, pathStyle, region, sse, sseKmsKeyId, storageClass)`},
		{"s3 bad sse", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"sse": "yes"}}, `options: sse: must be AES256 or aws:kms, not "yes"`},
		{"s3 md5Pass and part size", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"md5Pass": "true", "partSizeMiB": "64", "caPem": "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n"}}, ""},
		{"s3 empty means the default", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"region": "", "sse": "", "partSizeMiB": ""}}, ""},
		{"s3 part size too small", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"partSizeMiB": "4"}}, `options: partSizeMiB: must be a whole number from 5 to 5120, not "4"`},
		{"s3 KMS key without aws:kms", Destination{Name: "B", Kind: KindS3, CredentialID: "c", RemoteID: "bucket",
			Options: map[string]string{"sse": "AES256", "sseKmsKeyId": "key-1"}}, "options: sseKmsKeyId: applies only when sse is aws:kms"},
		{"gdrive", Destination{Name: "G", Kind: KindGDrive, CredentialID: "c", RemoteID: "0ABcd-12_3", Options: map[string]string{"trash": "true"}}, ""},
		{"gdrive bad id", Destination{Name: "G", Kind: KindGDrive, CredentialID: "c", RemoteID: "a b"}, `remoteId: "a b" is not a Google Drive id`},
		{"local option", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", Options: map[string]string{"trash": "true"}},
			`options: "trash" is not an option of local folder destinations (known: encrypt, encryptionKey)`},
		{"encrypt without password", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", Options: map[string]string{"encrypt": "true"}},
			"options: encryption is on but no password is set"},
		{"encryption key typed in", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", Options: map[string]string{"encrypt": "true", "encryptionKey": "hunter2"}},
			"options: encryptionKey: is not a sealed value"},
		{"kind", Destination{Name: "X", Kind: "dropbox"}, `kind: must be one of local, s3 or gdrive, not "dropbox"`},
		{"folder dots", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", FolderPath: "a/../b"}, `folderPath: "a/../b" must not contain ".."`},
		{"folder double slash", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", FolderPath: "a//b"}, "folderPath: \"a//b\" has an empty folder name"},
		{"folder backslash", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", FolderPath: `a\b`}, "must use / between folders"},
		{"folder control", Destination{Name: "L", Kind: KindLocal, RemoteID: "/x", FolderPath: "a\nb"}, "must not contain control characters"},
	} {
		check(t, tc.name, tc.d.Validate(), tc.want)
	}
}

// TestDestinationValidateAccess: what listing choices needs, before the
// name and the bucket, drive or folder are filled in.
func TestDestinationValidateAccess(t *testing.T) {
	for _, tc := range []struct {
		name string
		d    Destination
		want string
	}{
		{"local with nothing else", Destination{Kind: KindLocal}, ""},
		{"s3 without bucket", Destination{Kind: KindS3, CredentialID: "c", FolderPath: "a//b"}, ""},
		{"gdrive without drive", Destination{Kind: KindGDrive, CredentialID: "c"}, ""},
		{"s3 without credential", Destination{Kind: KindS3}, "credentialId: S3 destinations need a credential"},
		{"s3 endpoint with password", Destination{Kind: KindS3, CredentialID: "c", Options: map[string]string{"endpoint": "https://u:p@s3.example.com"}},
			"options: endpoint: must not contain a user name or password"},
		{"kind", Destination{Kind: "dropbox"}, `kind: must be one of local, s3 or gdrive, not "dropbox"`},
	} {
		check(t, tc.name, tc.d.ValidateAccess(), tc.want)
	}
}

func TestCredentialValidate(t *testing.T) {
	ok := Credential{Name: "AWS", Provider: KindS3, Status: CredentialOK, Metadata: map[string]string{"accessKeyId": "AKIA…WXYZ"}}
	check(t, "valid", ok.Validate(), "")
	bad := ok
	bad.Provider = "dropbox"
	check(t, "provider", bad.Validate(), `provider: must be one of local, s3 or gdrive, not "dropbox"`)
	bad = ok
	bad.Status = ""
	check(t, "status", bad.Validate(), `status: must be "ok" or "reauth", not ""`)
	bad = ok
	bad.Metadata = map[string]string{"": "x"}
	check(t, "metadata", bad.Validate(), "metadata: entry \"\" must have a short key")
}

func TestSettingsValidate(t *testing.T) {
	check(t, "zero", (&Settings{}).Validate(), "")
	s := Settings{}.WithDefaults()
	if s.WorkerConcurrency != 2 || s.TransfersPerRun != 4 || s.KeySource != KeySourceKeyring || s.Notifications != NotifyFailures {
		t.Errorf("WithDefaults() = %+v", s)
	}
	check(t, "defaults", s.Validate(), "")
	check(t, "relative root", (&Settings{NASRoot: "mnt/nas"}).Validate(), "nasRoot: must be an absolute path")
	check(t, "workers", (&Settings{WorkerConcurrency: 17}).Validate(), "workerConcurrency: must be between 1 and 16")
	check(t, "transfers", (&Settings{TransfersPerRun: -1}).Validate(), "transfersPerRun: must be between 1 and 64")
	check(t, "key source", (&Settings{KeySource: "usb"}).Validate(), `keySource: must be "keyring" or "file", not "usb"`)
	check(t, "notifications", (&Settings{Notifications: "some"}).Validate(), "notifications: must be")
}

func TestRun(t *testing.T) {
	start := time.Date(2026, 1, 12, 2, 0, 0, 0, time.UTC)
	r := Run{JobID: "j", Status: StatusRunning, Trigger: TriggerSchedule, StartedAt: start}
	check(t, "valid", r.Validate(), "")
	for i := range MaxFailures + 5 {
		r.AddFailure("f"+string(rune('a'+i%26)), "permission denied")
	}
	if r.FilesFailed != MaxFailures+5 || len(r.Failures) != MaxFailures {
		t.Errorf("after %d failures: FilesFailed %d, kept %d", MaxFailures+5, r.FilesFailed, len(r.Failures))
	}
	r.Finish(StatusSuccess, start.Add(time.Minute), "")
	if r.Status != StatusPartialSuccess || r.CompletedAt == nil {
		t.Errorf("Finish(SUCCESS) with failures gave %s", r.Status)
	}
	check(t, "finished", r.Validate(), "")
	bad := Run{Status: "DONE", Trigger: "cron", FilesUploaded: -1}
	err := bad.Validate()
	for _, want := range []string{"jobId: a run must belong to a job", `status: unknown status "DONE"`,
		`trigger: unknown trigger "cron"`, "startedAt:", "counters: file and byte counts must not be negative"} {
		check(t, "invalid run", err, want)
	}
}

func TestStatus(t *testing.T) {
	final := map[Status]bool{StatusSuccess: true, StatusPartialSuccess: true, StatusFailed: true, StatusCancelled: true}
	for _, s := range Statuses {
		if s.IsFinal() != final[s] || !s.Valid() {
			t.Errorf("%s: IsFinal %v Valid %v", s, s.IsFinal(), s.Valid())
		}
	}
	if Status("DONE").Valid() || Status("DONE").IsFinal() {
		t.Error("unknown status accepted")
	}
	for _, k := range Kinds {
		if !k.Valid() {
			t.Errorf("kind %s not valid", k)
		}
	}
}

// TestOptionDeclarations: every declared option can be shown and checked:
// it has a label and help, a known type with what that type needs, an
// example its own check accepts, and a condition on an option that exists.
func TestOptionDeclarations(t *testing.T) {
	for _, k := range Kinds {
		seen := map[string]bool{}
		for _, o := range DestinationOptions[k] {
			name := string(k) + "." + o.Key
			if o.Key == "" || seen[o.Key] || o.Label == "" || !strings.HasSuffix(o.Help, ".") {
				t.Errorf("%s: needs a unique key, a label and help written as a sentence: %+v", name, o)
			}
			seen[o.Key] = true
			switch o.Type {
			case OptionChoice:
				if len(o.Choices) == 0 {
					t.Errorf("%s: a choice without choices", name)
				}
			case OptionInt:
				if o.Min >= o.Max {
					t.Errorf("%s: bounds %d..%d", name, o.Min, o.Max)
				}
			case OptionText, OptionLines, OptionBool:
			default:
				t.Errorf("%s: unknown type %q", name, o.Type)
			}
			if err := o.Check(o.Example); err != nil {
				t.Errorf("%s: the example %q is refused: %v", name, o.Example, err)
			}
			if o.When != nil {
				if w, ok := OptionOf(k, o.When.Key); !ok || w.Check(o.When.Value) != nil || o.When.Value == "" {
					t.Errorf("%s: applies when %+v, which no option can be", name, *o.When)
				}
			}
		}
	}
}
