//go:build torture

package torture

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"fmt"
	"slices"
	"strings"
)

// chFolder is the job's folder at the destination in the current+history
// campaigns (avault job add --folder).
const chFolder = "Job folder"

// chTarget inspects a current+history job's folder from the outside, with
// the destination's raw file access and the rule of docs/FORMAT.md, not
// Avault's code:
//
//	<folder>/current/...                       the newest version
//	<folder>/history/<version>/...             what the next version replaced or deleted
//	<folder>/.avault/area.json                 the job the folder belongs to
//	<folder>/.avault/versions/<v>.json         a commit record, with "gen"
//	<folder>/.avault/versions/<v>.manifest.json.gz
//	<folder>/.avault/run.json                  while a run or a delete changes current/
//
// A version exists once its commit record does; a manifest without one is
// a leftover, and so is run.json once no run is going on.
type chTarget struct {
	rawTarget
	folder string
	jobID  string
}

// chVersion is a commit record, as docs/FORMAT.md describes it.
type chVersion struct {
	name    string
	Gen     int64 `json:"gen"`
	Version struct {
		Owner struct {
			JobID string `json:"jobId"`
			RunID string `json:"runId"`
		} `json:"owner"`
	} `json:"version"`
}

// chState is the job's folder as the destination holds it.
type chState struct {
	versions []chVersion // committed, oldest first (by gen)
	orphans  []string    // manifests without a commit record
	strays   []string    // history folders of no version, finished or not
	marked   bool        // .avault/run.json is there
	// noArea says the folder holds versions but no .avault/area.json,
	// which docs/FORMAT.md puts there; the rest is still read.
	noArea bool
}

func (s chState) find(name string) *chVersion {
	for i := range s.versions {
		if s.versions[i].name == name {
			return &s.versions[i]
		}
	}
	return nil
}

func (s chState) newest() *chVersion {
	if len(s.versions) == 0 {
		return nil
	}
	return &s.versions[len(s.versions)-1]
}

func (c *chTarget) meta(p string) string { return c.folder + "/.avault/" + p }

// state reads the job's folder: its records, manifests and history folders.
func (c *chTarget) state() (chState, error) {
	var st chState
	meta, err := c.rawList(c.folder + "/.avault")
	if err != nil {
		return st, err
	}
	if _, ok := meta["area.json"]; ok {
		var area struct {
			JobID string `json:"jobId"`
		}
		if err := c.readJSON(c.meta("area.json"), &area); err != nil {
			return st, err
		}
		if area.JobID != c.jobID {
			return st, fmt.Errorf("%s/.avault/area.json names job %q, not the campaign's job %q", c.folder, area.JobID, c.jobID)
		}
	} else {
		st.noArea = len(meta) > 0
	}
	_, st.marked = meta["run.json"]
	manifests, committed := map[string]bool{}, map[string]bool{}
	for p := range meta {
		name, ok := strings.CutPrefix(p, "versions/")
		switch {
		case !ok || strings.Contains(name, "/"):
		case strings.HasSuffix(name, ".manifest.json.gz"):
			manifests[strings.TrimSuffix(name, ".manifest.json.gz")] = true
		case strings.HasSuffix(name, ".json"):
			v := chVersion{name: strings.TrimSuffix(name, ".json")}
			err := c.readJSON(c.meta(p), &v)
			if errors.Is(err, errNoFile) {
				continue // deleted since the listing (retention)
			}
			if err != nil {
				return st, err
			}
			st.versions = append(st.versions, v)
			committed[v.name] = true
		}
	}
	slices.SortFunc(st.versions, func(x, y chVersion) int {
		if x.Gen != y.Gen {
			return int(min(max(x.Gen-y.Gen, -1), 1))
		}
		return strings.Compare(x.name, y.name)
	})
	for m := range manifests {
		if !committed[m] {
			st.orphans = append(st.orphans, m)
		}
	}
	slices.Sort(st.orphans)
	hist, err := c.rawList(c.folder + "/history")
	if err != nil {
		return st, err
	}
	for p := range hist {
		v, _, _ := strings.Cut(p, "/")
		if !committed[v] && !manifests[v] && !slices.Contains(st.strays, v) {
			st.strays = append(st.strays, v)
		}
	}
	slices.Sort(st.strays)
	return st, nil
}

func (c *chTarget) readJSON(p string, v any) error {
	data, err := c.rawRead(p)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(data, v); err != nil {
		return fmt.Errorf("%s: %w", p, err)
	}
	return nil
}

