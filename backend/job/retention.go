package job

import (
	"fmt"
	"sort"
	"time"
)

// RetentionType says which old versions a job keeps.
type RetentionType string

// The retention types.
const (
	RetentionVersionCount RetentionType = "VERSION_COUNT" // the newest Count versions
	RetentionDays         RetentionType = "DAYS"          // versions younger than Days days
	RetentionHybrid       RetentionType = "HYBRID"        // one of the newest Count, or younger than Days days
)

// Bounds of the retention fields.
const (
	MaxRetentionCount = 1000
	MaxRetentionDays  = 36500
)

// Policy is a retention rule. Count is used by VERSION_COUNT and HYBRID,
// Days by DAYS and HYBRID; the other must be zero.
type Policy struct {
	Type  RetentionType `json:"type"`
	Count int           `json:"count,omitempty"`
	Days  int           `json:"days,omitempty"`
}

// Validate reports whether p's fields fit its type and bounds.
func (p Policy) Validate() error { return p.problems().err() }

func (p Policy) problems() problems {
	var pr problems
	usesCount, usesDays := false, false
	switch p.Type {
	case RetentionVersionCount:
		usesCount = true
	case RetentionDays:
		usesDays = true
	case RetentionHybrid:
		usesCount, usesDays = true, true
	default:
		pr.add("retentionType", "must be VERSION_COUNT, DAYS or HYBRID, not %q", p.Type)
		return pr
	}
	if usesCount && (p.Count < 1 || p.Count > MaxRetentionCount) {
		pr.add("retentionCount", "keep between 1 and %d versions", MaxRetentionCount)
	}
	if !usesCount && p.Count != 0 {
		pr.add("retentionCount", "is not used by %s retention; leave it empty", p.Type)
	}
	if usesDays && (p.Days < 1 || p.Days > MaxRetentionDays) {
		pr.add("retentionDays", "keep versions between 1 and %d days", MaxRetentionDays)
	}
	if !usesDays && p.Days != 0 {
		pr.add("retentionDays", "is not used by %s retention; leave it empty", p.Type)
	}
	return pr
}

// VersionRef is a committed version as retention sees it. Clean means the
// run that made it had no failed files.
type VersionRef struct {
	Name    string    `json:"name"`
	Created time.Time `json:"created"`
	Clean   bool      `json:"clean"`
}

// Decision is retention's verdict on one version: whether the policy keeps
// it, and why, in a few words a person can read ("one of the 5 newest",
// "older than 30 days").
type Decision struct {
	VersionRef
	Keep   bool   `json:"keep"`
	Reason string `json:"reason"`
}

// Decide is the retention rule, the one the engine acts on after a run and
// the preview shows: it judges every version under p at now and returns
// the verdicts newest first (by Created, then by name). Whatever the
// policy, it never deletes the newest clean version. A policy that fails
// Validate keeps everything.
//
// A version dated after now was made while the clock was ahead (or the
// clock has gone back since): its date says nothing of its age, so it is
// kept until now reaches that date, and it stands in for none of the
// others: it takes none of the Count places, and the newest version and
// the newest clean one are looked for among the versions dated up to now.
// One bogus date thus never costs the versions really made last.
func Decide(versions []VersionRef, p Policy, now time.Time) []Decision {
	sorted := append([]VersionRef(nil), versions...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Created.Equal(sorted[j].Created) {
			return sorted[i].Created.After(sorted[j].Created)
		}
		return sorted[i].Name > sorted[j].Name
	})
	out := make([]Decision, len(sorted))
	if p.Validate() != nil {
		for i, v := range sorted {
			out[i] = Decision{VersionRef: v, Keep: true, Reason: "the policy is not valid, so nothing is deleted"}
		}
		return out
	}
	cutoff := now.Add(-time.Duration(p.Days) * 24 * time.Hour)
	rank, newestCleanSeen := 0, false // among the versions dated up to now
	for i, v := range sorted {
		if v.Created.After(now) {
			out[i] = Decision{VersionRef: v, Keep: true, Reason: "dated in the future; kept until then"}
			continue
		}
		byCount := p.Type != RetentionDays && rank < p.Count
		byAge := p.Type != RetentionVersionCount && v.Created.After(cutoff)
		protected := v.Clean && !newestCleanSeen
		newestCleanSeen = newestCleanSeen || v.Clean
		keep := byCount || byAge || protected
		out[i] = Decision{VersionRef: v, Keep: keep, Reason: reason(p, rank == 0, byCount, byAge, protected)}
		rank++
	}
	return out
}

// reason says in a few words why Decide keeps or deletes a version: the
// rules that keep it, or the ones it fails.
func reason(p Policy, first, byCount, byAge, protected bool) string {
	switch {
	case first && (byCount || byAge):
		return "the newest version"
	case byCount:
		return fmt.Sprintf("one of the %d newest", p.Count)
	case byAge:
		return "within the last " + dayCount(p.Days, "day")
	case protected:
		return "the newest version without failed files"
	case p.Type == RetentionVersionCount:
		return notNewest(p.Count)
	case p.Type == RetentionDays:
		return "older than " + dayCount(p.Days, "1 day")
	}
	return "older than " + dayCount(p.Days, "1 day") + " and " + notNewest(p.Count)
}

// dayCount says "N days", or one for a single day.
func dayCount(n int, one string) string {
	if n == 1 {
		return one
	}
	return fmt.Sprintf("%d days", n)
}

func notNewest(n int) string {
	if n == 1 {
		return "not the newest"
	}
	return fmt.Sprintf("not one of the %d newest", n)
}
