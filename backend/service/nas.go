package service

import (
	"errors"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"time"
	"unicode"

	"github.com/avault/avault/backend/job/nasroot"
)

// BrowseItem is one entry of a NAS folder.
type BrowseItem struct {
	Name     string    `json:"name"`
	Path     string    `json:"path"` // relative to the NAS root, starting with "/"
	Type     string    `json:"type"` // "directory", "file", "symlink" or "other"
	Size     int64     `json:"size,omitempty"`
	Modified time.Time `json:"modified"`
	// Error says why the entry cannot be read (it is listed all the same).
	Error string `json:"error,omitempty"`
}

// BrowseResult is a NAS folder's listing, as GET /api/nas/browse.
type BrowseResult struct {
	Path  string       `json:"path"`
	Root  string       `json:"root"`
	Items []BrowseItem `json:"items"`
}

// BrowseNAS lists a folder under the NAS root: folders first, names in
// natural order. "..", absolute paths elsewhere and symbolic links that
// lead outside the root are refused.
func (s *Service) BrowseNAS(rel string) (BrowseResult, error) {
	st, err := s.Settings()
	if err != nil {
		return BrowseResult{}, err
	}
	if st.NASRoot == "" {
		return BrowseResult{}, errors.New("set the NAS root in Settings first")
	}
	root, err := nasroot.Open(st.NASRoot)
	if err != nil {
		return BrowseResult{}, err
	}
	clean, err := nasroot.Clean(rel)
	if err != nil {
		return BrowseResult{}, err
	}
	dir, err := root.Resolve(clean)
	if err != nil {
		return BrowseResult{}, err
	}
	entries, err := os.ReadDir(dir)
	if err != nil {
		return BrowseResult{}, readError("/"+clean, err)
	}
	res := BrowseResult{Path: "/" + clean, Root: st.NASRoot, Items: make([]BrowseItem, 0, len(entries))}
	for _, e := range entries {
		res.Items = append(res.Items, browseItem(root, dir, clean, e))
	}
	sort.SliceStable(res.Items, func(i, j int) bool {
		a, b := res.Items[i], res.Items[j]
		if (a.Type == "directory") != (b.Type == "directory") {
			return a.Type == "directory"
		}
		return naturalLess(a.Name, b.Name)
	})
	return res, nil
}

func browseItem(root *nasroot.Root, dir, rel string, e fs.DirEntry) BrowseItem {
	p := strings.TrimPrefix(rel+"/"+e.Name(), "/")
	it := BrowseItem{Name: e.Name(), Path: "/" + p, Type: "other"}
	info, err := e.Info()
	if err != nil {
		it.Error = readError(it.Path, err).Error()
		return it
	}
	it.Modified = info.ModTime()
	switch {
	case info.Mode()&fs.ModeSymlink != 0:
		it.Type = "symlink"
		if _, err := root.Resolve(p); err != nil {
			it.Error = err.Error()
		} else if fi, err := os.Stat(filepath.Join(dir, e.Name())); err == nil && fi.IsDir() {
			it.Type = "directory"
		}
	case info.IsDir():
		it.Type = "directory"
		if _, err := os.ReadDir(filepath.Join(dir, e.Name())); err != nil {
			it.Error = readError(it.Path, err).Error()
		}
	case info.Mode().IsRegular():
		it.Type, it.Size = "file", info.Size()
	}
	return it
}

func readError(p string, err error) error {
	if errors.Is(err, fs.ErrPermission) {
		return errors.New(p + " cannot be read: permission denied")
	}
	return errors.New(p + " cannot be read: " + errors.Unwrap(err).Error())
}

// naturalLess orders names the way people expect: case-insensitive, with
// runs of digits compared by value ("img2" before "img10").
func naturalLess(a, b string) bool {
	for a != "" && b != "" {
		ra, rb := []rune(a)[0], []rune(b)[0]
		if unicode.IsDigit(ra) && unicode.IsDigit(rb) {
			na, ra2 := digits(a)
			nb, rb2 := digits(b)
			if na != nb {
				if len(strings.TrimLeft(na, "0")) != len(strings.TrimLeft(nb, "0")) {
					return len(strings.TrimLeft(na, "0")) < len(strings.TrimLeft(nb, "0"))
				}
				return strings.TrimLeft(na, "0") < strings.TrimLeft(nb, "0") || (strings.TrimLeft(na, "0") == strings.TrimLeft(nb, "0") && len(na) < len(nb))
			}
			a, b = ra2, rb2
			continue
		}
		la, lb := unicode.ToLower(ra), unicode.ToLower(rb)
		if la != lb {
			return la < lb
		}
		a, b = a[len(string(ra)):], b[len(string(rb)):]
	}
	return len(a) < len(b)
}

func digits(s string) (string, string) {
	i := strings.IndexFunc(s, func(r rune) bool { return !unicode.IsDigit(r) })
	if i < 0 {
		return s, ""
	}
	return s[:i], s[i:]
}

func pathIsAbs(p string) bool { return p != "" && filepath.IsAbs(p) }
