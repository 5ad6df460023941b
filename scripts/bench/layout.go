package main

import (
	"cmp"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/avault/avault/backend/job"
)

// The contenders of the layout comparison.
const (
	toolFull    = "Avault full copies"
	toolCurrent = "Avault current+history"
	toolBackup  = "rclone --backup-dir"
	toolRestic  = "restic"
)

// contender is one way of keeping versions: how it makes one version of
// a dataset under its prefix in the bucket.
type contender struct {
	name   string
	prefix string
	run    func(ds *dataset, prefix string, version int) (measurement, error)
	// trim, when set, is called after each run to bound what the
	// server's tmpfs holds; it returns the bytes it removed, which still
	// count as stored.
	trim    func(prefix string) (int64, error)
	removed int64
}

// series is what one dataset's layout comparison measured.
type series struct {
	ds           *dataset
	versions     int   // versions with 1 % changed, after the first backup
	changedFiles int   // files changed in the first of them
	changedBytes int64 // bytes changed over all of them
	// stored is each contender's bytes on the server after the first
	// backup and versions changed versions.
	stored map[string]int64
}

// layouts runs the comparison of the layouts and their anchors on every
// dataset chosen with -layouts, on the server with an access log, and
// prints its tables.
func (b *bench) layouts() error {
	var chosen []spec
	for _, s := range specs(b.cfg.scale) {
		if b.cfg.layouts[s.name] {
			chosen = append(chosen, s)
		}
	}
	if len(chosen) == 0 {
		return nil
	}
	dir, err := serverFolder(b.cfg)
	if err != nil {
		return err
	}
	if dir == b.cfg.work {
		dir = filepath.Join(b.cfg.work, "logged")
		if err := os.MkdirAll(dir, 0o700); err != nil {
			return err
		}
	}
	if !b.cfg.keep {
		defer os.RemoveAll(dir)
	}
	srv, err := startLogged(b.cfg.versitygw, dir)
	if err != nil {
		return err
	}
	defer srv.Stop()
	saved, savedEndpoint, savedDirect := b.srv, b.endpoint, b.direct
	b.srv, b.logged, b.endpoint, b.direct = srv.Server, srv, srv.Endpoint, true
	defer func() { b.srv, b.logged, b.endpoint, b.direct = saved, nil, savedEndpoint, savedDirect }()

	fmt.Printf("\n## Layouts: full copies, current + history, rclone sync --backup-dir, %s\n\n", resticVersion(b.cfg.restic))
	fmt.Printf("A second versitygw over HTTPS on 127.0.0.1 (objects in %s), writing an access log from which the requests are counted; %d transfers.\n\n", dir, b.cfg.transfers)
	layoutHeader(os.Stdout)
	for _, s := range chosen {
		if err := b.layoutDataset(s); err != nil {
			return err
		}
	}
	b.layoutSummary(os.Stdout)
	return nil
}

// contenders returns the contenders measured, Avault's two layouts and
// the anchors chosen with -anchors.
func (b *bench) contenders(ds *dataset) []*contender {
	cs := []*contender{
		{name: toolFull, prefix: "lay-full-" + ds.name, run: b.runFull, trim: b.trimFull},
		{name: toolCurrent, prefix: "lay-ch-" + ds.name, run: b.runCurrent},
	}
	if b.cfg.anchors["rclone"] {
		cs = append(cs, &contender{name: toolBackup, prefix: "lay-rclone-" + ds.name, run: b.runBackupDir})
	}
	if b.cfg.anchors["restic"] {
		cs = append(cs, &contender{name: toolRestic, prefix: "lay-restic-" + ds.name, run: b.runRestic})
	}
	return cs
}

