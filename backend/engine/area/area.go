// Package area keeps a job's versions in the "current + history" layout,
// on any destination that offers storage.Files. Under the job's folder:
//
//	current/...                         the newest version, every file at its path
//	history/<version>/...               files of <version> that the next version replaced or deleted
//	.avault/area.json                   which job the folder belongs to
//	.avault/versions/<version>.manifest.json.gz   a version's manifest
//	.avault/versions/<version>.json     its commit record, written last
//	.avault/run.json                    present while current/ may differ from the newest version
//
// A version exists once its commit record does. A run moves each file it
// replaces or deletes from current/ into history/<base>/, where <base> is
// the newest version (the one current/ holds), then writes the new bytes
// into current/; unchanged files cost nothing. So a file of version V is
// in the first history folder, among V's and those of the versions made
// after it (in the order they were made), that holds its path; if none
// does, it is in current/. Every operation keeps that rule true for every
// committed version at every instant, crashes included:
//
//   - a run marks the folder (run.json) before it changes anything, and a
//     run that finds the mark puts current/ back to the newest version
//     first (Repair);
//   - deleting a version first moves what an older version still needs
//     into that version's history folder, then removes the commit record,
//     then the files no version needs.
package area

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"path"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/avault/avault/backend/storage"
)

// The folders and records inside a job's folder.
const (
	CurrentDir  = "current"
	HistoryDir  = "history"
	metaDir     = storage.MetaDir
	areaFile    = metaDir + "/area.json"
	versionsDir = metaDir + "/versions"
	runFile     = metaDir + "/run.json"

	recordExt   = ".json"
	manifestExt = ".manifest.json.gz"
	format      = 1
)

// Area is one job's folder at a destination.
type Area struct {
	f      storage.Files
	folder string
	jobID  string
	log    *slog.Logger

	mu     sync.Mutex
	cached *State // what State read last, until this Area changes the records
}

// New returns the area in folder (a folder name directly under the
// destination's root) for the job jobID. It touches nothing.
func New(f storage.Files, folder, jobID string, log *slog.Logger) (*Area, error) {
	if err := storage.ValidateName(folder); err != nil {
		return nil, fmt.Errorf("the job's folder at the destination: %w", err)
	}
	if strings.HasPrefix(folder, ".") {
		return nil, storage.NewError(storage.ErrInvalid, fmt.Sprintf("the job's folder %q must not start with a dot", folder), nil)
	}
	if jobID == "" {
		return nil, storage.NewError(storage.ErrInvalid, "an area needs a job id", nil)
	}
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	return &Area{f: f, folder: folder, jobID: jobID, log: log.With("folder", folder)}, nil
}

// Folder returns the job's folder name.
func (a *Area) Folder() string { return a.folder }

// Files returns the destination's plain file access.
func (a *Area) Files() storage.Files { return a.f }

// path returns the root-relative path of p inside the job's folder.
func (a *Area) path(p ...string) string {
	return a.folder + "/" + strings.Join(p, "/")
}

// Version is a committed version of the area, from its commit record.
type Version struct {
	storage.VersionInfo
	// Gen numbers the area's versions in the order they were made.
	Gen int64 `json:"gen"`
	// Base is the version the run started from, "" for the first.
	Base string `json:"base,omitempty"`
}

// record is the content of a commit record.
type record struct {
	Format  int                 `json:"format"`
	Layout  string              `json:"layout"`
	Version storage.VersionInfo `json:"version"`
	Gen     int64               `json:"gen"`
	Base    string              `json:"base,omitempty"`
}

// ownerRecord is the content of area.json.
type ownerRecord struct {
	Avault  string    `json:"avault"`
	Format  int       `json:"format"`
	JobID   string    `json:"jobId"`
	JobName string    `json:"jobName,omitempty"`
	Created time.Time `json:"created"`
	About   string    `json:"about"`
}

