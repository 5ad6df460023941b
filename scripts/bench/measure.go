package main

import (
	"bytes"
	"cmp"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"sync/atomic"
	"syscall"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/s3/s3test"
)

// The cases measured for each dataset and link.
const (
	caseFirst   = "first backup"
	caseSame    = "new version, nothing changed"
	caseChanged = "new version, 1 % changed"
	caseCopy    = "cp -r + sync (same disk)"
)

// measurement is one timed run of one tool.
type measurement struct {
	dataset, link, kind, tool string
	files                     int
	bytes                     int64
	wall                      time.Duration
	sent                      int64 // bytes from client to server, TLS included
	fileBytes                 int64 // Avault: bytes of files uploaded, by its own count
	peakKiB                   int64
	cpu, serverCPU            time.Duration // the tool's user+system time; the S3 server's meanwhile
	timings                   *engine.Timings
	note                      string
	requests                  requests // by kind, as the logged server counted them
	stored                    int64    // bytes of the tool's objects on the logged server after the run
	failed                    bool     // Avault's run did not succeed (the note says why)
}

type bench struct {
	cfg      config
	srv      *s3test.Server
	px       *proxy
	endpoint string
	direct   bool // the runs talk to the server without the proxy
	started  time.Time
	runs     int
	results  []measurement
	// The layout comparison's server, while it runs, and what it measured.
	logged        *loggedServer
	layoutResults []measurement
	series        []*series
	// password, while set, makes Avault's runs encrypt; rcloneEnv adds
	// to rclone's environment (a crypt remote).
	password  string
	rcloneEnv []string
}

// dataset generates one dataset and measures it on each link.
func (b *bench) dataset(s spec) error {
	fmt.Fprintf(os.Stderr, "generating %s...\n", s.name)
	ds, err := generate(b.cfg.work, s)
	if err != nil {
		return err
	}
	defer os.RemoveAll(ds.dir)
	fmt.Fprintf(os.Stderr, "%s: %d files, %.1f MiB\n", ds.name, len(ds.files), mib(ds.bytes))
	if err := b.copyLimit(ds); err != nil {
		return err
	}
	links := []string{"loopback"}
	if b.cfg.limitMbit > 0 && b.cfg.limited[ds.name] {
		links = append(links, fmt.Sprintf("limited %.0f Mbit/s", b.cfg.limitMbit))
	}
	for i, link := range links {
		rate := 0.0
		if i > 0 {
			rate = b.cfg.limitMbit * 1e6 / 8
		}
		b.px.setLimit(rate)
		// Loopback runs talk to the server directly: relayed through the
		// proxy, the server's CPU time for a large upload grows by about
		// 70 %. Bytes sent are then what the tool wrote (see timed).
		b.endpoint, b.direct = "https://"+b.px.addr(), false
		if i == 0 && !b.cfg.proxyLoopback {
			b.endpoint, b.direct = b.srv.Endpoint, true
		}
		if err := b.link(ds, link, i); err != nil {
			return err
		}
	}
	b.px.setLimit(0)
	return nil
}

// link runs the three cases on one link, Avault then rclone for each.
func (b *bench) link(ds *dataset, link string, n int) error {
	av := fmt.Sprintf("av-%d-%s", n, ds.name)
	rc := fmt.Sprintf("rc-%d-%s", n, ds.name)
	defer os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, av))
	defer os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, rc))
	for i, kind := range []string{caseFirst, caseSame, caseChanged} {
		if kind == caseChanged {
			if _, _, err := ds.change(uint64(b.runs + 1)); err != nil {
				return err
			}
		}
		fmt.Fprintf(os.Stderr, "%s, %s, %s...\n", ds.name, link, kind)
		if kind == caseFirst && n == 0 && ds.spec.rounds && b.cfg.repeat > 1 {
			a, r, err := b.repeatFirst(ds, av, rc)
			if err != nil {
				return err
			}
			b.add(a, ds, link, kind)
			b.add(r, ds, link, kind)
			continue
		}
		m, err := b.avault(ds, av)
		if err != nil {
			return err
		}
		b.add(m, ds, link, kind)
		args := []string{"copy", "--transfers", fmt.Sprint(b.cfg.transfers), "--no-check-certificate",
			ds.dir, fmt.Sprintf("T:%s/%s/v%d", b.srv.Bucket, rc, i+1)}
		if i > 0 {
			args = append(args, "--copy-dest", fmt.Sprintf("T:%s/%s/v%d", b.srv.Bucket, rc, i))
		}
		m, err = b.rclone(args)
		if err != nil {
			return err
		}
		b.add(m, ds, link, kind)
	}
	return nil
}

