package drivefake

import (
	"errors"
	"fmt"
	"strings"
	"time"
)

// pred is a compiled files.list query; the caller holds s.mu.
type pred func(s *Server, f *file) bool

type token struct {
	kind byte // 's' string literal, 'w' word, 'p' punctuation/operator
	val  string
}

var errQuery = errors.New("Invalid Value")

// parseQuery compiles the subset of Drive's query language the fake knows:
//
//	name = 'x' | name != 'x' | name contains 'x'
//	mimeType = 'x' | mimeType != 'x'
//	trashed = true|false
//	'id' in parents
//	createdTime|modifiedTime (<|<=|>|>=|=|!=) 'RFC 3339'
//	properties has { key='k' and value='v' } (and appProperties)
//
// joined by and, or, not and parentheses. String literals escape ' and \
// with a backslash; anything else is an error, as with Google.
func parseQuery(q string) (pred, error) {
	if strings.TrimSpace(q) == "" {
		return func(*Server, *file) bool { return true }, nil
	}
	toks, err := lex(q)
	if err != nil {
		return nil, err
	}
	p := &qparser{toks: toks}
	e, err := p.or()
	if err == nil && p.pos != len(p.toks) {
		err = fmt.Errorf("%w: unexpected %q", errQuery, p.toks[p.pos].val)
	}
	return e, err
}

func lex(q string) ([]token, error) {
	var toks []token
	for i := 0; i < len(q); {
		c := q[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '\'':
			s, n, err := lexString(q[i:])
			if err != nil {
				return nil, err
			}
			toks = append(toks, token{'s', s})
			i += n
		case strings.ContainsRune("(){}", rune(c)):
			toks = append(toks, token{'p', string(c)})
			i++
		case c == '=' || c == '<' || c == '>' || c == '!':
			j := i + 1
			if j < len(q) && q[j] == '=' {
				j++
			}
			if q[i:j] == "!" {
				return nil, fmt.Errorf("%w: lone !", errQuery)
			}
			toks = append(toks, token{'p', q[i:j]})
			i = j
		case isWordByte(c):
			j := i
			for j < len(q) && isWordByte(q[j]) {
				j++
			}
			toks = append(toks, token{'w', q[i:j]})
			i = j
		default:
			return nil, fmt.Errorf("%w: unexpected %q", errQuery, c)
		}
	}
	return toks, nil
}

func isWordByte(c byte) bool {
	return c == '_' || c == '.' || c == '-' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'
}

// lexString reads a quoted literal at the start of s, returning its value
// and the bytes consumed.
func lexString(s string) (string, int, error) {
	var b strings.Builder
	for i := 1; i < len(s); i++ {
		switch s[i] {
		case '\'':
			return b.String(), i + 1, nil
		case '\\':
			if i+1 >= len(s) || (s[i+1] != '\'' && s[i+1] != '\\') {
				return "", 0, fmt.Errorf("%w: bad escape", errQuery)
			}
			i++
			b.WriteByte(s[i])
		default:
			b.WriteByte(s[i])
		}
	}
	return "", 0, fmt.Errorf("%w: unterminated string", errQuery)
}

type qparser struct {
	toks []token
	pos  int
}

func (p *qparser) next() token {
	if p.pos >= len(p.toks) {
		return token{}
	}
	t := p.toks[p.pos]
	p.pos++
	return t
}

func (p *qparser) peekWord(w string) bool {
	return p.pos < len(p.toks) && p.toks[p.pos].kind == 'w' && p.toks[p.pos].val == w
}

func (p *qparser) expect(kind byte, val string) error {
	if t := p.next(); t.kind != kind || (val != "" && t.val != val) {
		return fmt.Errorf("%w: expected %q, got %q", errQuery, val, t.val)
	}
	return nil
}

func (p *qparser) or() (pred, error) {
	left, err := p.and()
	for err == nil && p.peekWord("or") {
		p.pos++
		var right pred
		if right, err = p.and(); err == nil {
			l := left
			left = func(s *Server, f *file) bool { return l(s, f) || right(s, f) }
		}
	}
	return left, err
}

func (p *qparser) and() (pred, error) {
	left, err := p.unary()
	for err == nil && p.peekWord("and") {
		p.pos++
		var right pred
		if right, err = p.unary(); err == nil {
			l := left
			left = func(s *Server, f *file) bool { return l(s, f) && right(s, f) }
		}
	}
	return left, err
}

func (p *qparser) unary() (pred, error) {
	if p.peekWord("not") {
		p.pos++
		e, err := p.unary()
		if err != nil {
			return nil, err
		}
		return func(s *Server, f *file) bool { return !e(s, f) }, nil
	}
	if p.pos < len(p.toks) && p.toks[p.pos] == (token{'p', "("}) {
		p.pos++
		e, err := p.or()
		if err != nil {
			return nil, err
		}
		return e, p.expect('p', ")")
	}
	return p.term()
}

