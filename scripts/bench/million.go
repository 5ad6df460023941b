package main

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"sync"
	"time"

	"github.com/avault/avault/backend/job"
)

// The million-file dataset: tiny files, 100 a folder, in 100 top folders,
// the shape of a big NAS share of documents or photos' sidecar files.
// What it measures is what grows with the number of files: memory, the
// scan, the manifest; not bytes.
const millionName = "million"

// Its cases besides the first backup and the new version.
const (
	caseFind     = "find"
	caseFindStat = "find, sizes and times"
	caseScan     = "scan (walk, lstat, rules)"
)

// million generates the dataset (cfg.millionFiles × scale files) and
// measures, for Avault and rclone side by side, the first backup and a
// new version with nothing changed to a local folder and to the S3
// server, and Avault's scan next to find's walk of the same tree.
func (b *bench) million() error {
	n := int(float64(b.cfg.millionFiles) * b.cfg.scale)
	if n <= 0 {
		return nil
	}
	fmt.Fprintf(os.Stderr, "generating %d tiny files...\n", n)
	ds, err := generateTiny(filepath.Join(b.cfg.work, "src-"+millionName), n)
	if err != nil {
		return err
	}
	defer os.RemoveAll(ds.dir)
	leaves := (n + 99) / 100
	fmt.Printf("\n## %s files of a few bytes (%d folders)\n\n", thousandsInt(n), leaves+(leaves+99)/100)
	start := len(b.results)
	header(os.Stdout)
	if err := b.millionScan(ds); err != nil {
		return err
	}
	for _, link := range []string{"local folder", "loopback"} {
		if !b.cfg.millionLinks[link] {
			continue
		}
		if err := b.millionLink(ds, link); err != nil {
			return err
		}
	}
	b.millionTargets(os.Stdout, ds, b.results[start:])
	return nil
}

// generateTiny writes n files of a few bytes, 100 a folder, with four
// writers at once (about 30,000 files a second here).
func generateTiny(dir string, n int) (*dataset, error) {
	d := &dataset{name: millionName, dir: dir, n: n}
	const writers = 4
	folders := (n + 99) / 100
	var wg sync.WaitGroup
	errs := make([]error, writers)
	var total [writers]int64
	for w := range writers {
		wg.Go(func() {
			for f := w; f < folders && errs[w] == nil; f += writers {
				sub := filepath.Join(dir, fmt.Sprintf("d%03d", f/100), fmt.Sprintf("e%02d", f%100))
				if err := os.MkdirAll(sub, 0o755); err != nil {
					errs[w] = err
					return
				}
				for i := f * 100; i < min(n, f*100+100); i++ {
					content := strconv.Itoa(i)
					if err := os.WriteFile(filepath.Join(sub, fmt.Sprintf("f%07d.txt", i)), []byte(content), 0o644); err != nil {
						errs[w] = err
						return
					}
					total[w] += int64(len(content))
				}
			}
		})
	}
	wg.Wait()
	for w := range writers {
		if errs[w] != nil {
			return nil, errs[w]
		}
		d.bytes += total[w]
	}
	return d, nil
}

// millionScan times find's walk of the tree, find printing what Avault
// reads of each file (which makes it lstat every entry, as a backup must
// to know sizes and times), and Avault's scan (a preview: the same walk a
// run makes, with the rules), after an untimed walk that fills the cache.
func (b *bench) millionScan(ds *dataset) error {
	if err := exec.Command("find", ds.dir).Run(); err != nil {
		return err
	}
	for _, c := range []struct {
		kind, note string
		args       []string
	}{
		{caseFind, "names only: no lstat where the folder gives the type", []string{ds.dir}},
		{caseFindStat, "-printf '%s %T@ %m': an lstat of every entry", []string{ds.dir, "-printf", "%s %T@ %m\n"}},
	} {
		cmd := exec.Command("find", c.args...)
		cmd.Stdout = io.Discard
		m, err := b.timed(cmd)
		if err != nil {
			return fmt.Errorf("find: %v", err)
		}
		m.tool, m.note, m.peakKiB = "find", c.note, 0 // its peak is the bench's own, inherited at the fork
		b.add(m, ds, "same disk", c.kind)
	}
	m, err := b.avaultChild(childConfig{Source: ds.dir, JobID: "scan", PlanOnly: true})
	if err != nil {
		return err
	}
	b.add(m, ds, "same disk", caseScan)
	return nil
}

