package job

import (
	"fmt"
	"path"
	"strings"

	"github.com/avault/avault/backend/job/cron"
	"github.com/avault/avault/backend/job/nasroot"
)

// MaxPatterns is how many include or exclude patterns a job may have.
const MaxPatterns = 200

// Validate reports every problem with j's own fields. It does not check
// that the destination exists or that the name is unique (the store does),
// nor that the source exists under the NAS root (nasroot.Root.Resolve does).
func (j *Job) Validate() error {
	var p problems
	p.addErr("name", checkName(j.Name))
	p.addErr("description", checkText(j.Description, 1000))
	_, err := nasroot.Clean(j.SourcePath)
	p.addErr("sourcePath", err)
	if j.DestinationID == "" {
		p.add("destinationId", "choose a destination")
	}
	_, err = cron.Parse(j.Schedule)
	p.addErr("schedule", err)
	p = append(p, j.Retention().problems()...)
	p.addErr("namePattern", ValidatePattern(j.NamePattern))
	switch j.OnNoChange {
	case NoChangeNewVersion, NoChangeSkip:
	default:
		p.add("onNoChange", "must be %q or %q, not %q", NoChangeNewVersion, NoChangeSkip, j.OnNoChange)
	}
	p.addErr("includes", checkGlobs(j.Includes))
	p.addErr("excludes", checkGlobs(j.Excludes))
	return p.err()
}

// checkGlobs checks include or exclude patterns: present, bounded, and
// well formed as path.Match reads them.
func checkGlobs(globs []string) error {
	if len(globs) > MaxPatterns {
		return fmt.Errorf("has %d patterns; at most %d are allowed", len(globs), MaxPatterns)
	}
	for _, g := range globs {
		switch {
		case strings.TrimSpace(g) == "":
			return fmt.Errorf("contains an empty pattern")
		case strings.ContainsRune(g, 0):
			return fmt.Errorf("pattern %q contains a NUL character", g)
		case len(g) > 1000:
			return fmt.Errorf("pattern %.40q… is longer than 1000 characters", g)
		}
		if _, err := path.Match(g, ""); err != nil {
			return fmt.Errorf("pattern %q is malformed (check its [ ] brackets and \\ escapes)", g)
		}
	}
	return nil
}