// rcloneFirst is rclone's first backup of ds into version 1 under prefix.
func (b *bench) rcloneFirst(ds *dataset, prefix string) (measurement, error) {
	return b.rclone([]string{"copy", "--transfers", fmt.Sprint(b.cfg.transfers), "--no-check-certificate",
		ds.dir, fmt.Sprintf("T:%s/%s/v1", b.srv.Bucket, prefix)})
}

// repeatFirst measures the first backup on loopback cfg.repeat times for
// each tool, emptying both prefixes on the server between rounds and
// taking turns at going first, and returns each tool's median run by wall
// time. The server shares the machine's two cores, and its CPU time for
// the same upload varies by a fifth from run to run; one run of each tool
// says more about that than about the tools. The median run carries the
// highest peak memory of all rounds, and a note with every round's time.
func (b *bench) repeatFirst(ds *dataset, av, rc string) (measurement, measurement, error) {
	var as, rs []measurement
	for round := range b.cfg.repeat {
		if round > 0 {
			for _, p := range []string{av, rc} {
				if err := os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, p)); err != nil {
					return measurement{}, measurement{}, err
				}
			}
		}
		runA := func() error {
			m, err := b.avault(ds, av)
			as = append(as, m)
			return err
		}
		runR := func() error {
			m, err := b.rcloneFirst(ds, rc)
			rs = append(rs, m)
			return err
		}
		order := []func() error{runA, runR}
		if round%2 == 1 {
			order = []func() error{runR, runA}
		}
		for _, f := range order {
			if err := f(); err != nil {
				return measurement{}, measurement{}, err
			}
		}
	}
	return medianRun(as), medianRun(rs), nil
}

// medianRun returns the run of median wall time (the faster of the two
// middle ones when there is an even number), with the highest peak
// memory of all and a note listing every wall time.
func medianRun(ms []measurement) measurement {
	sorted := slices.Clone(ms)
	slices.SortFunc(sorted, func(a, b measurement) int { return cmp.Compare(a.wall, b.wall) })
	m := sorted[(len(sorted)-1)/2]
	walls := make([]string, len(ms))
	for i, x := range ms {
		walls[i] = fmt.Sprintf("%.2f", x.wall.Seconds())
		m.peakKiB = max(m.peakKiB, x.peakKiB)
	}
	note := fmt.Sprintf("median of %d runs (%s s)", len(ms), strings.Join(walls, ", "))
	if m.note != "" {
		note = m.note + "; " + note
	}
	m.note = note
	return m
}

func (b *bench) add(m measurement, ds *dataset, link, kind string) {
	m.dataset, m.link, m.kind, m.files, m.bytes = ds.name, link, kind, ds.count(), ds.bytes
	b.results = append(b.results, m)
	b.row(os.Stdout)
	fmt.Fprintf(os.Stderr, "  %-6s %8.2f s  %8.0f files/s  %7.1f MiB/s  sent %8.1f MiB  peak %4.0f MB  %s\n",
		m.tool, m.wall.Seconds(), float64(m.files)/m.wall.Seconds(), mib(m.bytes)/m.wall.Seconds(),
		mib(m.sent), float64(m.peakKiB)/1024, m.note)
}

// avault runs one backup in a child process, keeping full copies.
func (b *bench) avault(ds *dataset, prefix string) (measurement, error) {
	return b.avaultLayout(ds, prefix, job.LayoutFull, "")
}

// avaultLayout runs one backup in a child process with the given layout;
// folder is the job's folder under prefix, for current + history.
func (b *bench) avaultLayout(ds *dataset, prefix string, layout job.Layout, folder string) (measurement, error) {
	b.runs++
	cfg := childConfig{Endpoint: b.endpoint, Bucket: b.srv.Bucket, Prefix: prefix, Region: b.srv.Region,
		AccessKey: b.srv.AccessKey, SecretKey: b.srv.SecretKey, CAPEM: b.srv.Cert.PEM, Source: ds.dir,
		JobID: prefix, Started: b.started.Add(time.Duration(b.runs) * time.Hour), Transfers: b.cfg.transfers,
		S3: b.cfg.s3, Layout: layout, Folder: folder, Password: b.password, Salt: benchSalt(b.password)}
	in, _ := json.Marshal(cfg)
	self, err := os.Executable()
	if err != nil {
		return measurement{}, err
	}
	cmd := exec.Command(self, "-child")
	cmd.Stdin = bytes.NewReader(in)
	if b.cfg.profile != "" {
		p := filepath.Join(b.cfg.profile, fmt.Sprintf("avault-%02d-%s.pprof", b.runs, prefix))
		cmd.Env = append(os.Environ(), "AVAULT_BENCH_CPUPROFILE="+p)
	}
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
	if b.direct {
		m.sent = rep.Wrote // exact: the child reads its own count at the end
	}
	if rep.ErrorMsg != "" || r.Status != job.StatusSuccess {
		m.note = fmt.Sprintf("%s %s %s", r.Status, r.ErrorMessage, rep.ErrorMsg)
		m.failed = true
	} else {
		m.note = fmt.Sprintf("%d sent, %d copied", r.FilesUploaded, r.FilesCopied)
	}
	return m, nil
}