// millionLink runs the first backup and a new version with nothing
// changed, Avault then rclone, to a local folder or the S3 server.
func (b *bench) millionLink(ds *dataset, link string) error {
	b.endpoint, b.direct = b.srv.Endpoint, true
	local := link == "local folder"
	avDir := filepath.Join(b.cfg.work, "dst-million-avault")
	rcDir := filepath.Join(b.cfg.work, "dst-million-rclone")
	if local {
		if err := os.MkdirAll(avDir, 0o755); err != nil {
			return err
		}
		defer os.RemoveAll(avDir)
		defer os.RemoveAll(rcDir)
	} else {
		defer os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, "av-million"))
		defer os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, "rc-million"))
	}
	for i, kind := range []string{caseFirst, caseSame} {
		fmt.Fprintf(os.Stderr, "%s, %s, %s...\n", ds.name, link, kind)
		var m measurement
		var err error
		if local {
			b.runs++
			m, err = b.avaultChild(childConfig{Source: ds.dir, JobID: "million", LocalDir: avDir,
				Started: b.started.Add(time.Duration(b.runs) * time.Hour), Transfers: b.cfg.transfers})
		} else {
			m, err = b.avault(ds, "av-million")
		}
		if err != nil {
			return err
		}
		b.add(m, ds, link, kind)
		to := func(v int) string {
			if local {
				return filepath.Join(rcDir, fmt.Sprintf("v%d", v))
			}
			return fmt.Sprintf("T:%s/rc-million/v%d", b.srv.Bucket, v)
		}
		args := []string{"copy", "--transfers", fmt.Sprint(b.cfg.transfers), "--no-check-certificate", ds.dir, to(i + 1)}
		note := ""
		switch {
		case i > 0 && local:
			// rclone's local backend has no server-side copy for
			// --copy-dest: its new version is a copy into the same
			// folder, which compares every file and sends none.
			args[len(args)-1] = to(i)
			note = "copy into the first version's folder (no --copy-dest on a disk)"
		case i > 0:
			args = append(args, "--copy-dest", to(i))
		}
		if m, err = b.rclone(args); err != nil {
			return err
		}
		m.note = note
		b.add(m, ds, link, kind)
	}
	return nil
}

// avaultChild runs one child as configured and reads its report.
func (b *bench) avaultChild(cfg childConfig) (measurement, error) {
	in, _ := json.Marshal(cfg)
	self, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	cmd := exec.Command(self, "-child")
	cmd.Stdin = bytes.NewReader(in)
	var out, errOut bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errOut
	m, err := b.timed(cmd)
	if err != nil {
		return m, fmt.Errorf("avault child: %v: %s", err, errOut.String())
	}
	var rep childReport
	if err := json.Unmarshal(out.Bytes(), &rep); err != nil {
		return m, fmt.Errorf("avault child printed %q: %v", out.String(), err)
	}
	r := rep.Result
	m.tool, m.peakKiB, m.timings, m.fileBytes = "Avault", rep.PeakKiB, &r.Timings, r.BytesUploaded
	m.sent = rep.Wrote
	switch {
	case rep.ErrorMsg != "" || (r.Status != job.StatusSuccess && !cfg.PlanOnly):
		m.note = fmt.Sprintf("%s %s %s", r.Status, r.ErrorMessage, rep.ErrorMsg)
		m.failed = true
	case cfg.PlanOnly:
		m.note = fmt.Sprintf("%d files, %d folders", r.FilesScanned, rep.Folders)
	default:
		m.note = fmt.Sprintf("%d sent, %d copied; scan %.2f s, manifest %.2f s", r.FilesUploaded, r.FilesCopied,
			r.Timings.Scan.Seconds(), r.Timings.Manifest.Seconds())
	}
	return m, nil
}

// millionTargets prints the targets of the million-file dataset: Avault's
// peak memory under 100 MB in every run, and its scan within twice find's
// walk.
func (b *bench) millionTargets(w io.Writer, ds *dataset, ms []measurement) {
	fmt.Fprintln(w, "\nTargets:")
	var peak int64
	runs := 0
	for _, m := range ms {
		if m.tool == "Avault" {
			peak = max(peak, m.peakKiB)
			runs++
		}
	}
	check(w, fmt.Sprintf("%s files: Avault's peak RSS < 100 MB in each of its %d runs", thousandsInt(ds.count()), runs),
		peak*1024 < 100e6, fmt.Sprintf("%.1f MB at most", float64(peak)*1024/1e6))
	var find, findStat, scan *measurement
	for i := range ms {
		switch ms[i].kind {
		case caseFind:
			find = &ms[i]
		case caseFindStat:
			findStat = &ms[i]
		case caseScan:
			scan = &ms[i]
		}
	}
	if find != nil && findStat != nil && scan != nil {
		x := scan.wall.Seconds() / findStat.wall.Seconds()
		check(w, "scan within 2× find reading the same sizes and times", x <= 2,
			fmt.Sprintf("%.2f s vs %.2f s (%.2f×; %.2f× find listing names only, %.2f s)", scan.wall.Seconds(),
				findStat.wall.Seconds(), x, scan.wall.Seconds()/find.wall.Seconds(), find.wall.Seconds()))
	}
	for _, m := range ms {
		if m.failed {
			check(w, fmt.Sprintf("%s, %s: Avault's run succeeded", m.link, m.kind), false, m.note)
		}
	}
}

// thousandsInt writes n with commas between groups of three digits.
func thousandsInt(n int) string {
	s := strconv.Itoa(n)
	for i := len(s) - 3; i > 0; i -= 3 {
		s = s[:i] + "," + s[i:]
	}
	return s
}
