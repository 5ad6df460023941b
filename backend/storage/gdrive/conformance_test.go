package gdrive_test

import (
	"sync"
	"testing"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
	"github.com/avault/avault/backend/storage/storagetest"
)

// envs finds the fake behind a destination the suite opened.
var envs sync.Map // storage.Destination → *env

func TestConformance(t *testing.T) {
	storagetest.Run(t, func(t *testing.T) storage.Destination {
		e := newEnv(t, drivefake.Options{}, nil)
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
		Faulty: faulty,
	})
}