func (p *qparser) term() (pred, error) {
	t := p.next()
	if t.kind == 's' { // 'id' in parents
		if err := p.expect('w', "in"); err != nil {
			return nil, err
		}
		if err := p.expect('w', "parents"); err != nil {
			return nil, err
		}
		id := t.val
		return func(s *Server, f *file) bool {
			if id == "root" {
				return f.Parent == RootID
			}
			return f.Parent == id
		}, nil
	}
	if t.kind != 'w' {
		return nil, fmt.Errorf("%w: unexpected %q", errQuery, t.val)
	}
	switch t.val {
	case "name", "mimeType":
		return p.stringTerm(t.val)
	case "trashed":
		return p.trashedTerm()
	case "createdTime", "modifiedTime":
		return p.timeTerm(t.val)
	case "properties", "appProperties":
		return p.hasTerm(t.val == "appProperties")
	}
	return nil, fmt.Errorf("%w: unknown field %q", errQuery, t.val)
}

func (p *qparser) stringTerm(field string) (pred, error) {
	op, val := p.next(), p.next()
	if val.kind != 's' {
		return nil, fmt.Errorf("%w: %s needs a string", errQuery, field)
	}
	if field == "name" {
		return nameTerm(op.val, val.val)
	}
	switch op.val {
	case "=":
		return func(_ *Server, f *file) bool { return f.MimeType == val.val }, nil
	case "!=":
		return func(_ *Server, f *file) bool { return f.MimeType != val.val }, nil
	}
	return nil, fmt.Errorf("%w: operator %q on %s", errQuery, op.val, field)
}

// nameTerm compiles a term on name. It reads the search index, which may
// lag behind (Options.NameSearchLag): an item not in it yet matches no
// name term at all. Case counts unless Options.CaseInsensitiveNames.
func nameTerm(op, want string) (pred, error) {
	switch op {
	case "=", "!=":
		eq := op == "="
		return func(s *Server, f *file) bool {
			n, ok := s.searchName(f)
			return ok && s.sameName(n, want) == eq
		}, nil
	case "contains":
		return func(s *Server, f *file) bool {
			n, ok := s.searchName(f)
			if s.opts.CaseInsensitiveNames {
				n, want := strings.ToLower(n), strings.ToLower(want)
				return ok && strings.Contains(n, want)
			}
			return ok && strings.Contains(n, want)
		}, nil
	}
	return nil, fmt.Errorf("%w: operator %q on name", errQuery, op)
}

func (p *qparser) trashedTerm() (pred, error) {
	op, val := p.next(), p.next()
	if val.kind != 'w' || (val.val != "true" && val.val != "false") || (op.val != "=" && op.val != "!=") {
		return nil, fmt.Errorf("%w: trashed needs = or != and true or false", errQuery)
	}
	want := (val.val == "true") == (op.val == "=")
	return func(s *Server, f *file) bool { return s.trashed(f) == want }, nil
}

func (p *qparser) timeTerm(field string) (pred, error) {
	op, val := p.next(), p.next()
	at, err := time.Parse(time.RFC3339, val.val)
	if val.kind != 's' || err != nil {
		return nil, fmt.Errorf("%w: %s needs an RFC 3339 time", errQuery, field)
	}
	cmp := map[string]func(int) bool{
		"=": func(c int) bool { return c == 0 }, "!=": func(c int) bool { return c != 0 },
		"<": func(c int) bool { return c < 0 }, "<=": func(c int) bool { return c <= 0 },
		">": func(c int) bool { return c > 0 }, ">=": func(c int) bool { return c >= 0 },
	}[op.val]
	if cmp == nil {
		return nil, fmt.Errorf("%w: operator %q on %s", errQuery, op.val, field)
	}
	return func(_ *Server, f *file) bool {
		t := f.Created
		if field == "modifiedTime" {
			t = f.Modified
		}
		return cmp(t.Compare(at))
	}, nil
}

// hasTerm parses "has { key='k' and value='v' }" after properties or
// appProperties.
func (p *qparser) hasTerm(private bool) (pred, error) {
	var key, value string
	steps := []struct {
		kind byte
		val  string
		dst  *string
	}{
		{'w', "has", nil}, {'p', "{", nil}, {'w', "key", nil}, {'p', "=", nil}, {'s', "", &key},
		{'w', "and", nil}, {'w', "value", nil}, {'p', "=", nil}, {'s', "", &value}, {'p', "}", nil},
	}
	for _, st := range steps {
		t := p.next()
		if t.kind != st.kind || (st.dst == nil && t.val != st.val) {
			return nil, fmt.Errorf("%w: malformed has clause near %q", errQuery, t.val)
		}
		if st.dst != nil {
			*st.dst = t.val
		}
	}
	return func(_ *Server, f *file) bool {
		props := f.Props
		if private {
			props = f.AppProps
		}
		v, ok := props[key]
		return ok && v == value
	}, nil
}
