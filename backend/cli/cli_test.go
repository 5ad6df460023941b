package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
)

type harness struct {
	t    *testing.T
	data string
	nas  string
}

func newHarness(t *testing.T) *harness {
	t.Setenv("DBUS_SESSION_BUS_ADDRESS", "")
	t.Setenv("AVAULT_ENCRYPTION_KEY", strings.Repeat("0f", 32))
	h := &harness{t: t, data: filepath.Join(t.TempDir(), "data"), nas: t.TempDir()}
	if err := os.MkdirAll(filepath.Join(h.nas, "photos"), 0o755); err != nil {
		t.Fatal(err)
	}
	return h
}

// run runs the CLI and returns exit code, stdout and stderr.
func (h *harness) run(stdin string, args ...string) (int, string, string) {
	var out, errb bytes.Buffer
	code := Run(context.Background(), args, Env{
		Stdin: strings.NewReader(stdin), Stdout: &out, Stderr: &errb,
		Open: func(ctx context.Context, emit events.Emitter) (*service.Service, error) {
			return service.Open(ctx, service.Options{DataDir: h.data, Emitter: emit})
		},
	})
	return code, out.String(), errb.String()
}

func (h *harness) must(args ...string) string {
	h.t.Helper()
	code, out, errs := h.run("", args...)
	if code != 0 {
		h.t.Fatalf("avault %v: exit %d: %s", args, code, errs)
	}
	return out
}

func TestRecordsThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	disk := t.TempDir()
	h.must("settings", "--nas-root", h.nas)
	h.must("dest", "add", "--name", "Disk", "--kind", "local", "--remote", disk)
	h.must("job", "add", "--name", "Photos", "--source", "/photos", "--dest", "disk", "--keep", "3")

	var jobs []job.Job
	if err := json.Unmarshal([]byte(h.must("job", "list", "--json")), &jobs); err != nil {
		t.Fatal(err)
	}
	if len(jobs) != 1 || jobs[0].Name != "Photos" || jobs[0].RetentionCount != 3 || jobs[0].SourcePath != "photos" {
		t.Fatalf("jobs = %+v", jobs)
	}
	h.must("job", "edit", "Photos", "--schedule", "@daily", "--exclude", "*.tmp")
	out := h.must("job", "show", "photos")
	if !strings.Contains(out, "@daily") || !strings.Contains(out, "*.tmp") {
		t.Fatalf("edit not saved:\n%s", out)
	}

	code, _, errs := h.run("", "dest", "rm", "Disk")
	if code != ExitFailed || !strings.Contains(errs, "Photos") {
		t.Fatalf("removing a used destination: exit %d, %q", code, errs)
	}
	h.must("job", "rm", "Photos")
	h.must("dest", "rm", "Disk")
	if out := h.must("history"); !strings.Contains(out, "no runs yet") {
		t.Fatalf("history: %s", out)
	}
}

func TestBadInputIsRefusedAndChangesNothing(t *testing.T) {
	h := newHarness(t)
	disk := t.TempDir()
	h.must("settings", "--nas-root", h.nas)
	h.must("dest", "add", "--name", "Disk", "--kind", "local", "--remote", disk)
	before := h.must("job", "list", "--json")

	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"job", "add", "--name", "X", "--source", "../etc", "--dest", "Disk"}, ExitFailed, ".."},
		{[]string{"job", "add", "--name", "X", "--source", "photos", "--dest", "Disk", "--schedule", "61 * * * *"}, ExitFailed, "minute"},
		{[]string{"job", "add", "--name", "X", "--source", "photos", "--dest", "Nowhere"}, ExitFailed, "no destination"},
		{[]string{"job", "add", "--name", "X", "--source", "photos", "--dest", "Disk", "--keep", "-1"}, ExitFailed, "etention"},
		{[]string{"job", "add", "--name", "X", "--source", "photos", "--dest", "Disk", "--pattern", "a/{date}"}, ExitFailed, "namePattern"},
		{[]string{"job", "rm", "ghost"}, ExitFailed, "no job"},
		{[]string{"cred", "add", "s3", "--name", "S3", "--access-key-id", "AKIA"}, ExitUsage, "secret"},
		{[]string{"dest", "add", "--name", "Gone", "--kind", "local", "--remote", filepath.Join(disk, "missing")}, ExitFailed, "not saved"},
		{[]string{"frobnicate"}, ExitUsage, "unknown command"},
		{[]string{"history", "--status", "nope"}, ExitFailed, "unknown status"},
	}
	for _, c := range cases {
		code, _, errs := h.run("", c.args...)
		if code != c.code || !strings.Contains(errs, c.want) {
			t.Errorf("avault %v: exit %d %q; want exit %d mentioning %q", c.args, code, errs, c.code, c.want)
		}
	}
	if after := h.must("job", "list", "--json"); after != before {
		t.Fatalf("refused commands changed the jobs:\n%s\n%s", before, after)
	}
}