// errForeign says the folder is another job's, or the user's.
var errForeign = errors.New("not this job's folder")

// owned reports whether the folder is this job's: false when it has no
// area record, errForeign (wrapped) when it is another job's.
func (a *Area) owned(ctx context.Context) (bool, error) {
	var rec ownerRecord
	err := a.readJSON(ctx, a.path(areaFile), &rec)
	switch {
	case errors.Is(err, storage.ErrNotFound):
		return false, nil
	case err != nil:
		return false, err
	case rec.JobID != a.jobID:
		return false, storage.NewError(storage.ErrInvalid, fmt.Sprintf(
			"the folder %s at the destination belongs to another job (%s); give this job another folder", a.folder, rec.JobName), errForeign)
	}
	return true, nil
}

// claim makes the folder this job's: it writes the area record into a
// folder that is missing or empty, and refuses one that holds anything.
func (a *Area) claim(ctx context.Context, jobName string) error {
	ok, err := a.owned(ctx)
	if err != nil || ok {
		return err
	}
	found := errors.New("found")
	err = a.f.Walk(ctx, a.folder, func(storage.FileInfo) error { return found })
	switch {
	case errors.Is(err, found):
		return storage.NewError(storage.ErrInvalid, fmt.Sprintf(
			"the folder %s at the destination already holds files that are not this job's; give the job another folder, or move them away", a.folder), errForeign)
	case err != nil:
		return err
	}
	a.forget()
	return a.writeJSON(ctx, a.path(areaFile), ownerRecord{Avault: "job folder", Format: format, JobID: a.jobID, JobName: jobName,
		Created: time.Now().UTC().Truncate(time.Second),
		About:   "Avault keeps this job's backups here: current/ is the newest version, history/<version>/ what the next version replaced or deleted. See .avault/versions for every version's file list."})
}

// State is what the area holds: its committed versions, oldest first
// (by Gen), and the names of versions whose manifest has no commit record
// (a run or a delete that did not finish).
type State struct {
	Versions []Version
	Orphans  []string
}

// Newest returns the version current/ holds, or nil when there is none.
func (s *State) Newest() *Version {
	if len(s.Versions) == 0 {
		return nil
	}
	return &s.Versions[len(s.Versions)-1]
}

// Find returns the version called name, or nil.
func (s *State) Find(name string) *Version {
	for i := range s.Versions {
		if s.Versions[i].Name == name {
			return &s.Versions[i]
		}
	}
	return nil
}

// Older returns the newest version made before v, or nil.
func (s *State) Older(v *Version) *Version {
	var out *Version
	for i := range s.Versions {
		if w := &s.Versions[i]; w.Gen < v.Gen && (out == nil || w.Gen > out.Gen) {
			out = w
		}
	}
	return out
}

// State reads the area's commit records. A folder that is not this job's
// holds nothing for it. What it read is kept until this Area changes the
// records itself: one run or one operation of the service uses an Area,
// and a job runs once at a time.
func (a *Area) State(ctx context.Context) (State, error) {
	a.mu.Lock()
	c := a.cached
	a.mu.Unlock()
	if c != nil {
		return State{Versions: slices.Clone(c.Versions), Orphans: slices.Clone(c.Orphans)}, nil
	}
	st, err := a.readState(ctx)
	if err == nil {
		a.mu.Lock()
		a.cached = &State{Versions: slices.Clone(st.Versions), Orphans: slices.Clone(st.Orphans)}
		a.mu.Unlock()
	}
	return st, err
}

// forget drops the cached state: the records are about to change.
func (a *Area) forget() {
	a.mu.Lock()
	a.cached = nil
	a.mu.Unlock()
}

