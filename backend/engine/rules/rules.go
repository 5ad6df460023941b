// Package rules decides which files of a job's source are backed up. It
// reads include and exclude patterns the way .gitignore does:
//
//   - a pattern without a slash matches a name at any depth ("*.tmp",
//     ".DS_Store");
//   - a leading slash anchors a pattern to the top of the source
//     ("/top-only"), and so does a slash in the middle ("docs/*.pdf");
//   - a trailing slash matches folders only ("cache/");
//   - "**" as a whole segment matches any number of folders: a leading
//     "**/" matches at any depth, "/**/" zero or more folders in between,
//     and a trailing "/**" everything inside a folder (not the folder);
//   - other segments are path.Match globs ("*", "?", "[a-z]", "\" escapes);
//   - a leading "!" negates: a later "!keep.me" brings back what an earlier
//     pattern excluded. As in git, nothing inside an excluded folder can be
//     brought back, because an excluded folder is never read.
//
// Unlike .gitignore, "#" does not start a comment ("#recycle" is a real
// Synology folder) and surrounding spaces are trimmed. The last pattern that
// matches decides. Default excludes come before a job's own patterns, so a
// job can bring one back with a negation.
package rules

import (
	"fmt"
	"path"
	"strings"
)

// DefaultExcludes are the NAS and desktop clutter a job skips unless it
// turns the defaults off: Synology thumbnails and recycle bins, snapshot
// folders, Finder and Explorer metadata, and desktop trash folders. They
// match at any depth and ignore letter case, since SMB shares do.
var DefaultExcludes = []string{
	"@eaDir", "#recycle", "#snapshot", ".snapshot",
	".DS_Store", "Thumbs.db", "desktop.ini", ".Trash-*",
}

// NotIncluded is the reason given for a file that no include pattern matches.
const NotIncluded = "not matched by any include pattern"

// Matcher holds a job's compiled patterns. It is safe for concurrent use.
type Matcher struct {
	excludes     []rule
	includes     []rule
	exclNegation bool // some exclude is negated: folders cannot be pruned early
	fold         bool // some rule ignores letter case
}

// target is a path split into its elements, and the same in lower case
// when some rule ignores case.
type target struct {
	parts, lower []string
}

func (m *Matcher) target(rel string) target {
	t := target{parts: strings.Split(rel, "/")}
	t.lower = t.parts
	if m.fold {
		t.lower = make([]string, len(t.parts))
		for i, p := range t.parts {
			t.lower[i] = strings.ToLower(p)
		}
	}
	return t
}

// rule is one compiled pattern.
type rule struct {
	text    string   // as written, for reports
	label   string   // "default exclude", "exclude" or "include"
	negate  bool     // the pattern started with "!"
	dirOnly bool     // the pattern ended with "/"
	segs    []string // slash-separated segments; "**" matches folders
	fold    bool     // compare ignoring letter case
	tailAll bool     // the last segment is a trailing "**": one or more segments
}

// New compiles a job's patterns. includes, when not empty, limit the backup
// to the files they match (a matched folder brings everything in it);
// excludes then remove files and folders. useDefaults puts DefaultExcludes
// before excludes. It fails on a malformed glob.
func New(includes, excludes []string, useDefaults bool) (*Matcher, error) {
	m := &Matcher{}
	if useDefaults {
		for _, p := range DefaultExcludes {
			r, err := compile(p, "default exclude", true)
			if err != nil {
				return nil, err
			}
			m.excludes = append(m.excludes, r)
		}
		m.fold = true
	}
	for _, p := range excludes {
		r, err := compile(p, "exclude", false)
		if err != nil {
			return nil, err
		}
		m.exclNegation = m.exclNegation || r.negate
		m.excludes = append(m.excludes, r)
	}
	for _, p := range includes {
		r, err := compile(p, "include", false)
		if err != nil {
			return nil, err
		}
		m.includes = append(m.includes, r)
	}
	return m, nil
}