func TestSecretsNeverPrinted(t *testing.T) {
	h := newHarness(t)
	const secret = "PLANTED-secret-value-9f8e7d"
	code, out, errs := h.run(secret+"\n", "cred", "add", "s3", "--name", "S3", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--secret-stdin", "--json")
	if code != 0 {
		t.Fatalf("exit %d: %s", code, errs)
	}
	list := h.must("cred", "list", "--json")
	for _, s := range []string{out, errs, list} {
		if strings.Contains(s, secret) || strings.Contains(s, "AKIAIOSFODNN7EXAMPLE") {
			t.Fatalf("a secret was printed:\n%s", s)
		}
	}
}

func TestRunVerifyAndRestoreThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	disk := t.TempDir()
	src := filepath.Join(h.nas, "photos")
	if err := os.MkdirAll(filepath.Join(src, "2024"), 0o755); err != nil {
		t.Fatal(err)
	}
	want := []byte("holiday picture bytes")
	if err := os.WriteFile(filepath.Join(src, "2024", "beach.jpg"), want, 0o644); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(src, "notes.txt"), []byte("notes"), 0o644); err != nil {
		t.Fatal(err)
	}
	h.must("settings", "--nas-root", h.nas)
	h.must("dest", "add", "--name", "Disk", "--kind", "local", "--remote", disk)
	h.must("job", "add", "--name", "Photos", "--source", "photos", "--dest", "Disk")

	code, out, errs := h.run("", "run", "Photos")
	if code != ExitOK || !strings.Contains(out, "SUCCESS") {
		t.Fatalf("run: exit %d\n%s\n%s", code, out, errs)
	}
	assertProgressLines(t, errs)
	var versions []struct{ Name string }
	if err := json.Unmarshal([]byte(h.must("versions", "Photos", "--json")), &versions); err != nil || len(versions) != 1 {
		t.Fatalf("versions: %v %v", versions, err)
	}
	if out := h.must("verify", "Photos", "--deep"); !strings.Contains(out, "damaged:") {
		t.Fatalf("verify output:\n%s", out)
	}

	to := filepath.Join(t.TempDir(), "restored")
	h.must("restore", "Photos", "latest", "2024/beach.jpg", "--to", to)
	got, err := os.ReadFile(filepath.Join(to, "2024", "beach.jpg"))
	if err != nil || string(got) != string(want) {
		t.Fatalf("restored bytes = %q, %v", got, err)
	}
	if _, err := os.Stat(filepath.Join(to, "notes.txt")); err == nil {
		t.Fatal("restoring one file restored others too")
	}
	if code, _, errs := h.run("", "restore", "Photos", "latest", "2024/beach.jpg", "--to", to); code == ExitOK {
		t.Fatalf("restoring over an existing file without --overwrite must fail: %s", errs)
	}
	h.must("restore", "Photos", "latest", "2024/beach.jpg", "--to", to, "--overwrite")
	if code, _, _ := h.run("", "restore", "Photos", "latest"); code != ExitUsage {
		t.Fatalf("restore without --to: exit %d, want %d", code, ExitUsage)
	}
	if code, _, errs := h.run("", "verify", "Photos", "../../etc"); code == ExitOK || !strings.Contains(errs, "not a version") {
		t.Fatalf("verify of a foreign name: exit %d %q", code, errs)
	}
	var page struct {
		Items []job.Run `json:"items"`
	}
	if err := json.Unmarshal([]byte(h.must("history", "--json")), &page); err != nil || len(page.Items) != 1 || page.Items[0].Verify == nil {
		t.Fatalf("history must hold the run with its verify result: %+v %v", page, err)
	}

	// Retention, previewed: the job's policy, then one given by flags.
	if out := h.must("retention", "Photos"); !strings.Contains(out, "keep     the newest version") || !strings.Contains(out, "retention newest 7: 1 of 1 versions kept, 0 deleted") {
		t.Fatalf("retention output:\n%s", out)
	}
	h.must("run", "Photos")
	type preview struct {
		Policy   job.Policy `json:"policy"`
		Versions []struct {
			Keep   bool   `json:"keep"`
			Reason string `json:"reason"`
		} `json:"versions"`
	}
	var p, q preview
	if err := json.Unmarshal([]byte(h.must("retention", "Photos", "--keep", "1", "--json")), &p); err != nil || len(p.Versions) != 2 ||
		!p.Versions[0].Keep || p.Versions[1].Keep || p.Versions[1].Reason != "not the newest" {
		t.Fatalf("retention --keep 1: %+v %v", p, err)
	}
	if err := json.Unmarshal([]byte(h.must("retention", "Photos", "--retention", "days", "--days", "30", "--json")), &q); err != nil ||
		q.Policy != (job.Policy{Type: job.RetentionDays, Days: 30}) || len(q.Versions) != 2 || !q.Versions[1].Keep {
		t.Fatalf("retention --retention days --days 30: %+v %v", q, err)
	}
	if code, _, errs := h.run("", "retention", "Photos", "--retention", "hybrid"); code != ExitFailed || !strings.Contains(errs, "keep versions between 1 and 36500 days") {
		t.Fatalf("hybrid without days: exit %d %q", code, errs)
	}
	if vs := h.must("versions", "Photos"); strings.Count(vs, "Photos-") != 2 {
		t.Fatalf("a retention preview must delete nothing:\n%s", vs)
	}
}

