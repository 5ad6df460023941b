package job

import (
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

func TestValidatePattern(t *testing.T) {
	for _, tc := range []struct{ pattern, want string }{
		{"{job}-{datetime}", ""},
		{"Backup-{date}", ""},
		{"{date} {time} – Fotos", ""},
		{"{date}_{job}_{time}", ""},
		{"", "a name pattern is required"},
		{"Backup", "must contain {date} or {datetime}"},
		{"Backup-{time}", "must contain {date} or {datetime}"},
		{"Backup-{Date}", "unknown token {Date}; use {date}, {time}, {datetime} or {job}"},
		{"{host}-{date}", "unknown token {host}"},
		{"{date", `"{" that is not closed`},
		{"{date{time}}", `"{" that is not closed`},
		{"date}", `"}" without a matching "{"`},
		{"a/{date}", `must not contain "/": a version is a single folder`},
		{`a\{date}`, `must not contain "\\": a version is a single folder`},
		{"a:{date}", `must not contain ":": S3 tools, Google Drive or Windows reject or misread it`},
		{"a*{date}", `must not contain "*"`},
		{"a?{date}", `must not contain "?"`},
		{`a"{date}`, `must not contain "\""`},
		{"a<{date}", `must not contain "<"`},
		{"a>{date}", `must not contain ">"`},
		{"a|{date}", `must not contain "|"`},
		{"a\x00{date}", "must not contain control characters (including NUL"},
		{"a\t{date}", "must not contain control characters"},
		{"a\n{date}", "must not contain control characters"},
		{".", `must not be "."`},
		{"..", `must not be ".."`},
		{".tmp-{date}", `must not start with ".tmp-"`},
		{".{date}", `must not start with "."`},
		{" {date}", "must not start with a space"},
		{"{date}.", "must not end with a dot or a space"},
		{"{date} ", "must not end with a dot or a space"},
		{strings.Repeat("x", 95) + "{date}", "must be at most 100 characters long"},
		{"{date}" + strings.Repeat("{job}", 3), "could make names of 202 characters; the limit is 200"},
		{"{date}\xff", "must be valid UTF-8"},
	} {
		err := ValidatePattern(tc.pattern)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("ValidatePattern(%q) = %v, want nil", tc.pattern, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("ValidatePattern(%q) = %v, want an error containing %q", tc.pattern, err, tc.want)
		}
	}
}

func TestRender(t *testing.T) {
	at := time.Date(2026, 1, 12, 2, 3, 4, 0, time.UTC)
	for _, tc := range []struct{ pattern, job, want string }{
		{"{job}-{datetime}", "Photos", "Photos-2026-01-12_02-03-04"},
		{"Backup-{date}", "x", "Backup-2026-01-12"},
		{"{date}_{time}", "x", "2026-01-12_02-03-04"},
		{"{job} {date}", "Fotos / Familie: 2024?", "Fotos - Familie- 2024- 2026-01-12"},
		{"{job}-{date}", "..hidden..", "hidden-2026-01-12"},
		{"{job}-{date}", " . ", "job-2026-01-12"},
		{"{job}-{date}", "a\x00b\tc\nd", "a-b-c-d-2026-01-12"},
		{"{job}-{date}", "bad\xffutf8", "bad-utf8-2026-01-12"},
		{"{job}-{date}", strings.Repeat("é", 40), strings.Repeat("é", 32) + "-2026-01-12"},
		{"{job}-{date}", strings.Repeat("a", 63) + "é", strings.Repeat("a", 63) + "-2026-01-12"},
		{"{date}-{job}", "ends with dot" + strings.Repeat(".", 60), "2026-01-12-ends with dot"},
		{"Ünïcødé {date}", "x", "Ünïcødé 2026-01-12"},
	} {
		got, err := Render(tc.pattern, tc.job, at)
		if err != nil || got != tc.want {
			t.Errorf("Render(%q, %q) = %q, %v, want %q", tc.pattern, tc.job, got, err, tc.want)
		}
		assertSafeName(t, got)
	}
}

// assertSafeName checks what Render promises of every name it makes.
func assertSafeName(t *testing.T, name string) {
	t.Helper()
	if checkLiteral(name) != nil || name == "" || len(name) > MaxVersionName ||
		strings.HasPrefix(name, ".") || strings.HasPrefix(name, " ") ||
		strings.HasSuffix(name, ".") || strings.HasSuffix(name, " ") || !utf8.ValidString(name) {
		t.Errorf("%q is not a safe folder name", name)
	}
}

func TestRenderUsesTimeLocation(t *testing.T) {
	tokyo := time.FixedZone("JST", 9*3600)
	got, _ := Render("{datetime}", "x", time.Date(2026, 1, 12, 20, 0, 0, 0, time.UTC).In(tokyo))
	if got != "2026-01-13_05-00-00" {
		t.Errorf("Render in Tokyo = %q", got)
	}
}

func TestRenderRefusesBadPattern(t *testing.T) {
	if _, err := Render("{nope}", "x", time.Now()); err == nil || !strings.Contains(err.Error(), "{nope}") {
		t.Errorf("Render with unknown token = %v", err)
	}
}

// FuzzRender checks that any job name renders to a safe folder name.
func FuzzRender(f *testing.F) {
	for _, seed := range []string{"", ".", "..", "a/b", " x ", "\x00", "\xff\xfe", strings.Repeat("€", 30), "CON"} {
		f.Add(seed)
	}
	f.Fuzz(func(t *testing.T, jobName string) {
		got, err := Render("{job}-{datetime}", jobName, time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
		if err != nil {
			t.Fatal(err)
		}
		assertSafeName(t, got)
	})
}