// readState reads the commit records at the destination.
func (a *Area) readState(ctx context.Context) (State, error) {
	var st State
	if ok, err := a.owned(ctx); err != nil || !ok {
		if errors.Is(err, errForeign) {
			err = nil
		}
		return st, err
	}
	records, manifests := map[string]bool{}, map[string]bool{}
	err := a.f.Walk(ctx, a.path(versionsDir), func(fi storage.FileInfo) error {
		switch name := fi.Path; {
		case strings.Contains(name, "/"):
		case strings.HasSuffix(name, manifestExt):
			manifests[strings.TrimSuffix(name, manifestExt)] = true
		case strings.HasSuffix(name, recordExt):
			records[strings.TrimSuffix(name, recordExt)] = true
		}
		return nil
	})
	if err != nil {
		return st, err
	}
	for name := range records {
		var rec record
		if err := a.readJSON(ctx, a.recordPath(name), &rec); err != nil {
			if errors.Is(err, storage.ErrNotFound) {
				continue // deleted meanwhile
			}
			return st, fmt.Errorf("the commit record of %s: %w", name, err)
		}
		rec.Version.Name = name
		st.Versions = append(st.Versions, Version{VersionInfo: rec.Version, Gen: rec.Gen, Base: rec.Base})
	}
	for name := range manifests {
		if !records[name] {
			st.Orphans = append(st.Orphans, name)
		}
	}
	slices.SortFunc(st.Versions, func(x, y Version) int {
		if x.Gen != y.Gen {
			return int(min(max(x.Gen-y.Gen, -1), 1))
		}
		return strings.Compare(x.Name, y.Name)
	})
	slices.Sort(st.Orphans)
	return st, nil
}

func (a *Area) recordPath(name string) string   { return a.path(versionsDir, name+recordExt) }
func (a *Area) manifestPath(name string) string { return a.path(versionsDir, name+manifestExt) }
func (a *Area) historyDir(name string) string   { return a.path(HistoryDir, name) }
func (a *Area) currentDir() string              { return a.path(CurrentDir) }

// ReadManifest returns the manifest of a committed version.
func (a *Area) ReadManifest(ctx context.Context, name string) ([]byte, error) {
	if err := storage.ValidateName(name); err != nil {
		return nil, err
	}
	return a.read(ctx, a.manifestPath(name))
}

// read reads a whole small file.
func (a *Area) read(ctx context.Context, p string) ([]byte, error) {
	rc, err := a.f.Open(ctx, p)
	if err != nil {
		return nil, err
	}
	defer rc.Close()
	return io.ReadAll(rc)
}

func (a *Area) readJSON(ctx context.Context, p string, v any) error {
	b, err := a.read(ctx, p)
	if err != nil {
		return err
	}
	if err := json.Unmarshal(b, v); err != nil {
		return fmt.Errorf("%s is damaged: %w", p, err)
	}
	return nil
}

func (a *Area) write(ctx context.Context, p string, b []byte) error {
	_, err := a.f.Put(ctx, p, bytes.NewReader(b), int64(len(b)), nil)
	return err
}

func (a *Area) writeJSON(ctx context.Context, p string, v any) error {
	b, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		return err
	}
	return a.write(ctx, p, b)
}

// sync makes what was written durable, where the destination buffers.
func (a *Area) sync(ctx context.Context) error {
	if s, ok := a.f.(storage.Syncer); ok {
		return s.Sync(ctx)
	}
	return nil
}

// deleteIfThere deletes p; a file already gone is fine.
func (a *Area) deleteIfThere(ctx context.Context, p string) error {
	if err := a.f.Delete(ctx, p); err != nil && !errors.Is(err, storage.ErrNotFound) {
		return err
	}
	return nil
}

// list returns the paths below dir, relative to it.
func (a *Area) list(ctx context.Context, dir string) (map[string]storage.FileInfo, error) {
	out := map[string]storage.FileInfo{}
	err := a.f.Walk(ctx, dir, func(fi storage.FileInfo) error {
		out[fi.Path] = fi
		return nil
	})
	return out, err
}

// join joins a folder and a relative path.
func join(dir, p string) string { return path.Join(dir, p) }
