package local

import (
	"os"
	"path/filepath"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/storagetest"
)

func TestConformance(t *testing.T) {
	storagetest.Run(t, openTemp, storagetest.Options{
		PageSize: 100,
		PutUserFile: func(t *testing.T, d storage.Destination, path string, data []byte) {
			name := filepath.Join(d.(*Dest).dir, filepath.FromSlash(path))
			if err := os.MkdirAll(filepath.Dir(name), 0o755); err != nil {
				t.Fatal(err)
			}
			if err := os.WriteFile(name, data, 0o644); err != nil {
				t.Fatal(err)
			}
		},
		ReadUserFile: func(t *testing.T, d storage.Destination, path string) ([]byte, error) {
			return os.ReadFile(filepath.Join(d.(*Dest).dir, filepath.FromSlash(path)))
		},
		FolderExists: func(t *testing.T, d storage.Destination, path string) bool {
			fi, err := os.Lstat(filepath.Join(d.(*Dest).dir, filepath.FromSlash(path)))
			return err == nil && fi.IsDir()
		},
	})
}

// openTemp opens a destination on a fresh temporary folder.
func openTemp(t *testing.T) storage.Destination {
	d, err := New(t.TempDir())
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { d.Close() })
	return d
}
