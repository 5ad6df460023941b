package job

import (
	"slices"
	"strings"
	"testing"
	"time"
)

// TestDecideWithAVersionDatedInTheFuture: a version made while the clock
// was a month ahead is dated a month after now once the clock is right
// again. It must be kept, and it must not cost the versions really made
// last their places.
func TestDecideWithAVersionDatedInTheFuture(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	v := func(name string, age float64, clean bool) VersionRef {
		return VersionRef{Name: name, Created: now.Add(-time.Duration(age * 24 * float64(time.Hour))), Clean: clean}
	}
	ahead := v("ahead", -30, true) // made with the clock a month ahead
	made := []VersionRef{v("d0", 0, true), v("d1", 1, true), v("d2", 2, true), v("d9", 9, true)}
	for _, tc := range []struct {
		name     string
		versions []VersionRef
		policy   Policy
		want     []string // "name keep|delete: reason", newest first
	}{
		{"count: the future version takes none of the places", append([]VersionRef{ahead}, made...),
			Policy{Type: RetentionVersionCount, Count: 2}, []string{
				"ahead keep: dated in the future; kept until then",
				"d0 keep: the newest version", "d1 keep: one of the 2 newest",
				"d2 delete: not one of the 2 newest", "d9 delete: not one of the 2 newest"}},
		{"count of one", append([]VersionRef{ahead}, made...),
			Policy{Type: RetentionVersionCount, Count: 1}, []string{
				"ahead keep: dated in the future; kept until then",
				"d0 keep: the newest version", "d1 delete: not the newest",
				"d2 delete: not the newest", "d9 delete: not the newest"}},
		{"days: ages are measured from now, not from the future version", append([]VersionRef{ahead}, made...),
			Policy{Type: RetentionDays, Days: 7}, []string{
				"ahead keep: dated in the future; kept until then",
				"d0 keep: the newest version", "d1 keep: within the last 7 days", "d2 keep: within the last 7 days",
				"d9 delete: older than 7 days"}},
		{"hybrid", append([]VersionRef{ahead}, made...),
			Policy{Type: RetentionHybrid, Count: 2, Days: 1}, []string{
				"ahead keep: dated in the future; kept until then",
				"d0 keep: the newest version", "d1 keep: one of the 2 newest",
				"d2 delete: older than 1 day and not one of the 2 newest", "d9 delete: older than 1 day and not one of the 2 newest"}},
		{"a clean future version does not stand in for the newest clean one", []VersionRef{ahead, v("bad", 1, false), v("good", 20, true), v("old", 30, true)},
			Policy{Type: RetentionDays, Days: 7}, []string{
				"ahead keep: dated in the future; kept until then",
				"bad keep: the newest version", "good keep: the newest version without failed files",
				"old delete: older than 7 days"}},
		{"several versions ahead after the clock went back a day", []VersionRef{v("a", -0.9, true), v("b", -0.5, true), v("c", 0.2, true), v("d", 1.2, true)},
			Policy{Type: RetentionVersionCount, Count: 1}, []string{
				"a keep: dated in the future; kept until then", "b keep: dated in the future; kept until then",
				"c keep: the newest version", "d delete: not the newest"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var got []string
			for _, d := range Decide(tc.versions, tc.policy, now) {
				verdict := "delete"
				if d.Keep {
					verdict = "keep"
				}
				got = append(got, d.Name+" "+verdict+": "+d.Reason)
			}
			if !slices.Equal(got, tc.want) {
				t.Errorf("got\n  %s\nwant\n  %s", strings.Join(got, "\n  "), strings.Join(tc.want, "\n  "))
			}
		})
	}

	// Once the clock reaches its date, the version is judged like any other.
	later := ahead.Created.Add(time.Hour)
	ds := Decide([]VersionRef{ahead, v("d0", 0, true)}, Policy{Type: RetentionVersionCount, Count: 1}, later)
	if got := kept(ds); got != "ahead" || ds[0].Reason != "the newest version" {
		t.Errorf("at its date, the version is the newest: kept %q, reason %q", got, ds[0].Reason)
	}
}
