//go:build torture

package torture

import (
	"encoding/json"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// Phases a kill can land in, in the order a run goes through them.
var phases = []string{"start", "scan", "upload", "commit", "retention", "finish"}

// Report collects the campaign's numbers for summary.md and summary.json.
type Report struct {
	mu        sync.Mutex
	Seed      uint64                   `json:"seed"`
	Started   time.Time                `json:"started"`
	Crashes   map[string]*CrashStats   `json:"crashes"` // by destination
	Faults    []FaultRow               `json:"faults"`
	Hostile   []HostileRow             `json:"hostile"`
	Checks    []CheckRow               `json:"checks"`
	Secrets   SecretStats              `json:"secrets"`
	Lost      []string                 `json:"lost"` // what a person would have lost: must stay empty
	Durations map[string]time.Duration `json:"durations"`
}

// CrashStats counts the kills of one destination.
type CrashStats struct {
	Injected int            `json:"injected"` // SIGKILLs delivered to a running backup
	Survived int            `json:"survived"` // kills after which every check passed
	Missed   int            `json:"missed"`   // runs that ended before the kill landed (not counted)
	ByPhase  map[string]int `json:"byPhase"`  // injected kills by the phase they hit
	Verified int            `json:"verified"` // versions verified deep and compared with the source
}

// FaultRow is one fault scenario.
type FaultRow struct {
	Scenario string `json:"scenario"`
	Injected int    `json:"injected"` // faults injected
	Runs     int    `json:"runs"`
	Good     int    `json:"good"` // runs that ended as they must, with every version verified
	Note     string `json:"note"`
}

// HostileRow is one hostile input.
type HostileRow struct {
	Surface string `json:"surface"` // cli or web
	Input   string `json:"input"`
	Answer  string `json:"answer"` // exit code or HTTP status, and the start of the message
	Clean   bool   `json:"clean"`  // refused with a message and nothing stored changed
}

// CheckRow is one security or behaviour check.
type CheckRow struct {
	Area  string `json:"area"`
	Check string `json:"check"`
	OK    bool   `json:"ok"`
	Note  string `json:"note,omitempty"`
}

// SecretStats is what the final secret scan looked at.
type SecretStats struct {
	Planted      int      `json:"planted"`
	Transcript   int64    `json:"transcriptBytes"`
	FilesScanned int      `json:"filesScanned"`
	BytesScanned int64    `json:"bytesScanned"`
	Leaks        []string `json:"leaks"`
}

var report = &Report{Started: time.Now(), Crashes: map[string]*CrashStats{}, Durations: map[string]time.Duration{}}

func (r *Report) crash(dest string) *CrashStats {
	c := r.Crashes[dest]
	if c == nil {
		c = &CrashStats{ByPhase: map[string]int{}}
		r.Crashes[dest] = c
	}
	return c
}

func (r *Report) addKill(dest, phase string, survived bool) {
	r.mu.Lock()
	defer r.mu.Unlock()
	c := r.crash(dest)
	c.Injected++
	c.ByPhase[phase]++
	if survived {
		c.Survived++
	}
}

func (r *Report) addMissed(dest string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.crash(dest).Missed++
}

func (r *Report) addVerified(dest string, n int) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.crash(dest).Verified += n
}

func (r *Report) addFault(row FaultRow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Faults = append(r.Faults, row)
}

func (r *Report) addHostile(row HostileRow) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Hostile = append(r.Hostile, row)
}

func (r *Report) addCheck(area, check string, ok bool, note string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Checks = append(r.Checks, CheckRow{Area: area, Check: check, OK: ok, Note: note})
}

func (r *Report) addLost(what string) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Lost = append(r.Lost, what)
}

func (r *Report) lost() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return len(r.Lost)
}

func (r *Report) took(name string, d time.Duration) {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Durations[name] += d
}

// write saves summary.json and summary.md in dir.
func (r *Report) write(dir string) error {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.Seed = seed
	data, err := json.MarshalIndent(r, "", "  ")
	if err != nil {
		return err
	}
	if err := os.WriteFile(filepath.Join(dir, "summary.json"), data, 0o644); err != nil {
		return err
	}
	return os.WriteFile(filepath.Join(dir, "summary.md"), []byte(r.markdown()), 0o644)
}

