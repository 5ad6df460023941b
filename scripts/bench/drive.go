package main

import (
	"context"
	"fmt"
	"os"
	"sort"
	"strings"
	"time"

	"golang.org/x/oauth2"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/gdrive"
	"github.com/avault/avault/backend/storage/gdrive/drivefake"
)

const (
	driveToken = "ya29.avault-bench"
	// drivePacing is gdrive.Options.CallsPerSecond's default.
	drivePacing = 10
)

// drive times a current + history run with 1 % of the files changed on
// the fake Google Drive, which lets the account create -drive-rate items
// a second as Google does: what a run costs there is mostly waiting for
// creations. The first backup goes to an unlimited fake, whose items are
// then copied into the limited one straight through its in-memory state
// (at 3 a second, the first backup of 10,000 files would take an hour).
// The timed run uses the Drive destination's default pacing.
func (b *bench) drive() error {
	n := int(float64(b.cfg.driveFiles) * b.cfg.scale)
	if n <= 0 {
		return nil
	}
	s := specs(1)[0] // small: 4 KiB files, 100 a folder
	s.name, s.count = "drive", n
	fmt.Fprintf(os.Stderr, "generating %d files for Google Drive...\n", n)
	ds, err := generate(b.cfg.work, s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(ds.dir)

	j := job.NewJob()
	j.ID, j.Name, j.RetentionCount = "drive-bench", "bench", 100
	j.Layout, j.Folder = job.LayoutCurrentHistory, "bench"

	unlimited := drivefake.New(drivefake.Options{Tokens: []string{driveToken}})
	defer unlimited.Close()
	root := unlimited.Create("root", "Backups", drivefake.FolderMime, nil, nil)
	fmt.Fprintln(os.Stderr, "drive: first backup, unlimited...")
	first, err := driveRun(j, ds, unlimited.URL(), root, b.started.Add(time.Hour), -1)
	if err != nil {
		return err
	}

	limited := drivefake.New(drivefake.Options{Tokens: []string{driveToken}, CreatesPerSecond: b.cfg.driveRate})
	defer limited.Close()
	lroot := limited.Create("root", "Backups", drivefake.FolderMime, nil, nil)
	copied := copyTree(unlimited, root, limited, lroot)
	changed, _, err := ds.change(1)
	if err != nil {
		return err
	}
	fmt.Fprintf(os.Stderr, "drive: %d changed, limited to %.0f creations a second...\n", changed, b.cfg.driveRate)
	time.Sleep(2 * time.Second) // the bucket is full when the run starts, as after a quiet night
	start := time.Now()
	res, err := driveRun(j, ds, limited.URL(), lroot, b.started.Add(2*time.Hour), 0)
	wall := time.Since(start)
	if err != nil {
		return err
	}

	w := os.Stdout
	fmt.Fprintf(w, "\n## Google Drive: current + history, 1 %% changed, creations limited to %.0f a second\n\n", b.cfg.driveRate)
	fmt.Fprintf(w, "The fake Drive (drivefake) in this process; %d files of 4 KiB in %d folders; first backup on an unlimited fake "+
		"(%.1f s, %d requests), copied item by item (%d items) into the limited one; the run below uses the destination's default pacing.\n\n",
		n, (n+99)/100, first.wall.Seconds(), first.requests, copied)
	fmt.Fprintln(w, "| files | changed | wall s | status | sent | requests | creations | refused creations (429) | by method |")
	fmt.Fprintln(w, "|---:|---:|---:|---|---:|---:|---:|---:|---|")
	fmt.Fprintf(w, "| %d | %d | %.2f | %s | %d | %d | %d | %d | %s |\n", n, changed, wall.Seconds(), res.status,
		res.uploaded, limited.Requests(), limited.Creates(), limited.RefusedCreates(), driveCalls(limited))
	fmt.Fprintf(w, "\nLower bounds of the run: %d creations at %.0f a second = %.0f s; %d requests at the destination's pacing of %d a second = %.0f s.\n",
		limited.Creates(), b.cfg.driveRate, float64(limited.Creates())/b.cfg.driveRate,
		limited.Requests(), drivePacing, float64(limited.Requests())/drivePacing)
	fmt.Fprintln(w, "\nGoogle Drive target:")
	check(w, fmt.Sprintf("%d files, 1 %% changed, current + history at %.0f creations a second under 2 minutes", n, b.cfg.driveRate),
		wall < 2*time.Minute && res.status == job.StatusSuccess, fmt.Sprintf("%.1f s, %d creations", wall.Seconds(), limited.Creates()))
	return nil
}

// driveResult is what the Drive scenario reports of one run.
type driveResult struct {
	status   job.Status
	uploaded int64
	requests int64
	wall     time.Duration
}

// driveRun backs ds up with job j into folder root of the fake at url.
// callsPerSecond is the destination's pacing (0: its default).
func driveRun(j job.Job, ds *dataset, url, root string, started time.Time, callsPerSecond float64) (driveResult, error) {
	ctx := context.Background()
	d, err := gdrive.New(ctx, gdrive.Options{
		TokenSource: oauth2.StaticTokenSource(&oauth2.Token{AccessToken: driveToken}),
		Endpoint:    url + "/", FolderID: root, CallsPerSecond: callsPerSecond,
	})
	if err != nil {
		return driveResult{}, err
	}
	defer d.Close()
	start := time.Now()
	dest := engine.JobDestination(storage.WithRetry(d, storage.RetryOptions{}), j, nil)
	res := engine.Run(ctx, engine.Request{Job: j, RunID: started.Format("150405"), Source: ds.dir, Dest: dest, Started: started},
		engine.Options{})
	r := driveResult{status: res.Status, uploaded: res.FilesUploaded, requests: d.Calls(), wall: time.Since(start)}
	if res.Status != job.StatusSuccess {
		return r, fmt.Errorf("drive run: %s: %s", res.Status, res.ErrorMessage)
	}
	return r, nil
}

// copyTree copies the items under folder from in fake src into folder to
// in fake dst, keeping names, types, content and properties, and returns
// how many it made. Trashed items are left out.
func copyTree(src *drivefake.Server, from string, dst *drivefake.Server, to string) int {
	n := 0
	for _, it := range src.Children(from) {
		if it.Trashed {
			continue
		}
		var content []byte
		if it.MimeType != drivefake.FolderMime {
			content, _ = src.Content(it.ID)
		}
		id := dst.Create(to, it.Name, it.MimeType, content, it.Properties)
		n++
		if it.MimeType == drivefake.FolderMime {
			n += copyTree(src, it.ID, dst, id)
		}
	}
	return n
}

// driveCalls lists the fake's requests by API method.
func driveCalls(s *drivefake.Server) string {
	methods := []string{"files.list", "files.get", "files.create", "files.create.upload", "upload.chunk",
		"files.update", "files.delete", "files.copy", "about.get", "drives.list"}
	var parts []string
	for _, m := range methods {
		if c := s.Calls(m); c > 0 {
			parts = append(parts, fmt.Sprintf("%s %d", m, c))
		}
	}
	sort.Strings(parts)
	return strings.Join(parts, ", ")
}
