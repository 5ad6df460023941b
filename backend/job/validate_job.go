package job

import (
	"fmt"
	"path"
	"strings"
	"unicode/utf8"

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
	switch j.Layout {
	case "", LayoutFull:
	case LayoutCurrentHistory:
		if j.Folder != "" {
			p.addErr("folder", checkFolder(j.Folder))
		}
	default:
		p.add("layout", "must be %q (current + history) or %q (full copies), not %q", LayoutCurrentHistory, LayoutFull, j.Layout)
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

// checkFolder checks a current+history job's folder name: one folder
// name, as a version name is (no slashes, not "." or "..", not hidden).
func checkFolder(f string) error {
	switch {
	case strings.TrimSpace(f) != f || f == "":
		return fmt.Errorf("must be a folder name without spaces at either end")
	case len(f) > 200:
		return fmt.Errorf("is longer than 200 bytes")
	case strings.ContainsAny(f, "/\\\x00"):
		return fmt.Errorf("%q must be one folder name, without slashes", f)
	case strings.HasPrefix(f, "."):
		return fmt.Errorf("%q must not start with a dot", f)
	}
	return nil
}

// FolderFor returns the folder a current+history job called name gets:
// the name, with the characters a folder name cannot hold replaced.
func FolderFor(name string) string {
	f := strings.Map(func(r rune) rune {
		switch r {
		case '/', '\\', 0, ':', '*', '?', '"', '<', '>', '|':
			return '_'
		}
		return r
	}, strings.TrimSpace(name))
	f = strings.TrimLeft(f, ".")
	if f == "" {
		f = "backup"
	}
	for len(f) > 200 {
		_, size := utf8.DecodeLastRuneInString(f)
		f = f[:len(f)-size]
	}
	return f
}
