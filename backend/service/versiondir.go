package service

import (
	"sort"

	"github.com/avault/avault/backend/engine/manifest"
)

// levelOf turns what manifest.ReadDir lists of a folder into the restore
// browser's entries: folders first, then files, each in natural order of
// their names, as treeLevel does from a whole manifest.
func levelOf(items []manifest.DirItem) []TreeEntry {
	var folders, files []TreeEntry
	for _, it := range items {
		if it.Dir {
			folders = append(folders, TreeEntry{Name: it.Name, Path: it.Path, Type: "directory", Size: it.Size, Files: it.Files})
		} else {
			files = append(files, TreeEntry{Name: it.Name, Path: it.Path, Type: "file", Size: it.Size, Modified: it.MTime})
		}
	}
	sort.Slice(folders, func(i, j int) bool { return naturalLess(folders[i].Name, folders[j].Name) })
	sort.Slice(files, func(i, j int) bool { return naturalLess(files[i].Name, files[j].Name) })
	return append(append(make([]TreeEntry, 0, len(items)), folders...), files...)
}
