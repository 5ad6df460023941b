package job

import (
	"fmt"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

// The tokens a name pattern may contain, and what they become. Times are
// written in the location of the time given to Render, without colons so
// that every destination accepts them.
const (
	TokenDate     = "{date}"     // 2026-01-12
	TokenTime     = "{time}"     // 02-00-00
	TokenDateTime = "{datetime}" // 2026-01-12_02-00-00
	TokenJob      = "{job}"      // the job name, made safe (see SafeJobName)
)

// Limits of name patterns and of the names they make.
const (
	MaxPatternBytes    = 100 // a pattern's length in bytes
	MaxVersionName     = 200 // a rendered name's length in bytes, leaving room for ".tmp-" under the usual 255
	MaxJobNameInRender = 64  // bytes of the job name that {job} keeps
)

// forbiddenRunes are refused by S3 tools, Google Drive clients or Windows,
// or would split the name into folders.
const forbiddenRunes = `/\:*?"<>|`

var tokenLen = map[string]int{
	TokenDate: len("2006-01-02"), TokenTime: len("15-04-05"),
	TokenDateTime: len("2006-01-02_15-04-05"), TokenJob: MaxJobNameInRender,
}

// piece is a literal run of text or one token of a pattern.
type piece struct {
	text  string
	token bool
}

// ValidatePattern reports the first problem with a version name pattern:
// unknown or unclosed tokens, characters some destination rejects, names
// that would be hidden or reserved, or names that could grow too long. A
// pattern must contain {date} or {datetime} so that versions get distinct
// names.
func ValidatePattern(pattern string) error {
	_, err := parsePattern(pattern)
	return err
}

func parsePattern(pattern string) ([]piece, error) {
	if pattern == "" {
		return nil, fmt.Errorf("a name pattern is required, e.g. %s", DefaultNamePattern)
	}
	if len(pattern) > MaxPatternBytes {
		return nil, fmt.Errorf("must be at most %d characters long", MaxPatternBytes)
	}
	if !utf8.ValidString(pattern) {
		return nil, fmt.Errorf("must be valid UTF-8 text")
	}
	pieces, err := splitTokens(pattern)
	if err != nil {
		return nil, err
	}
	for _, pc := range pieces {
		if !pc.token {
			if err := checkLiteral(pc.text); err != nil {
				return nil, err
			}
		}
	}
	return pieces, checkPatternShape(pattern, pieces)
}

// splitTokens cuts a pattern into literals and known tokens.
func splitTokens(pattern string) ([]piece, error) {
	var pieces []piece
	rest := pattern
	for rest != "" {
		open := strings.IndexAny(rest, "{}")
		if open < 0 {
			return append(pieces, piece{text: rest}), nil
		}
		if rest[open] == '}' {
			return nil, fmt.Errorf(`has a "}" without a matching "{"`)
		}
		end := strings.IndexAny(rest[open+1:], "{}")
		if end < 0 || rest[open+1+end] == '{' {
			return nil, fmt.Errorf(`has a "{" that is not closed by "}"`)
		}
		tok := rest[open : open+end+2]
		if _, ok := tokenLen[tok]; !ok {
			return nil, fmt.Errorf("unknown token %s; use {date}, {time}, {datetime} or {job}", tok)
		}
		if open > 0 {
			pieces = append(pieces, piece{text: rest[:open]})
		}
		pieces = append(pieces, piece{text: tok, token: true})
		rest = rest[open+len(tok):]
	}
	return pieces, nil
}

func checkLiteral(s string) error {
	if i := strings.IndexAny(s, forbiddenRunes); i >= 0 {
		c := s[i : i+1]
		if c == "/" || c == `\` {
			return fmt.Errorf("must not contain %q: a version is a single folder", c)
		}
		return fmt.Errorf("must not contain %q: S3 tools, Google Drive or Windows reject or misread it (avoid %s)", c, forbiddenRunes)
	}
	if strings.IndexFunc(s, unicode.IsControl) >= 0 {
		return fmt.Errorf("must not contain control characters (including NUL, tabs and line breaks)")
	}
	return nil
}

// checkPatternShape checks the pattern as a whole: its start, its end, its
// date token and its longest possible rendering.
func checkPatternShape(pattern string, pieces []piece) error {
	switch {
	case pattern == "." || pattern == "..":
		return fmt.Errorf("must not be %q", pattern)
	case strings.HasPrefix(pattern, ".tmp-"):
		return fmt.Errorf(`must not start with ".tmp-": that prefix marks unfinished versions`)
	case strings.HasPrefix(pattern, "."):
		return fmt.Errorf(`must not start with ".": such folders are hidden`)
	case strings.HasPrefix(pattern, " "):
		return fmt.Errorf("must not start with a space")
	case strings.HasSuffix(pattern, ".") || strings.HasSuffix(pattern, " "):
		return fmt.Errorf("must not end with a dot or a space: Windows cannot use such names")
	case !strings.Contains(pattern, TokenDate) && !strings.Contains(pattern, TokenDateTime):
		return fmt.Errorf("must contain {date} or {datetime} so that every version gets its own name")
	}
	longest := 0
	for _, pc := range pieces {
		if pc.token {
			longest += tokenLen[pc.text]
		} else {
			longest += len(pc.text)
		}
	}
	if longest > MaxVersionName {
		return fmt.Errorf("could make names of %d characters; the limit is %d", longest, MaxVersionName)
	}
	return nil
}

// Render makes a version's folder name from pattern for the job called
// jobName at time t (in t's location). The result passes the same checks
// as the pattern: one safe folder name, never hidden, at most
// MaxVersionName bytes. It fails only when the pattern is invalid.
func Render(pattern, jobName string, t time.Time) (string, error) {
	pieces, err := parsePattern(pattern)
	if err != nil {
		return "", err
	}
	var b strings.Builder
	for _, pc := range pieces {
		switch pc.text {
		case TokenDate:
			b.WriteString(t.Format("2006-01-02"))
		case TokenTime:
			b.WriteString(t.Format("15-04-05"))
		case TokenDateTime:
			b.WriteString(t.Format("2006-01-02_15-04-05"))
		case TokenJob:
			b.WriteString(SafeJobName(jobName))
		default: // a literal: it holds no braces, so it never equals a token
			b.WriteString(pc.text)
		}
	}
	return b.String(), nil
}

// SafeJobName returns jobName as {job} writes it: each character that a
// destination rejects, and each control character, becomes "-"; leading
// and trailing spaces and dots are dropped; it is cut to
// MaxJobNameInRender bytes; an empty result becomes "job".
func SafeJobName(jobName string) string {
	name := strings.Map(func(r rune) rune {
		if r == utf8.RuneError || unicode.IsControl(r) || strings.ContainsRune(forbiddenRunes, r) {
			return '-'
		}
		return r
	}, jobName)
	name = strings.Trim(name, " .")
	if len(name) > MaxJobNameInRender {
		cut := MaxJobNameInRender
		for cut > 0 && !utf8.RuneStart(name[cut]) {
			cut--
		}
		name = strings.TrimRight(name[:cut], " .")
	}
	if name == "" {
		return "job"
	}
	return name
}
