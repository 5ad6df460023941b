package store

import (
	"context"
	"flag"
	"fmt"
	"os"
	"testing"
	"time"

	"github.com/avault/avault/backend/job"
)

// childEnv names the role a re-executed test binary plays (see TestMain).
const childEnv = "AVAULT_STORE_TEST_CHILD"

// TestMain lets a test re-execute this binary as a second process: with
// childEnv set it plays that role instead of running the tests.
func TestMain(m *testing.M) {
	switch os.Getenv(childEnv) {
	case "":
		flag.Parse()
		if *updateFixtures {
			if err := writeFixtures(); err != nil {
				fmt.Fprintln(os.Stderr, err)
				os.Exit(1)
			}
		}
		os.Exit(m.Run())
	case "open":
		os.Exit(childOpen())
	case "writer":
		os.Exit(childWriter())
	default:
		fmt.Fprintln(os.Stderr, "unknown child role", os.Getenv(childEnv))
		os.Exit(2)
	}
}

var updateFixtures = flag.Bool("update-fixtures", false, "rewrite testdata/v*.db (see fixture_test.go)")

// t0 is the fixed clock of most tests.
var t0 = time.Date(2026, 1, 12, 2, 0, 0, 0, time.UTC)

func openTest(t testing.TB, dir string) *Store {
	t.Helper()
	s, err := Open(context.Background(), Options{Dir: dir, Now: func() time.Time { return t0 }})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// must returns v, or panics (failing the test) when err is not nil. It lets
// a test use a two-result call inline.
func must[T any](v T, err error) T {
	if err != nil {
		panic(err)
	}
	return v
}

// seed creates a credential, an S3 destination using it and one job.
func seed(t testing.TB, s *Store) (job.Credential, job.Destination, job.Job) {
	t.Helper()
	c := must(s.CreateCredential(job.Credential{Name: "AWS", Provider: job.KindS3,
		Metadata: map[string]string{"accessKeyId": "AKIA…WXYZ"}}, []byte("sealed-bytes")))
	d := must(s.CreateDestination(job.Destination{Name: "Bucket", Kind: job.KindS3,
		CredentialID: c.ID, RemoteID: "nas-backup"}))
	return c, d, newJob(t, s, "Photos", d.ID)
}

func newJob(t testing.TB, s *Store, name, destID string) job.Job {
	t.Helper()
	j := job.NewJob()
	j.Name, j.SourcePath, j.DestinationID = name, "photos", destID
	return must(s.CreateJob(j))
}

func ok(t testing.TB, err error) {
	t.Helper()
	if err != nil {
		t.Fatal(err)
	}
}
