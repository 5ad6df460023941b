package service

import (
	"testing"
	"time"

	"github.com/avault/avault/backend/engine/manifest"
)

// TestTreeLevelListsEmptyFolders: the restore browser shows a version's
// empty folders, which no file entry names.
func TestTreeLevelListsEmptyFolders(t *testing.T) {
	mt := time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC)
	entries := []manifest.Entry{{Path: "a/f.txt", Size: 3, MTime: mt}}
	dirs := []manifest.Folder{{Path: "a"}, {Path: "a/empty"}, {Path: "empty"}, {Path: "empty/inner"}}
	top := treeLevel(entries, dirs, "")
	if len(top) != 2 || top[0].Name != "a" || top[0].Files != 1 || top[0].Size != 3 || top[1].Name != "empty" || top[1].Files != 0 {
		t.Errorf("top level %+v", top)
	}
	inA := treeLevel(entries, dirs, "a")
	if len(inA) != 2 || inA[0].Name != "empty" || inA[0].Type != "directory" || inA[1].Name != "f.txt" {
		t.Errorf("folder a %+v", inA)
	}
	if got := treeLevel(entries, dirs, "empty/inner"); len(got) != 0 {
		t.Errorf("an empty folder lists %+v", got)
	}
}
