package gdrive_test

import (
	"sync"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/storagetest"
	"github.com/avault/avault/backend/storage/storagetest/faultproxy"
)

// envs finds the fake behind a destination the suite opened.
var envs sync.Map // storage.Destination → *env

func TestConformance(t *testing.T) {
	t.Parallel()
	conformance(t, drivefake.Options{})
}

// TestConformanceStrict runs the suite against a fake with every way in
// which Google is less kind than a plain store turned on
// (drivefake.Strict): names that ignore case, a name search that never
// catches up, a creation limit answered in the daily cap's words, the
// folder depth limit, every file flagged as abusive, expiring sessions and
// chunks taken in part. The creation limit is scaled from 3 to 50 a
// second, so that the suite's thousands of creations take seconds.
func TestConformanceStrict(t *testing.T) {
	t.Parallel()
	fo := drivefake.Strict()
	fo.CreatesPerSecond = 50
	conformance(t, fo)
}

func conformance(t *testing.T, fo drivefake.Options) {
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		e := newEnv(t, fo, nil)
		envs.Store(storage.Destination(e.dest), e)
		return e.dest
	}, storagetest.Options{
		PartSize: 1 << 20,
		PageSize: 50,
		PutUserFile: func(t *testing.T, d storage.Destination, path string, data []byte) {
			e, _ := envs.Load(d)
			e.(*env).putUserFile(t, path, data)
		},
		ReadUserFile: func(t *testing.T, d storage.Destination, path string) ([]byte, error) {
			e, _ := envs.Load(d)
			return e.(*env).readUserFile(t, path)
		},
		FolderExists: func(t *testing.T, d storage.Destination, path string) bool {
			e, _ := envs.Load(d)
			_, err := e.(*env).folderPath(t, path, false)
			return err == nil
		},
		Faulty: func(t *testing.T) (storage.Destination, *faultproxy.Proxy) { return faulty(t, fo) },
	})
}