// inspect lists the committed versions (commit records) and the leftovers:
// manifests without a record, history folders of no version, run.json.
func (c *chTarget) inspect(string) ([]string, []leftover, error) {
	st, err := c.state()
	if err != nil {
		return nil, nil, err
	}
	var committed []string
	for _, v := range st.versions {
		committed = append(committed, v.name)
	}
	var left []leftover
	for _, o := range st.orphans {
		left = append(left, leftover{name: o, hasManifest: true})
	}
	for _, s := range st.strays {
		left = append(left, leftover{name: "history/" + s + " (no version)"})
	}
	if st.marked {
		left = append(left, leftover{name: ".avault/run.json"})
	}
	slices.Sort(committed)
	return committed, left, nil
}

// manifest reads the paths and the gen in version name's manifest.
func (c *chTarget) manifest(name string) (paths []string, gen int64, err error) {
	data, err := c.rawRead(c.meta("versions/" + name + ".manifest.json.gz"))
	if err != nil {
		return nil, 0, err
	}
	zr, err := gzip.NewReader(bytes.NewReader(data)) // joins the gzip members
	if err != nil {
		return nil, 0, fmt.Errorf("the manifest of %s: %w", name, err)
	}
	var m struct {
		Layout  string `json:"layout"`
		Gen     int64  `json:"gen"`
		Entries []struct {
			Path string `json:"path"`
		} `json:"entries"`
	}
	if err := json.NewDecoder(zr).Decode(&m); err != nil {
		return nil, 0, fmt.Errorf("the manifest of %s: %w", name, err)
	}
	if m.Layout != "current+history" {
		return nil, 0, fmt.Errorf("the manifest of %s says layout %q", name, m.Layout)
	}
	for _, e := range m.Entries {
		paths = append(paths, e.Path)
	}
	return paths, m.Gen, nil
}