// layoutDataset generates a dataset and makes, with every contender, a
// first backup, then -versions versions each with a different 1 % of the
// files changed, then one with nothing changed. The contenders take
// turns at going first. The row of the changed case is the run of median
// wall time.
func (b *bench) layoutDataset(s spec) error {
	fmt.Fprintf(os.Stderr, "generating %s for the layouts...\n", s.name)
	ds, err := generate(b.cfg.work, s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(ds.dir)
	cs := b.contenders(ds)
	for _, c := range cs {
		defer os.RemoveAll(filepath.Join(b.logged.Dir, b.logged.Bucket, c.prefix))
	}
	se := &series{ds: ds, versions: max(1, b.cfg.versions), stored: map[string]int64{}}
	if err := b.resticInit(cs); err != nil {
		return err
	}
	first, err := b.layoutStep(se, cs, caseFirst, 0)
	if err != nil {
		return err
	}
	b.addLayout(first, ds, caseFirst, "")
	changed := make([][]measurement, len(cs))
	var firstChanged []measurement
	for v := 1; v <= se.versions; v++ {
		n, size, err := ds.change(uint64(v))
		if err != nil {
			return err
		}
		if v == 1 {
			se.changedFiles = n
		}
		se.changedBytes += size
		ms, err := b.layoutStep(se, cs, caseChanged, v)
		if err != nil {
			return err
		}
		if v == 1 {
			firstChanged = ms
		}
		for i, m := range ms {
			changed[i] = append(changed[i], m)
		}
	}
	for i, c := range cs {
		se.stored[c.name] = changed[i][len(changed[i])-1].stored
		m := medianRun(changed[i])
		m.stored = firstChanged[i].stored
		b.addLayout([]measurement{m}, ds, caseChanged, fmt.Sprintf("%d files changed", se.changedFiles))
	}
	same, err := b.layoutStep(se, cs, caseSame, se.versions+1)
	if err != nil {
		return err
	}
	b.addLayout(same, ds, caseSame, "")
	b.series = append(b.series, se)
	return nil
}

// layoutStep makes version v with every contender, starting with a
// different one each time, and returns their measurements in the
// contenders' order.
func (b *bench) layoutStep(se *series, cs []*contender, kind string, v int) ([]measurement, error) {
	ms := make([]measurement, len(cs))
	for k := range cs {
		i := (k + v) % len(cs)
		c := cs[i]
		fmt.Fprintf(os.Stderr, "%s, %s, version %d, %s...\n", se.ds.name, kind, v+1, c.name)
		b.logged.counts("") // what came before is not this run's
		m, err := c.run(se.ds, c.prefix, v)
		if err == nil && m.failed {
			err = errors.New(m.note) // the versions after it would measure nothing sound
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", c.name, err)
		}
		keep := ""
		if b.cfg.requestLogs != "" {
			keep = filepath.Join(b.cfg.requestLogs, fmt.Sprintf("%s-v%02d-%s.log", se.ds.name, v+1, c.prefix))
		}
		if m.requests, err = b.logged.counts(keep); err != nil {
			return nil, err
		}
		if c.trim != nil {
			n, err := c.trim(c.prefix)
			if err != nil {
				return nil, err
			}
			c.removed += n
		}
		if m.stored, err = b.logged.stored(c.prefix); err != nil {
			return nil, err
		}
		m.stored += c.removed
		m.tool = c.name
		ms[i] = m
	}
	return ms, nil
}

// addLayout records measurements of the layout comparison and prints
// their rows.
func (b *bench) addLayout(ms []measurement, ds *dataset, kind, note string) {
	for _, m := range ms {
		m.dataset, m.link, m.kind, m.files, m.bytes = ds.name, "loopback", kind, len(ds.files), ds.bytes
		if note != "" {
			m.note = strings.TrimPrefix(m.note+"; "+note, "; ")
		}
		b.layoutResults = append(b.layoutResults, m)
		layoutRow(os.Stdout, m)
		fmt.Fprintf(os.Stderr, "  %-24s %8.2f s  %6d requests  stored %8.1f MiB  %s\n",
			m.tool, m.wall.Seconds(), m.requests.total(), mib(m.stored), m.note)
	}
}

func (b *bench) runFull(ds *dataset, prefix string, _ int) (measurement, error) {
	return b.avaultLayout(ds, prefix, job.LayoutFull, "")
}

func (b *bench) runCurrent(ds *dataset, prefix string, _ int) (measurement, error) {
	return b.avaultLayout(ds, prefix, job.LayoutCurrentHistory, "bench")
}

// trimFull keeps the newest two full copies under prefix and removes
// the older ones from the server's folder, returning their bytes: the
// mixed dataset's nine full copies would not fit the tmpfs beside the
// others. No run reads an older full copy than the newest.
func (b *bench) trimFull(prefix string) (int64, error) {
	root := filepath.Join(b.logged.Dir, b.logged.Bucket, prefix)
	entries, err := os.ReadDir(root)
	if err != nil {
		return 0, err
	}
	var versions []string
	for _, e := range entries {
		if e.IsDir() && !strings.HasPrefix(e.Name(), ".") {
			versions = append(versions, e.Name())
		}
	}
	slices.SortFunc(versions, cmp.Compare) // names end in the run's time
	var removed int64
	for _, v := range versions[:max(0, len(versions)-2)] {
		n, err := b.logged.stored(filepath.Join(prefix, v))
		if err != nil {
			return removed, err
		}
		if err := os.RemoveAll(filepath.Join(root, v)); err != nil {
			return removed, err
		}
		removed += n
	}
	return removed, nil
}

// runBackupDir is rclone's way of keeping versions: sync into current/,
// moving what it replaces or deletes into history/<date>/.
func (b *bench) runBackupDir(ds *dataset, prefix string, v int) (measurement, error) {
	date := b.started.AddDate(0, 0, v).Format("2006-01-02")
	// --s3-no-check-bucket: for the backup dir rclone asks to create the
	// bucket, which exists, and versitygw answers that with a 500 (it
	// made no ACL for a bucket made as a folder), which rclone retries
	// for ever.
	return b.rclone([]string{"sync", "--transfers", fmt.Sprint(b.cfg.transfers), "--no-check-certificate", "--s3-no-check-bucket",
		ds.dir, fmt.Sprintf("T:%s/%s/current", b.srv.Bucket, prefix),
		"--backup-dir", fmt.Sprintf("T:%s/%s/history/%s", b.srv.Bucket, prefix, date)})
}
