package job

import (
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

// Select splits versions into those p keeps and those it deletes, both
// newest first, judging age against now. Whatever the policy, it never
// deletes the newest clean version. A policy that fails Validate keeps
// everything. A version created after now counts as new.
func Select(versions []VersionRef, p Policy, now time.Time) (keep, del []VersionRef) {
	sorted := append([]VersionRef(nil), versions...)
	sort.SliceStable(sorted, func(i, j int) bool {
		if !sorted[i].Created.Equal(sorted[j].Created) {
			return sorted[i].Created.After(sorted[j].Created)
		}
		return sorted[i].Name > sorted[j].Name
	})
	if p.Validate() != nil {
		return sorted, nil
	}
	cutoff := now.Add(-time.Duration(p.Days) * 24 * time.Hour)
	newestCleanSeen := false
	for i, v := range sorted {
		byCount := p.Type != RetentionDays && i < p.Count
		byAge := p.Type != RetentionVersionCount && v.Created.After(cutoff)
		protected := v.Clean && !newestCleanSeen
		newestCleanSeen = newestCleanSeen || v.Clean
		if byCount || byAge || protected {
			keep = append(keep, v)
		} else {
			del = append(del, v)
		}
	}
	return keep, del
}
