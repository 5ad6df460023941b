package job

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestSelect(t *testing.T) {
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	day := 24 * time.Hour
	// v(name, age in days, clean)
	v := func(name string, age float64, clean bool) VersionRef {
		return VersionRef{Name: name, Created: now.Add(-time.Duration(age * float64(day))), Clean: clean}
	}
	all := []VersionRef{ // deliberately not in order
		v("d3", 3, true), v("d0", 0, true), v("d10", 10, true), v("d1", 1, true), v("d30", 30, true),
	}
	for _, tc := range []struct {
		name     string
		versions []VersionRef
		policy   Policy
		keep     string // names, newest first
	}{
		{"count keeps newest N", all, Policy{Type: RetentionVersionCount, Count: 2}, "d0 d1"},
		{"count larger than versions keeps all", all, Policy{Type: RetentionVersionCount, Count: 9}, "d0 d1 d3 d10 d30"},
		{"days keeps younger than M days", all, Policy{Type: RetentionDays, Days: 7}, "d0 d1 d3"},
		{"days: exactly M days old is deleted", all, Policy{Type: RetentionDays, Days: 3}, "d0 d1"},
		{"hybrid is newest N or younger than M days", all, Policy{Type: RetentionHybrid, Count: 4, Days: 2}, "d0 d1 d3 d10"},
		{"hybrid where days keep more", all, Policy{Type: RetentionHybrid, Count: 1, Days: 11}, "d0 d1 d3 d10"},
		{"days never deletes the only clean version", []VersionRef{v("old", 100, true), v("bad", 1, false)},
			Policy{Type: RetentionDays, Days: 7}, "bad old"},
		{"count keeps newest clean beyond N", []VersionRef{v("a", 1, false), v("b", 2, false), v("c", 3, true), v("d", 4, true)},
			Policy{Type: RetentionVersionCount, Count: 1}, "a c"},
		{"partial versions count like others", []VersionRef{v("a", 1, false), v("b", 2, true), v("c", 3, true)},
			Policy{Type: RetentionVersionCount, Count: 2}, "a b"},
		{"no clean version: policy alone", []VersionRef{v("a", 1, false), v("b", 20, false)},
			Policy{Type: RetentionDays, Days: 7}, "a"},
		{"future version counts as new", []VersionRef{v("future", -2, true), v("old", 50, true)},
			Policy{Type: RetentionDays, Days: 7}, "future"},
		{"invalid policy keeps everything", all, Policy{Type: RetentionVersionCount, Count: 0}, "d0 d1 d3 d10 d30"},
		{"unknown type keeps everything", all, Policy{Type: "FOREVER"}, "d0 d1 d3 d10 d30"},
		{"same time sorts by name", []VersionRef{v("b", 1, true), v("a", 1, true), v("c", 1, true)},
			Policy{Type: RetentionVersionCount, Count: 2}, "c b"},
		{"nothing to select", nil, Policy{Type: RetentionVersionCount, Count: 2}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := slices.Clone(tc.versions)
			keep, del := Select(tc.versions, tc.policy, now)
			if got := names(keep); got != tc.keep {
				t.Errorf("keep = %q, want %q", got, tc.keep)
			}
			if len(keep)+len(del) != len(tc.versions) {
				t.Errorf("keep %d + delete %d != %d versions", len(keep), len(del), len(tc.versions))
			}
			if !slices.Equal(input, tc.versions) {
				t.Errorf("Select reordered its input")
			}
		})
	}
}

func names(vs []VersionRef) string {
	out := make([]string, len(vs))
	for i, v := range vs {
		out[i] = v.Name
	}
	return strings.Join(out, " ")
}

func TestPolicyValidate(t *testing.T) {
	for _, tc := range []struct {
		p    Policy
		want string
	}{
		{Policy{Type: RetentionVersionCount, Count: 1}, ""},
		{Policy{Type: RetentionVersionCount, Count: 1000}, ""},
		{Policy{Type: RetentionDays, Days: 36500}, ""},
		{Policy{Type: RetentionHybrid, Count: 3, Days: 30}, ""},
		{Policy{Type: ""}, `retentionType: must be VERSION_COUNT, DAYS or HYBRID, not ""`},
		{Policy{Type: RetentionVersionCount}, "retentionCount: keep between 1 and 1000 versions"},
		{Policy{Type: RetentionVersionCount, Count: 1001}, "retentionCount: keep between 1 and 1000 versions"},
		{Policy{Type: RetentionVersionCount, Count: -1}, "retentionCount: keep between 1 and 1000"},
		{Policy{Type: RetentionVersionCount, Count: 3, Days: 5}, "retentionDays: is not used by VERSION_COUNT retention; leave it empty"},
		{Policy{Type: RetentionDays, Days: 0}, "retentionDays: keep versions between 1 and 36500 days"},
		{Policy{Type: RetentionDays, Days: 36501}, "retentionDays: keep versions between 1 and 36500 days"},
		{Policy{Type: RetentionDays, Days: 3, Count: 2}, "retentionCount: is not used by DAYS retention"},
		{Policy{Type: RetentionHybrid, Count: 3}, "retentionDays: keep versions between 1 and 36500 days"},
		{Policy{Type: RetentionHybrid, Days: 3}, "retentionCount: keep between 1 and 1000 versions"},
	} {
		err := tc.p.Validate()
		if tc.want == "" && err != nil || tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)) {
			t.Errorf("%+v.Validate() = %v, want %q", tc.p, err, tc.want)
		}
	}
}