func (r *Report) markdown() string {
	var b strings.Builder
	fmt.Fprintf(&b, "# Torture campaign summary\n\nseed %d, started %s, took %s\n\n", r.Seed,
		r.Started.Format(time.RFC3339), time.Since(r.Started).Round(time.Second))
	r.crashTable(&b)
	if len(r.Faults) > 0 {
		b.WriteString("\n## Faults\n\n| scenario | faults injected | runs | runs that ended as they must, verified | note |\n|---|---:|---:|---:|---|\n")
		for _, f := range r.Faults {
			fmt.Fprintf(&b, "| %s | %d | %d | %d | %s |\n", f.Scenario, f.Injected, f.Runs, f.Good, mdCell(f.Note))
		}
	}
	r.hostileTable(&b)
	if len(r.Checks) > 0 {
		b.WriteString("\n## Checks\n\n| area | check | result | note |\n|---|---|---|---|\n")
		for _, c := range r.Checks {
			fmt.Fprintf(&b, "| %s | %s | %s | %s |\n", c.Area, mdCell(c.Check), okText(c.OK), mdCell(c.Note))
		}
	}
	s := r.Secrets
	fmt.Fprintf(&b, "\n## Secrets\n\n%d planted values searched in %d bytes of command output and %d files (%d bytes): %d found",
		s.Planted, s.Transcript, s.FilesScanned, s.BytesScanned, len(s.Leaks))
	for _, l := range s.Leaks {
		fmt.Fprintf(&b, "\n- LEAK: %s", l)
	}
	fmt.Fprintf(&b, "\n\n## Lost\n\n%d", len(r.Lost))
	for _, l := range r.Lost {
		fmt.Fprintf(&b, "\n- %s", l)
	}
	b.WriteString("\n")
	if len(r.Durations) > 0 {
		b.WriteString("\n## Time\n\n")
		keys := make([]string, 0, len(r.Durations))
		for k := range r.Durations {
			keys = append(keys, k)
		}
		slices.Sort(keys)
		for _, k := range keys {
			fmt.Fprintf(&b, "- %s: %s\n", k, r.Durations[k].Round(time.Second))
		}
	}
	return b.String()
}

func (r *Report) crashTable(b *strings.Builder) {
	if len(r.Crashes) == 0 {
		return
	}
	b.WriteString("\n## Crashes (SIGKILL of `avault run`)\n\n| destination | injected | survived | missed (run ended first) | ")
	b.WriteString(strings.Join(phases, " | "))
	b.WriteString(" | versions verified |\n|---|---:|---:|---:|")
	b.WriteString(strings.Repeat("---:|", len(phases)+1))
	b.WriteString("\n")
	total := CrashStats{ByPhase: map[string]int{}}
	dests := make([]string, 0, len(r.Crashes))
	for d := range r.Crashes {
		dests = append(dests, d)
	}
	slices.Sort(dests)
	row := func(name string, c *CrashStats) {
		fmt.Fprintf(b, "| %s | %d | %d | %d |", name, c.Injected, c.Survived, c.Missed)
		for _, p := range phases {
			fmt.Fprintf(b, " %d |", c.ByPhase[p])
		}
		fmt.Fprintf(b, " %d |\n", c.Verified)
	}
	for _, d := range dests {
		c := r.Crashes[d]
		row(d, c)
		total.Injected += c.Injected
		total.Survived += c.Survived
		total.Missed += c.Missed
		total.Verified += c.Verified
		for p, n := range c.ByPhase {
			total.ByPhase[p] += n
		}
	}
	row("**all**", &total)
}

func (r *Report) hostileTable(b *strings.Builder) {
	if len(r.Hostile) == 0 {
		return
	}
	clean := 0
	for _, h := range r.Hostile {
		if h.Clean {
			clean++
		}
	}
	fmt.Fprintf(b, "\n## Hostile input: %d tried, %d refused cleanly\n\n| surface | input | answer | clean |\n|---|---|---|---|\n", len(r.Hostile), clean)
	for _, h := range r.Hostile {
		fmt.Fprintf(b, "| %s | %s | %s | %s |\n", h.Surface, mdCell(h.Input), mdCell(h.Answer), okText(h.Clean))
	}
}

func okText(ok bool) string {
	if ok {
		return "ok"
	}
	return "**FAIL**"
}

// mdCell makes s fit in one table cell.
func mdCell(s string) string {
	s = strings.NewReplacer("|", `\|`, "\n", " ", "\r", " ", "\x00", `\0`).Replace(s)
	if len(s) > 260 {
		s = s[:257] + "…"
	}
	return strings.ToValidUTF8(s, "�")
}