// read rebuilds version name by hand: each path of its manifest is in the
// first history folder, among its own and those of the versions made after
// it (by gen), that holds it; else in current/. A path found nowhere reads
// as "absent".
func (c *chTarget) read(name string) (snapshot, error) {
	st, err := c.state()
	if err != nil {
		return nil, err
	}
	v := st.find(name)
	if v == nil {
		return nil, fmt.Errorf("no commit record for %s in %s", name, c.folder)
	}
	paths, gen, err := c.manifest(name)
	if err != nil {
		return nil, err
	}
	if gen != v.Gen {
		return nil, fmt.Errorf("%s: the manifest says gen %d, the commit record %d", name, gen, v.Gen)
	}
	var layers []map[string]string
	var layerNames []string
	for _, w := range st.versions {
		if w.Gen < v.Gen {
			continue
		}
		files, err := c.rawList(c.folder + "/history/" + w.name)
		if err != nil {
			return nil, err
		}
		layers, layerNames = append(layers, files), append(layerNames, w.name)
	}
	snap := snapshot{}
	for _, p := range paths {
		at := c.folder + "/current/" + p
		for i, l := range layers {
			if _, ok := l[p]; ok {
				at = c.folder + "/history/" + layerNames[i] + "/" + p
				break
			}
		}
		if snap[p], err = c.sum(at); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// sum returns "size:sha256" of the file at p, or "absent" when there is none.
func (c *chTarget) sum(p string) (string, error) {
	data, err := c.rawRead(p)
	if errors.Is(err, errNoFile) {
		return "absent", nil
	}
	if err != nil {
		return "", err
	}
	return sumReader(bytes.NewReader(data))
}

// current returns what current/ holds, every file of it.
func (c *chTarget) current() (snapshot, error) {
	files, err := c.rawList(c.folder + "/current")
	if err != nil {
		return nil, err
	}
	snap := snapshot{}
	for p := range files {
		if snap[p], err = c.sum(c.folder + "/current/" + p); err != nil {
			return nil, err
		}
	}
	return snap, nil
}

// fingerprint sums up every file of the job's folder and its stamp: it
// differs whenever anything there was written, moved or deleted. "" when
// the folder cannot be listed.
func (c *chTarget) fingerprint() string {
	files, err := c.rawList(c.folder)
	if err != nil {
		return ""
	}
	keys := make([]string, 0, len(files))
	for p, stamp := range files {
		keys = append(keys, p+"\x00"+stamp)
	}
	slices.Sort(keys)
	s, _ := sumReader(strings.NewReader(strings.Join(keys, "\n")))
	return s
}

// chRun is what the job's folder held as a run began, so that the
// campaign can see from outside how far the run has got.
type chRun struct {
	base    string            // the newest version, which current/ holds ("" for none)
	known   map[string]bool   // the committed versions
	current map[string]string // current/'s files and their stamps
	// expect is the changes the run must make: a move into history/<base>/
	// per file replaced or deleted, an upload per file new or replaced.
	expect int
	order  map[string]int // each path's place in the scan (the source's and the base's paths)
	files  int            // paths in the scan
}

// begin records the folder before a run of the source snap; snaps holds
// the source as each run saw it, by run id.
func (c *chTarget) begin(snap snapshot, snaps map[string]snapshot) (*chRun, error) {
	st, err := c.state()
	if err != nil {
		return nil, err
	}
	r := &chRun{known: map[string]bool{}, order: map[string]int{}}
	for _, v := range st.versions {
		r.known[v.name] = true
	}
	base := snapshot{}
	if b := st.newest(); b != nil {
		r.base = b.name
		var ok bool
		if base, ok = snaps[b.Version.Owner.RunID]; !ok {
			return nil, fmt.Errorf("the newest version %s was made by run %s, which the harness never started", b.name, b.Version.Owner.RunID)
		}
	}
	if r.current, err = c.rawList(c.folder + "/current"); err != nil {
		return nil, err
	}
	all := map[string]bool{}
	for p, sum := range snap {
		all[p] = true
		switch old, ok := base[p]; {
		case !ok:
			r.expect++
		case old != sum:
			r.expect += 2
		}
	}
	for p := range base {
		if _, ok := snap[p]; !ok {
			all[p] = true
			r.expect++
		}
	}
	paths := make([]string, 0, len(all))
	for p := range all {
		paths = append(paths, p)
	}
	slices.SortFunc(paths, scanOrder)
	for i, p := range paths {
		r.order[p] = i
	}
	r.files = len(paths)
	return r, nil
}

// scanOrder orders paths as a depth-first walk of sorted folders lists
// them: by their names, one level at a time.
func scanOrder(a, b string) int {
	return slices.Compare(strings.Split(a, "/"), strings.Split(b, "/"))
}

// chProgress is how far a run had got, seen from outside.
type chProgress struct {
	marked    bool // run.json is there
	orphan    bool // a manifest of a version not committed before: the commit has begun
	committed bool // a version not committed before has its record
	done      int  // changes made: files in history/<base>/, files of current/ new or written again
	last      int  // the latest place in the scan among the paths changed (-1: none)
}

// progress looks at the folder during or after the run r.
func (c *chTarget) progress(r *chRun) (chProgress, error) {
	p := chProgress{last: -1}
	meta, err := c.rawList(c.folder + "/.avault")
	if err != nil {
		return p, err
	}
	_, p.marked = meta["run.json"]
	for f := range meta {
		name, ok := strings.CutPrefix(f, "versions/")
		switch {
		case !ok:
		case strings.HasSuffix(name, ".manifest.json.gz"):
			v := strings.TrimSuffix(name, ".manifest.json.gz")
			_, rec := meta["versions/"+v+".json"]
			p.orphan = p.orphan || (!rec && !r.known[v])
		case strings.HasSuffix(name, ".json"):
			p.committed = p.committed || !r.known[strings.TrimSuffix(name, ".json")]
		}
	}
	changed := func(path string) {
		p.done++
		if i, ok := r.order[path]; ok {
			p.last = max(p.last, i)
		}
	}
	cur, err := c.rawList(c.folder + "/current")
	if err != nil {
		return p, err
	}
	for f, stamp := range cur {
		if r.current[f] != stamp {
			changed(f)
		}
	}
	if r.base != "" {
		hist, err := c.rawList(c.folder + "/history/" + r.base)
		if err != nil {
			return p, err
		}
		for f := range hist {
			changed(f)
		}
	}
	return p, nil
}

// classify names the phase a kill of the run r hit, as classify does for
// full copies, from what the command had shown and what the folder holds:
// start (no run mark, nothing changed), scan, upload (the scan had ended,
// or the changes reached the last scanAhead paths), commit (every change
// made, or the manifest written, or the version committed), retention,
// finish.
func (r *chRun) classify(at observed, finished, committedByRun bool, p chProgress) string {
	switch {
	case finished:
		return "finish"
	case at.status == "rotating":
		return "retention"
	case committedByRun || p.committed || p.orphan || p.done >= r.expect:
		return "commit"
	case !p.marked && p.done == 0:
		return "start"
	case at.scanDone || p.last >= r.files-scanAhead:
		return "upload"
	}
	return "scan"
}
