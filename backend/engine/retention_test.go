package engine

import (
	"context"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
)

func TestRetentionPolicies(t *testing.T) {
	name := func(day int) string {
		return "Photos-" + day0.Add(time.Duration(day)*24*time.Hour).Format("2006-01-02_15-04-05")
	}
	for _, tc := range []struct {
		policy      job.Policy
		runs        int
		kept        []int // days whose versions remain
		lastDeleted []string
	}{
		{job.Policy{Type: job.RetentionVersionCount, Count: 2}, 4, []int{2, 3}, []string{name(1)}},
		{job.Policy{Type: job.RetentionDays, Days: 2}, 4, []int{2, 3}, []string{name(1)}},
		{job.Policy{Type: job.RetentionHybrid, Count: 3, Days: 1}, 5, []int{2, 3, 4}, []string{name(1)}},
		{job.Policy{Type: job.RetentionHybrid, Count: 1, Days: 3}, 5, []int{2, 3, 4}, []string{name(1)}},
	} {
		t.Run(string(tc.policy.Type), func(t *testing.T) {
			e := newEnv(t, map[string]string{"a": "a"})
			e.job.RetentionType, e.job.RetentionCount, e.job.RetentionDays = tc.policy.Type, tc.policy.Count, tc.policy.Days
			var last Result
			for range tc.runs {
				last = e.mustRun(job.StatusSuccess)
			}
			var want []string
			for _, d := range tc.kept {
				want = append(want, name(d))
			}
			if got := e.versionNames(); !slices.Equal(got, want) {
				t.Errorf("versions %v, want %v", got, want)
			}
			if !slices.Equal(last.Deleted, tc.lastDeleted) {
				t.Errorf("last run deleted %v, want %v", last.Deleted, tc.lastDeleted)
			}
		})
	}
}

func TestOtherJobsAndUserFilesSurvive(t *testing.T) {
	e := newEnv(t, map[string]string{"a": "a"})
	e.job.RetentionCount = 1
	other := *e
	other.job.ID, other.job.Name = "job2", "Photos" // same name, same pattern
	other.now = day0.Add(-time.Hour)
	theirs := other.mustRun(job.StatusSuccess).Version
	user := map[string]string{"My Stuff/notes.txt": "mine", "Photos-2020-01-01_00-00-00/x": "looks like a version", "loose.txt": "l"}
	writeFiles(t, e.destDir, user)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "Other-leftover", storage.Owner{JobID: "job2", RunID: "r"})
	if err != nil {
		t.Fatal(err)
	}
	_ = p
	var mine []string
	for range 3 {
		mine = append(mine, e.mustRun(job.StatusSuccess).Version)
	}
	if got := e.versionNames(); !slices.Equal(got, []string{theirs, mine[2]}) {
		t.Errorf("versions %v, want %s and %s", got, theirs, mine[2])
	}
	for p, c := range user {
		if b, err := os.ReadFile(filepath.Join(e.destDir, p)); err != nil || string(b) != c {
			t.Errorf("user file %s: %q, %v", p, b, err)
		}
	}
	left, _ := e.dest.ListLeftovers(ctx)
	if len(left) != 1 || left[0].Owner.JobID != "job2" {
		t.Errorf("leftovers %v: another job's unfinished version must stay", left)
	}
	vs, _ := Versions(ctx, e.dest, "job2")
	if len(vs) != 1 || vs[0].Name != theirs {
		t.Errorf("Versions(job2) = %v", vs)
	}
}

func TestLeftoverOfInterruptedRunIsRemoved(t *testing.T) {
	e := newEnv(t, sample)
	ctx := context.Background()
	p, err := e.dest.Begin(ctx, "Photos-interrupted", storage.Owner{JobID: "job1", RunID: "old"})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := p.Put(ctx, "half.bin", strings.NewReader("half"), 4, nil); err != nil {
		t.Fatal(err)
	}
	os.Mkdir(filepath.Join(e.destDir, storage.TmpPrefix+"users-own"), 0o755) // no owner record
	res := e.mustRun(job.StatusSuccess)
	left, _ := e.dest.ListLeftovers(ctx)
	if len(left) != 1 || left[0].Name != "users-own" {
		t.Errorf("leftovers after the run: %v", left)
	}
	if got := e.versionNames(); !slices.Equal(got, []string{res.Version}) {
		t.Errorf("versions %v", got)
	}
}