// assertProgressLines checks what `avault run` writes to a pipe: each phase
// on its own line, in order, and at least one plain progress line (no
// terminal escapes, which would garble a log file).
func assertProgressLines(t *testing.T, stderr string) {
	t.Helper()
	lines := strings.Split(strings.TrimSpace(stderr), "\n")
	phases := []string{"pending: queued", "uploading", "rotating"}
	next, bars := 0, 0
	for _, l := range lines {
		if strings.HasPrefix(l, "[") {
			bars++
		}
		if next < len(phases) && l == phases[next] {
			next++
		}
	}
	if next < len(phases) {
		t.Errorf("run progress: phase %q missing or out of order in:\n%s", phases[next], stderr)
	}
	if bars == 0 {
		t.Errorf("run progress: no progress line in:\n%s", stderr)
	}
	if strings.Contains(stderr, "\r") || strings.Contains(stderr, "\033[") {
		t.Errorf("run progress to a pipe has terminal escapes: %q", stderr)
	}
}

func TestAutostartThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	cfg := t.TempDir()
	t.Setenv("XDG_CONFIG_HOME", cfg)
	h.must("autostart", "on")
	entry, err := os.ReadFile(filepath.Join(cfg, "autostart", "avault.desktop"))
	if err != nil || !strings.Contains(string(entry), "--hidden") {
		t.Fatalf("autostart entry: %v\n%s", err, entry)
	}
	if out := h.must("autostart", "status"); !strings.Contains(out, "on") {
		t.Fatalf("status: %s", out)
	}
	h.must("autostart", "off")
	if _, err := os.Stat(filepath.Join(cfg, "autostart", "avault.desktop")); !os.IsNotExist(err) {
		t.Fatalf("entry still there after off: %v", err)
	}
}

func TestUploadLimitThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	h.must("settings", "--nas-root", h.nas)
	if out := h.must("settings", "--upload-limit", "20Mbit"); !strings.Contains(out, "upload limit") || !strings.Contains(out, "20 Mbit/s") {
		t.Errorf("settings after --upload-limit 20Mbit:\n%s", out)
	}
	for _, bad := range []string{"20", "-1M", "fast", "1KiB", "99TiB"} {
		code, _, errOut := h.run("", "settings", "--upload-limit", bad)
		if code != 2 && code != 1 || !strings.Contains(errOut, "upload") {
			t.Errorf("--upload-limit %q: exit %d, %q; want a clear refusal", bad, code, errOut)
		}
	}
	var st job.Settings
	if err := json.Unmarshal([]byte(h.must("settings", "--json")), &st); err != nil {
		t.Fatal(err)
	}
	if st.UploadLimit != 2_500_000 {
		t.Errorf("after refused limits the stored one is %d, want 2500000", st.UploadLimit)
	}
	h.must("settings", "--upload-limit", "off")
	if out := h.must("settings"); !strings.Contains(out, "no limit") {
		t.Errorf("settings after --upload-limit off:\n%s", out)
	}
}