// compile turns one pattern into a rule.
func compile(pattern, label string, fold bool) (rule, error) {
	r := rule{text: strings.TrimSpace(pattern), label: label, fold: fold}
	p := r.text
	if strings.HasPrefix(p, "!") {
		r.negate, p = true, p[1:]
	}
	if strings.HasSuffix(p, "/") {
		r.dirOnly, p = true, strings.TrimRight(p, "/")
	}
	anchored := strings.HasPrefix(p, "/")
	p = strings.TrimLeft(p, "/")
	if p == "" {
		return rule{}, fmt.Errorf("%s pattern %q matches nothing", label, pattern)
	}
	anchored = anchored || strings.Contains(p, "/")
	for _, s := range strings.Split(p, "/") {
		if s == "" {
			continue // a doubled slash
		}
		if _, err := path.Match(s, ""); err != nil {
			return rule{}, fmt.Errorf("%s pattern %q is malformed (check its [ ] brackets and \\ escapes)", label, pattern)
		}
		if fold {
			s = strings.ToLower(s)
		}
		r.segs = append(r.segs, s)
	}
	if !anchored {
		r.segs = append([]string{"**"}, r.segs...)
	}
	r.tailAll = len(r.segs) > 1 && r.segs[len(r.segs)-1] == "**"
	return r, nil
}

// String returns the rule as a report names it: `exclude "*.tmp"`.
func (r *rule) String() string { return fmt.Sprintf("%s %q", r.label, r.text) }

// Excluded reports whether the exclude patterns remove the file or folder
// at rel (slash-separated, relative to the source, no leading slash), and
// names the pattern that decided. It does not look at includes.
func (m *Matcher) Excluded(rel string, isDir bool) (bool, string) {
	t := m.target(rel)
	for i := len(m.excludes) - 1; i >= 0; i-- {
		r := &m.excludes[i]
		if r.matches(t, isDir) {
			return !r.negate, r.String()
		}
		// Without negations, a folder whose whole content a trailing "/**"
		// removes can be skipped at once.
		if isDir && !m.exclNegation && !r.negate && r.tailAll && r.matchesPrefix(t) {
			return true, r.String()
		}
	}
	return false, ""
}

// HasIncludes reports whether the job limits its backup with includes.
func (m *Matcher) HasIncludes() bool { return len(m.includes) > 0 }

// Included reports whether the include patterns select the file or folder
// at rel. It is true when there are none. A folder that is not selected
// itself may still hold selected files, so the caller descends into it and
// passes inherited=true below a selected folder.
func (m *Matcher) Included(rel string, isDir, inherited bool) bool {
	if len(m.includes) == 0 {
		return true
	}
	t := m.target(rel)
	for i := len(m.includes) - 1; i >= 0; i-- {
		r := &m.includes[i]
		if r.matches(t, isDir) {
			return !r.negate
		}
	}
	return inherited
}

// matches reports whether r matches the path t.
func (r *rule) matches(t target, isDir bool) bool {
	if r.dirOnly && !isDir {
		return false
	}
	parts := t.parts
	if r.fold {
		parts = t.lower
	}
	if len(r.segs) == 2 && r.segs[0] == "**" && r.segs[1] != "**" {
		return globMatch(r.segs[1], parts[len(parts)-1]) // the common "name anywhere"
	}
	return match(r.segs, parts, r.tailAll)
}

// matchesPrefix reports whether r without its trailing "**" matches t,
// that is, whether r matches everything inside the folder t names.
func (r *rule) matchesPrefix(t target) bool {
	parts := t.parts
	if r.fold {
		parts = t.lower
	}
	return match(r.segs[:len(r.segs)-1], parts, false)
}

// match runs a dynamic programme over pattern segments and path parts, so
// that many "**" cannot make it slow: ok[j] says the pattern so far matches
// parts[:j]. tailAll makes a final "**" match one or more parts.
func match(segs, parts []string, tailAll bool) bool {
	var buf [2][33]bool
	cur, next := buf[0][:], buf[1][:]
	if len(parts)+1 > len(cur) {
		cur, next = make([]bool, len(parts)+1), make([]bool, len(parts)+1)
	}
	cur, next = cur[:len(parts)+1], next[:len(parts)+1]
	clear(cur)
	cur[0] = true
	for i, s := range segs {
		if s == "**" {
			oneOrMore := tailAll && i == len(segs)-1
			any := false
			for j := range cur {
				next[j] = any || (!oneOrMore && cur[j])
				any = any || cur[j]
			}
		} else {
			next[0] = false
			for j := 1; j < len(cur); j++ {
				next[j] = cur[j-1] && globMatch(s, parts[j-1])
			}
		}
		cur, next = next, cur
	}
	return cur[len(parts)]
}

// globMatch matches one glob segment against one path element; a segment
// without glob characters is compared as it is.
func globMatch(glob, name string) bool {
	if !strings.ContainsAny(glob, `*?[\`) {
		return glob == name
	}
	ok, _ := path.Match(glob, name)
	return ok
}
