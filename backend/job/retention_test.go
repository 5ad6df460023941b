package job

import (
	"slices"
	"strings"
	"testing"
	"time"
)

func TestDecide(t *testing.T) {
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
		{"future version is kept and does not stand in for the newest clean one", []VersionRef{v("future", -2, true), v("old", 50, true)},
			Policy{Type: RetentionDays, Days: 7}, "future old"},
		{"invalid policy keeps everything", all, Policy{Type: RetentionVersionCount, Count: 0}, "d0 d1 d3 d10 d30"},
		{"unknown type keeps everything", all, Policy{Type: "FOREVER"}, "d0 d1 d3 d10 d30"},
		{"same time sorts by name", []VersionRef{v("b", 1, true), v("a", 1, true), v("c", 1, true)},
			Policy{Type: RetentionVersionCount, Count: 2}, "c b"},
		{"nothing to select", nil, Policy{Type: RetentionVersionCount, Count: 2}, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			input := slices.Clone(tc.versions)
			ds := Decide(tc.versions, tc.policy, now)
			if got := kept(ds); got != tc.keep {
				t.Errorf("keep = %q, want %q", got, tc.keep)
			}
			if len(ds) != len(tc.versions) {
				t.Errorf("%d decisions for %d versions", len(ds), len(tc.versions))
			}
			for i := 1; i < len(ds); i++ {
				if ds[i].Created.After(ds[i-1].Created) {
					t.Errorf("decisions not newest first: %s before %s", ds[i-1].Name, ds[i].Name)
				}
			}
			if !slices.Equal(input, tc.versions) {
				t.Errorf("Decide reordered its input")
			}
		})
	}
}

// kept names the versions ds keeps, in their order.
func kept(ds []Decision) string {
	var out []string
	for _, d := range ds {
		if d.Keep {
			out = append(out, d.Name)
		}
	}
	return strings.Join(out, " ")
}

// TestDecideSaysWhy checks the words a person reads beside each version.
func TestDecideSaysWhy(t *testing.T) {
	now := time.Date(2026, 1, 31, 12, 0, 0, 0, time.UTC)
	v := func(name string, age float64, clean bool) VersionRef {
		return VersionRef{Name: name, Created: now.Add(-time.Duration(age * 24 * float64(time.Hour))), Clean: clean}
	}
	five := []VersionRef{v("a", 0, true), v("b", 1, true), v("c", 2, true), v("d", 40, true), v("e", 50, true)}
	for _, tc := range []struct {
		name     string
		versions []VersionRef
		policy   Policy
		want     []string // "name keep|delete: reason", newest first
	}{
		{"count", five, Policy{Type: RetentionVersionCount, Count: 3}, []string{
			"a keep: the newest version", "b keep: one of the 3 newest", "c keep: one of the 3 newest",
			"d delete: not one of the 3 newest", "e delete: not one of the 3 newest"}},
		{"count of one", five[:2], Policy{Type: RetentionVersionCount, Count: 1}, []string{
			"a keep: the newest version", "b delete: not the newest"}},
		{"days", five, Policy{Type: RetentionDays, Days: 30}, []string{
			"a keep: the newest version", "b keep: within the last 30 days", "c keep: within the last 30 days",
			"d delete: older than 30 days", "e delete: older than 30 days"}},
		{"one day", []VersionRef{v("a", 0.5, true), v("b", 0.7, true), v("c", 3, true)}, Policy{Type: RetentionDays, Days: 1}, []string{
			"a keep: the newest version", "b keep: within the last day", "c delete: older than 1 day"}},
		{"hybrid", five, Policy{Type: RetentionHybrid, Count: 2, Days: 45}, []string{
			"a keep: the newest version", "b keep: one of the 2 newest", "c keep: within the last 45 days",
			"d keep: within the last 45 days", "e delete: older than 45 days and not one of the 2 newest"}},
		{"failed newest keeps the newest clean one", []VersionRef{v("bad", 1, false), v("worse", 2, false), v("good", 60, true), v("old", 70, true)},
			Policy{Type: RetentionDays, Days: 7}, []string{
				"bad keep: the newest version", "worse keep: within the last 7 days",
				"good keep: the newest version without failed files", "old delete: older than 7 days"}},
		{"old clean newest is kept all the same", []VersionRef{v("only", 90, true)}, Policy{Type: RetentionDays, Days: 7}, []string{
			"only keep: the newest version without failed files"}},
		{"invalid policy", five[:1], Policy{Type: RetentionHybrid, Count: 2}, []string{
			"a keep: the policy is not valid, so nothing is deleted"}},
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