// rclone runs rclone with its S3 remote T: configured from the environment.
func (b *bench) rclone(args []string) (measurement, error) {
	cmd := exec.Command(b.cfg.rclone, args...)
	cmd.Env = append(os.Environ(),
		"RCLONE_CONFIG_T_TYPE=s3", "RCLONE_CONFIG_T_PROVIDER=Other",
		"RCLONE_CONFIG_T_ENDPOINT="+b.endpoint,
		"RCLONE_CONFIG_T_ACCESS_KEY_ID="+b.srv.AccessKey,
		"RCLONE_CONFIG_T_SECRET_ACCESS_KEY="+b.srv.SecretKey,
		"RCLONE_CONFIG_T_FORCE_PATH_STYLE=true", "RCLONE_CONFIG=/dev/null")
	cmd.Env = append(cmd.Env, b.rcloneEnv...)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	m, err := b.timed(cmd)
	if err != nil {
		return m, fmt.Errorf("rclone %v: %v: %s", args, err, errOut.String())
	}
	m.tool = "rclone"
	return m, nil
}

// timed runs cmd after a sync, measuring its wall time, its peak memory and the bytes
// it sent through the proxy.
func (b *bench) timed(cmd *exec.Cmd) (measurement, error) {
	// The previous run's files are written out first, untimed: otherwise
	// their write-back (tens of thousands of small files for the small
	// datasets) takes CPU from whichever run comes next, and a tool's
	// rounds grow slower one after another.
	syscall.Sync()
	b.px.reset()
	server := processCPU(b.srv.PID())
	start := time.Now()
	if err := cmd.Start(); err != nil {
		return measurement{}, err
	}
	// Without the proxy, the bytes sent are what the tool wrote (sockets,
	// almost all of it), read from /proc while it runs.
	var wrote atomic.Int64
	stop := make(chan struct{})
	polled := make(chan struct{})
	go func() {
		defer close(polled)
		t := time.NewTicker(10 * time.Millisecond)
		defer t.Stop()
		for {
			if n, ok := processWrote(cmd.Process.Pid); ok {
				wrote.Store(n)
			}
			select {
			case <-stop:
				return
			case <-t.C:
			}
		}
	}()
	err := cmd.Wait()
	close(stop)
	<-polled
	m := measurement{wall: time.Since(start)}
	time.Sleep(50 * time.Millisecond) // let the proxy count the last bytes
	m.sent, _ = b.px.reset()
	if b.direct {
		m.sent = wrote.Load()
	}
	m.serverCPU = processCPU(b.srv.PID()) - server
	if ru, ok := cmd.ProcessState.SysUsage().(*syscall.Rusage); ok && ru != nil {
		m.peakKiB = ru.Maxrss
		m.cpu = time.Duration(ru.Utime.Nano() + ru.Stime.Nano())
	}
	return m, err
}

// processWrote returns the bytes a process has written so far (wchar in
// /proc/PID/io: sockets and files alike).
func processWrote(pid int) (int64, bool) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/io", pid))
	if err != nil {
		return 0, false
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "wchar: "); ok {
			n, err := strconv.ParseInt(v, 10, 64)
			return n, err == nil
		}
	}
	return 0, false
}

// processCPU returns the user and system time a process has used so far,
// from /proc (0 where that cannot be read).
func processCPU(pid int) time.Duration {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	// Fields after the command name, which is in parentheses: utime and
	// stime are the 12th and 13th, in clock ticks (100 a second on Linux).
	_, rest, _ := strings.Cut(string(raw), ") ")
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(u+st) * 10 * time.Millisecond
}

// copyLimit measures cp -r and sync of the dataset on the same disk.
func (b *bench) copyLimit(ds *dataset) error {
	dst := filepath.Join(b.cfg.work, "cp-"+ds.name)
	defer os.RemoveAll(dst)
	exec.Command("sync").Run()
	start := time.Now()
	if out, err := exec.Command("cp", "-r", ds.dir, dst).CombinedOutput(); err != nil {
		return fmt.Errorf("cp: %v: %s", err, out)
	}
	if err := exec.Command("sync").Run(); err != nil {
		return err
	}
	b.add(measurement{tool: "cp", wall: time.Since(start)}, ds, "same disk", caseCopy)
	return nil
}

func mib(n int64) float64 { return float64(n) / (1 << 20) }