// jobOf returns the job saved under name, as `job show --json` prints it.
func (h *harness) jobOf(name string) job.Job {
	h.t.Helper()
	var j job.Job
	if err := json.Unmarshal([]byte(h.must("job", "show", name, "--json")), &j); err != nil {
		h.t.Fatal(err)
	}
	return j
}

// TestRetentionTypesThroughTheCommandLine: each retention type can be
// chosen with the flags it uses, on add and on edit; switching type on
// edit leaves out the field the new type does not use, unless it was
// given, and then the refusal names its flag.
func TestRetentionTypesThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	h.must("settings", "--nas-root", h.nas)
	h.must("dest", "add", "--name", "Disk", "--kind", "local", "--remote", t.TempDir())
	add := func(name string, flags ...string) []string {
		return append([]string{"job", "add", "--name", name, "--source", "/photos", "--dest", "Disk"}, flags...)
	}
	policy := func(name string) job.Policy {
		j := h.jobOf(name)
		return j.Retention()
	}
	type P = job.Policy

	for _, tc := range []struct {
		args []string
		job  string
		want P
	}{
		{add("Days", "--retention", "DAYS", "--days", "30"), "Days", P{Type: job.RetentionDays, Days: 30}},
		{add("Hybrid", "--retention", "HYBRID", "--keep", "3", "--days", "30"), "Hybrid", P{Type: job.RetentionHybrid, Count: 3, Days: 30}},
		{add("Count", "--retention", "VERSION_COUNT", "--keep", "5"), "Count", P{Type: job.RetentionVersionCount, Count: 5}},
		{add("Lower", "--retention", "days", "--days", "7"), "Lower", P{Type: job.RetentionDays, Days: 7}},
		{[]string{"job", "edit", "Count", "--retention", "DAYS", "--days", "14"}, "Count", P{Type: job.RetentionDays, Days: 14}},
		{[]string{"job", "edit", "Days", "--retention", "HYBRID", "--keep", "2"}, "Days", P{Type: job.RetentionHybrid, Count: 2, Days: 30}},
		{[]string{"job", "edit", "Hybrid", "--retention", "VERSION_COUNT"}, "Hybrid", P{Type: job.RetentionVersionCount, Count: 3}},
		{[]string{"job", "edit", "Hybrid", "--keep", "4"}, "Hybrid", P{Type: job.RetentionVersionCount, Count: 4}},
		{[]string{"job", "edit", "Lower", "--days", "60"}, "Lower", P{Type: job.RetentionDays, Days: 60}},
	} {
		h.must(tc.args...)
		if got := policy(tc.job); got != tc.want {
			t.Errorf("avault %v: saved %+v, want %+v", tc.args, got, tc.want)
		}
	}

	before := h.must("job", "list", "--json")
	for _, tc := range []struct {
		args []string
		want string
	}{
		{[]string{"job", "edit", "Hybrid", "--retention", "DAYS", "--days", "10", "--keep", "4"}, "retentionCount (--keep): is not used by DAYS retention"},
		{[]string{"job", "edit", "Days", "--retention", "VERSION_COUNT", "--days", "30"}, "retentionDays (--days): is not used by VERSION_COUNT retention"},
		{[]string{"job", "edit", "Lower", "--keep", "3"}, "retentionCount (--keep): is not used by DAYS retention"},
		{[]string{"job", "edit", "Count", "--retention", "VERSION_COUNT"}, "retentionCount (--keep): keep between 1 and"},
		{add("NoDays", "--retention", "DAYS"), "retentionDays (--days): keep versions between 1 and"},
		{add("Both", "--retention", "VERSION_COUNT", "--keep", "5", "--days", "30"), "retentionDays (--days): is not used by VERSION_COUNT retention"},
		{add("Weekly", "--retention", "WEEKLY"), "retentionType (--retention): must be VERSION_COUNT, DAYS or HYBRID"},
	} {
		if code, _, errs := h.run("", tc.args...); code != ExitFailed || !strings.Contains(errs, tc.want) {
			t.Errorf("avault %v: exit %d %q; want a refusal mentioning %q", tc.args, code, errs, tc.want)
		}
	}
	if after := h.must("job", "list", "--json"); after != before {
		t.Fatalf("refused commands changed the jobs:\n%s\n%s", before, after)
	}
}

