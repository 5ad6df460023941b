package engine

import (
	"fmt"
	"strings"
	"sync"

	"github.com/avault/avault/backend/job"
)

// fileNotes gathers what the destination noted of the files a restore or
// a verify read (storage.NoteOf): one line per note, naming the files it
// concerns, at most job.MaxNotes lines.
type fileNotes struct {
	mu    sync.Mutex
	order []string            // the notes, as first seen
	paths map[string][]string // the first notedPaths files of each
	count map[string]int
}

// notedPaths is how many files a note line names.
const notedPaths = 5

func (n *fileNotes) add(note, path string) {
	if note == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if n.count == nil {
		n.paths, n.count = map[string][]string{}, map[string]int{}
	}
	if _, seen := n.count[note]; !seen {
		if len(n.order) >= job.MaxNotes {
			return
		}
		n.order = append(n.order, note)
	}
	n.count[note]++
	if len(n.paths[note]) < notedPaths {
		n.paths[note] = append(n.paths[note], path)
	}
}

// lines returns the notes for a result: "path: note" for a note of one
// file, "note (N files: a, b)" for more.
func (n *fileNotes) lines() []string {
	n.mu.Lock()
	defer n.mu.Unlock()
	var out []string
	for _, note := range n.order {
		paths, c := n.paths[note], n.count[note]
		switch {
		case c == 1:
			out = append(out, paths[0]+": "+note)
		case c <= len(paths):
			out = append(out, fmt.Sprintf("%s (%d files: %s)", note, c, strings.Join(paths, ", ")))
		default:
			out = append(out, fmt.Sprintf("%s (%d files; the first: %s, …)", note, c, strings.Join(paths, ", ")))
		}
	}
	return out
}
