package drivefake

import (
	"fmt"
	"net/http"
	"strings"
)

// schema lists the fields a resource may return; a nil schema accepts any
// selection below it.
type schema map[string]schema

// selection is a parsed fields parameter; a nil selection keeps everything.
type selection map[string]selection

// parseFields parses Google's partial-response syntax:
// "nextPageToken,files(id,name)", "files/id", "*".
func parseFields(s string) (selection, error) {
	p := &fieldParser{s: strings.ReplaceAll(s, " ", "")}
	sel, err := p.list()
	if err == nil && p.pos != len(p.s) {
		err = fmt.Errorf("unexpected %q", p.s[p.pos:])
	}
	if err != nil {
		return nil, fmt.Errorf("Invalid field selection %s: %v", s, err)
	}
	return sel, nil
}

type fieldParser struct {
	s   string
	pos int
}

func (p *fieldParser) peek() byte {
	if p.pos < len(p.s) {
		return p.s[p.pos]
	}
	return 0
}

// list parses "item(,item)*".
func (p *fieldParser) list() (selection, error) {
	sel := selection{}
	for {
		if err := p.item(sel); err != nil {
			return nil, err
		}
		if p.peek() != ',' {
			return sel, nil
		}
		p.pos++
	}
}

// item parses "name(/name)*[(list)]" into sel.
func (p *fieldParser) item(sel selection) error {
	var path []string
	for {
		start := p.pos
		for c := p.peek(); c == '*' || c == '_' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9'; c = p.peek() {
			p.pos++
		}
		if p.pos == start {
			return fmt.Errorf("expected a field name at %d", start)
		}
		path = append(path, p.s[start:p.pos])
		if p.peek() != '/' {
			break
		}
		p.pos++
	}
	var sub selection
	if p.peek() == '(' {
		p.pos++
		var err error
		if sub, err = p.list(); err != nil {
			return err
		}
		if p.peek() != ')' {
			return fmt.Errorf("missing ) at %d", p.pos)
		}
		p.pos++
	}
	for i := len(path) - 1; i > 0; i-- {
		sub = selection{path[i]: sub}
	}
	sel.merge(path[0], sub)
	return nil
}

func (sel selection) merge(k string, sub selection) {
	old, ok := sel[k]
	switch {
	case !ok:
		sel[k] = sub
	case old == nil || sub == nil:
		sel[k] = nil
	default:
		for kk, v := range sub {
			old.merge(kk, v)
		}
	}
}

// apply keeps the selected parts of v, checking names against sch.
func (sel selection) apply(v any, sch schema) (any, error) {
	if sel == nil {
		return v, nil
	}
	switch v := v.(type) {
	case []any:
		out := make([]any, len(v))
		for i, e := range v {
			var err error
			if out[i], err = sel.apply(e, sch); err != nil {
				return nil, err
			}
		}
		return out, nil
	case map[string]any:
		return sel.applyMap(v, sch)
	}
	return v, nil
}

func (sel selection) applyMap(v map[string]any, sch schema) (map[string]any, error) {
	out := map[string]any{}
	for k, sub := range sel {
		if k == "*" {
			for kk, vv := range v {
				out[kk] = vv
			}
			continue
		}
		if _, known := sch[k]; sch != nil && !known {
			return nil, fmt.Errorf("Invalid field selection %s", k)
		}
		if val, ok := v[k]; ok {
			var err error
			if out[k], err = sub.apply(val, sch[k]); err != nil {
				return nil, err
			}
		}
	}
	return out, nil
}

// writeSelected answers with the parts of v the request's fields parameter
// selects (def when it has none), or a 400 for a bad selection.
func writeSelected(w http.ResponseWriter, r *http.Request, v map[string]any, sch schema, def string) {
	fields := r.URL.Query().Get("fields")
	if fields == "" {
		fields = def
	}
	sel, err := parseFields(fields)
	var out any
	if err == nil {
		out, err = sel.apply(v, sch)
	}
	if err != nil {
		writeParamError(w, "fields", err.Error())
		return
	}
	writeJSON(w, http.StatusOK, out)
}