// TestDestinationOptionsThroughTheCommandLine: `dest add -h` lists every
// kind's options with the values they accept; each is saved as given, and
// a misspelt option or a wrong value is refused, naming it, before any
// connection is tried.
func TestDestinationOptionsThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	code, _, help := h.run("", "dest", "add", "-h")
	if code != ExitOK {
		t.Fatalf("dest add -h: exit %d", code)
	}
	for _, k := range job.Kinds {
		for _, o := range job.DestinationOptions[k] {
			if o.Key == job.OptionEncryptionKey { // set by Avault from the passwords, never given
				if strings.Contains(help, o.Key) {
					t.Errorf("dest add -h offers %s", o.Key)
				}
				continue
			}
			if !strings.Contains(help, "    "+o.Key+" ") || !strings.Contains(help, o.Help) {
				t.Errorf("dest add -h does not describe the %s option %s:\n%s", k, o.Key, help)
			}
		}
	}
	for _, want := range []string{"--kind local (local folder):", "-password-stdin", "md5Pass", "true|false", "partSizeMiB", "5-5120", "AES256|aws:kms", "Empty means us-east-1."} {
		if !strings.Contains(help, want) {
			t.Errorf("dest add -h does not mention %q:\n%s", want, help)
		}
	}

	if code, _, errs := h.run("secret\n", "cred", "add", "s3", "--name", "Key", "--access-key-id", "AKIAIOSFODNN7EXAMPLE", "--secret-stdin"); code != ExitOK {
		t.Fatalf("cred add: exit %d %s", code, errs)
	}
	s3 := func(opts ...string) []string {
		args := []string{"dest", "add", "--name", "Bucket", "--kind", "s3", "--remote", "my-bucket", "--credential", "Key"}
		for _, o := range opts {
			args = append(args, "--opt", o)
		}
		return args
	}
	for _, tc := range []struct {
		opt, want string
	}{
		{"md5pass=true", `options (--opt): "md5pass" is not an option of S3 destinations (known: caPem, checksumCompat, encrypt, encryptionKey, endpoint, md5Pass, partSizeMiB,`},
		{"checksum=whenRequired", `"checksum" is not an option of S3 destinations`},
		{"md5Pass=yes", `options (--opt): md5Pass: must be true or false, not "yes"`},
		{"partSizeMiB=4", `partSizeMiB: must be a whole number from 5 to 5120`},
		{"sseKmsKeyId=key-1", "sseKmsKeyId: applies only when sse is aws:kms"},
	} {
		code, _, errs := h.run("", s3(tc.opt)...)
		if code != ExitFailed || !strings.Contains(errs, tc.want) || strings.Contains(errs, "does not work") {
			t.Errorf("--opt %s: exit %d %q; want a refusal mentioning %q", tc.opt, code, errs, tc.want)
		}
	}
	want := map[string]string{"md5Pass": "true", "partSizeMiB": "64", "checksumCompat": "true", "pathStyle": "true",
		"endpoint": "http://127.0.0.1:7070", "region": "eu-central-1", "sse": "aws:kms", "sseKmsKeyId": "key-1"}
	var opts []string
	for k, v := range want {
		opts = append(opts, k+"="+v)
	}
	h.must(append(s3(opts...), "--test=false")...)
	var dests []job.Destination
	if err := json.Unmarshal([]byte(h.must("dest", "list", "--json")), &dests); err != nil || len(dests) != 1 {
		t.Fatalf("dest list: %v %v", dests, err)
	}
	if got := dests[0].Options; len(got) != len(want) {
		t.Fatalf("saved options %v, want %v", got, want)
	}
	for k, v := range want {
		if dests[0].Options[k] != v {
			t.Errorf("saved %s=%q, want %q", k, dests[0].Options[k], v)
		}
	}
}

func TestRunSummaryPrintsNotes(t *testing.T) {
	var b strings.Builder
	printRunSummary(&b, job.Run{Status: job.StatusSuccess, Notes: []string{"Paused at Mon 14:02 until Tue 00:00 PST: daily upload limit reached"}})
	if !strings.Contains(b.String(), "note: Paused at Mon 14:02 until Tue 00:00 PST: daily upload limit reached\n") {
		t.Errorf("summary:\n%s", b.String())
	}
}
