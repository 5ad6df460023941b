//go:build torture

package torture

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// TestKeyGone takes the data key away: no AVAULT_ENCRYPTION_KEY and no
// session bus (so no keyring), then a different key. Each time the
// command must say what is wrong and where it looked, and nothing stored
// may change; once the right key is back, the job runs again and the
// sealed credential still works.
func TestKeyGone(t *testing.T) {
	t.Parallel()
	defer elapsed("faults data key", time.Now())
	w := newWorld(t)
	if _, err := os.Stat(fmt.Sprintf("/run/user/%d/bus", os.Getuid())); err == nil {
		t.Skip("this machine has a session bus at /run/user; the keyring could answer")
	}
	tg := newS3Target(t, w, false)
	c := newCampaign(t, w, tg, treeSpec{Small: 30}, 3)
	c.runOK()
	c.checkVersions("with the key")
	lists := c.w.records()

	cases := []struct {
		name, key string
		want      []string // every one must be in the message
	}{
		{"keyring gone (no session bus) and no AVAULT_ENCRYPTION_KEY", "", []string{"keyring", "environment", "AVAULT_ENCRYPTION_KEY", "Nothing was changed"}},
		{"a different data key in AVAULT_ENCRYPTION_KEY", randomHex(32), []string{"not the one that sealed", "Nothing was changed"}},
		{"a malformed AVAULT_ENCRYPTION_KEY", "not-hex-at-all", []string{"AVAULT_ENCRYPTION_KEY", "unusable"}},
	}
	for _, k := range cases {
		if len(k.key) >= 16 {
			plant("a wrong data key", k.key)
		}
		env := []string{"AVAULT_ENCRYPTION_KEY=" + k.key}
		good := 0
		// The run: refused or FAILED, with the reason.
		before := runIDs(c.history())
		r := w.cliEnv(env, "", "run", c.jobID, "--json")
		msg, runMsg := r.stderr+r.stdout, ""
		for _, run := range c.history() {
			if !before[run.ID] {
				runMsg = run.ErrorMessage
				msg += " " + run.ErrorMessage
				if run.Status != job.StatusFailed {
					t.Errorf("%s: the run ended %s, want FAILED", k.name, run.Status)
				}
			}
		}
		if r.code != 0 && containsAll(msg, k.want) {
			good++
		} else {
			t.Errorf("%s: avault run: exit %d, message %q lacks %q", k.name, r.code, msg, k.want)
		}
		// status says it too; adding a credential is refused.
		st := w.cliEnv(env, "", "status", "--json")
		add := w.cliEnv(env, "another-secret-value-"+randomHex(4)+"\n", "cred", "add", "s3", "--name", "New", "--access-key-id", "AKIAEXAMPLE", "--secret-stdin")
		if add.code == 0 {
			t.Errorf("%s: a credential was added without the key: %s", k.name, add)
		} else {
			good++
		}
		if !strings.Contains(st.stdout+st.stderr, k.want[0]) {
			t.Errorf("%s: status does not say what is wrong: %s", k.name, st)
		}
		// Nothing changed, and no key was made or stored in its place.
		if after := c.w.records(); after != lists {
			t.Errorf("%s: stored records changed:\n%s\nwant\n%s", k.name, after, lists)
		} else {
			good++
		}
		if keyFiles := globData(w, "*key*"); len(keyFiles) > 0 {
			t.Errorf("%s: a key file appeared: %v", k.name, keyFiles)
		}
		report.addFault(FaultRow{Scenario: k.name, Injected: 1, Runs: 1, Good: map[bool]int{true: 1}[good == 3],
			Note: "run FAILED: " + clip(runMsg, 150) + "; no credential could be added; credentials, destinations, jobs and settings unchanged"})
	}
	// The key is back: the job runs, with the credential sealed before.
	c.src.mutate(0.2)
	run := c.runOK()
	_, ok := c.checkVersions("key back")
	report.addFault(FaultRow{Scenario: "data key back", Runs: 1, Good: map[bool]int{true: 1}[ok && run.Status == job.StatusSuccess && c.w.records() == lists],
		Note: "the next run succeeded with the sealed S3 credential; records unchanged"})
}

// lists returns the stored records as the command line shows them.
func (w *world) lists() string {
	var b strings.Builder
	for _, args := range [][]string{{"job", "list"}, {"dest", "list"}, {"cred", "list"}, {"settings"}} {
		r := w.mustOK(append(args, "--json")...)
		b.WriteString(r.stdout)
	}
	return b.String()
}

// records is lists without the jobs' last and next run times, which a
// failed run rightly updates.
func (w *world) records() string {
	var keep []string
	for _, l := range strings.Split(w.lists(), "\n") {
		if !strings.Contains(l, `"lastRunAt"`) && !strings.Contains(l, `"nextRunAt"`) {
			keep = append(keep, l)
		}
	}
	return strings.Join(keep, "\n")
}

func globData(w *world, pattern string) []string {
	m, _ := filepath.Glob(filepath.Join(w.data, pattern))
	return m
}

func containsAll(s string, subs []string) bool {
	for _, sub := range subs {
		if !strings.Contains(s, sub) {
			return false
		}
	}
	return true
}

func lastLine(s string) string {
	s = strings.TrimSpace(s)
	return s[strings.LastIndexByte(s, '\n')+1:]
}

func firstLine(s string) string {
	s = strings.TrimSpace(s)
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

// TestClockBackwards makes version names go back in time: the job's
// name pattern uses local time, and the time zone changes between runs
// from UTC+14 to UTC-11 (as a clock set back a day would name them).
// Retention must go by when versions were made, not by their names, and
// keep the newest.
func TestClockBackwards(t *testing.T) {
	t.Parallel()
	defer elapsed("faults clock", time.Now())
	w := newWorld(t)
	tg := newLocalTarget(t, w)
	c := newCampaign(t, w, tg, treeSpec{Small: 20}, 2)
	var made []string
	for _, tz := range []string{"Pacific/Kiritimati", "Pacific/Pago_Pago", "UTC"} {
		w.env = append(w.env, "TZ="+tz)
		c.src.mutate(0.3)
		before := c.versions()
		run := c.runOK()
		after, _ := c.checkVersions("TZ " + tz)
		made = append(made, run.RemotePath)
		c.expectRetained("TZ "+tz, before, after, run.RemotePath)
	}
	vs := names(c.versions())
	ok := len(made) == 3 && len(vs) == 2 && containsStr(vs, made[1]) && containsStr(vs, made[2])
	if !ok {
		t.Errorf("versions %v after runs named %v: want the last two", vs, made)
	}
	report.addFault(FaultRow{Scenario: "version names going back a day (time zone UTC+14 → UTC-11 → UTC)", Injected: 2, Runs: 3,
		Good: map[bool]int{true: 3}[ok], Note: fmt.Sprintf("names %v; retention kept the two made last", made)})
}

func containsStr(s []string, v string) bool {
	for _, x := range s {
		if x == v {
			return true
		}
	}
	return false
}
