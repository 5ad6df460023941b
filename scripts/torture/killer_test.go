//go:build torture

package torture

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"os"
	"os/exec"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"golang.org/x/sys/unix"
)

// observed is what the harness has seen of a running `avault run` on its
// standard error: the status lines and the progress line it redraws.
type observed struct {
	status   string  // last status line: "", "pending", "running", "uploading", "rotating"
	scanDone bool    // a progress line with a bar (the scan had finished) was seen
	percent  float64 // of the bytes, from the last bar
	progress int     // progress lines seen
	// when each thing was first seen, from the start of the process:
	// "uploading", "scandone", "rotating"
	first map[string]time.Duration
}

var (
	barRe  = regexp.MustCompile(`^\[[#.]+\]\s+(\d+)%`)
	scanRe = regexp.MustCompile(`^\[scanning…\]`)
)

// trigger decides, from what was seen so far, that the kill is due.
type trigger func(o observed) bool

// killed is the outcome of one killing.
type killed struct {
	at       observed      // what had been seen when the signal went
	after    time.Duration // from the start of the process to the signal
	finished bool          // the process had exited before the kill
	code     int           // its exit code when it had
	stderr   string
}

// runAndKill starts `avault run JOB`, waits until when says the moment has
// come, waits delay more, and sends SIGKILL. Standard output is a
// terminal (a pty), so the command draws its progress line ten times a
// second; standard error, where it draws it, is a pipe the harness reads.
func (w *world) runAndKill(jobName string, when trigger, delay time.Duration) (killed, error) {
	return w.runAndAct(jobName, when, delay, nil)
}

// runAndAct is runAndKill with act done instead of the kill (act nil:
// SIGKILL); after act, the run goes on to its end.
func (w *world) runAndAct(jobName string, when trigger, delay time.Duration, act func()) (killed, error) {
	master, slave, err := openPTY()
	if err != nil {
		return killed{}, err
	}
	defer master.Close()
	cmd := exec.Command(bin, "run", jobName)
	cmd.Env = w.environ()
	cmd.Stdout = slave
	pr, pw, err := os.Pipe()
	if err != nil {
		slave.Close()
		return killed{}, err
	}
	cmd.Stderr = pw
	start := time.Now()
	if err := cmd.Start(); err != nil {
		slave.Close()
		pr.Close()
		pw.Close()
		return killed{}, err
	}
	slave.Close()
	pw.Close()
	go io.Copy(io.Discard, master) // the run's summary, if it gets that far

	var mu sync.Mutex
	var seen observed
	var errText bytes.Buffer
	due := make(chan struct{})
	var dueOnce sync.Once
	check := func() {
		if when(seen) {
			dueOnce.Do(func() { close(due) })
		}
	}
	readDone := make(chan struct{})
	go func() {
		defer close(readDone)
		sc := bufio.NewScanner(pr)
		sc.Split(scanCRLF)
		for sc.Scan() {
			line := strings.TrimSpace(strings.ReplaceAll(sc.Text(), "\033[K", ""))
			mu.Lock()
			errText.WriteString(line + "\n")
			seen.observe(line, time.Since(start))
			check()
			mu.Unlock()
		}
	}()
	mu.Lock()
	check()
	mu.Unlock()
	// Triggers that look at the destination are asked between lines too.
	go func() {
		tick := time.NewTicker(10 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-readDone:
				return
			case <-due:
				return
			case <-tick.C:
				mu.Lock()
				check()
				mu.Unlock()
			}
		}
	}()
	exited := make(chan error, 1)
	go func() { exited <- cmd.Wait() }()

	var k killed
	select {
	case <-due:
		time.Sleep(delay)
		mu.Lock()
		k.at = seen.clone()
		mu.Unlock()
		k.after = time.Since(start)
		if act != nil {
			act()
			<-exited
			k.finished, k.code = true, cmd.ProcessState.ExitCode()
			break
		}
		if err := cmd.Process.Signal(syscall.SIGKILL); err != nil {
			k.finished = true // it had already exited
		}
		werr := <-exited
		if ws, ok := cmd.ProcessState.Sys().(syscall.WaitStatus); ok && !(ws.Signaled() && ws.Signal() == syscall.SIGKILL) {
			k.finished = true
			k.code = cmd.ProcessState.ExitCode()
		}
		_ = werr
	case <-exited:
		k.finished = true
		k.after = time.Since(start)
		k.code = cmd.ProcessState.ExitCode()
	case <-time.After(10 * time.Minute):
		cmd.Process.Kill()
		<-exited
		return k, fmt.Errorf("avault run %s neither reached the moment to kill nor ended in 10 minutes", jobName)
	}
	<-readDone
	pr.Close()
	if k.finished {
		k.at = seen.clone() // everything it showed
	}
	k.stderr = errText.String()
	transcript.write(fmt.Sprintf("$ avault run %s  # SIGKILL after %s (finished first: %v)\n%s\n", jobName, k.after.Round(time.Millisecond), k.finished, clip(k.stderr, 4000)))
	return k, nil
}

func (o observed) clone() observed {
	m := make(map[string]time.Duration, len(o.first))
	for k, v := range o.first {
		m[k] = v
	}
	o.first = m
	return o
}

// observe updates what was seen from one line of the command's output.
func (o *observed) observe(line string, at time.Duration) {
	defer func() {
		if o.first == nil {
			o.first = map[string]time.Duration{}
		}
		for k, seen := range map[string]bool{"uploading": o.status == "uploading" || o.status == "rotating", "scandone": o.scanDone, "rotating": o.status == "rotating"} {
			if _, ok := o.first[k]; seen && !ok {
				o.first[k] = at
			}
		}
	}()
	switch {
	case barRe.MatchString(line):
		o.progress++
		o.scanDone = true
		m := barRe.FindStringSubmatch(line)
		o.percent, _ = strconv.ParseFloat(m[1], 64)
	case scanRe.MatchString(line):
		o.progress++
	case line == "running", strings.HasPrefix(line, "pending"):
		if o.status == "" || o.status == "pending" {
			o.status = strings.SplitN(line, ":", 2)[0]
		}
	case line == "uploading", line == "rotating":
		o.status = line
	}
}

// scanCRLF splits at \n and at \r, which the progress line uses to redraw.
func scanCRLF(data []byte, atEOF bool) (int, []byte, error) {
	for i, b := range data {
		if b == '\n' || b == '\r' {
			return i + 1, data[:i], nil
		}
	}
	if atEOF && len(data) > 0 {
		return len(data), data, nil
	}
	return 0, nil, nil
}

// openPTY opens a pseudo-terminal pair.
func openPTY() (master, slave *os.File, err error) {
	master, err = os.OpenFile("/dev/ptmx", os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		return nil, nil, err
	}
	fd := int(master.Fd())
	if err := unix.IoctlSetPointerInt(fd, unix.TIOCSPTLCK, 0); err != nil {
		master.Close()
		return nil, nil, err
	}
	n, err := unix.IoctlGetInt(fd, unix.TIOCGPTN)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	slave, err = os.OpenFile("/dev/pts/"+strconv.Itoa(n), os.O_RDWR|syscall.O_NOCTTY, 0)
	if err != nil {
		master.Close()
		return nil, nil, err
	}
	return master, slave, nil
}
