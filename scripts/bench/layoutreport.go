package main

import (
	"fmt"
	"io"
	"strings"
)

// layoutHeader writes the top of the layout comparison's table.
func layoutHeader(w io.Writer) {
	fmt.Fprintf(w, "| dataset | case | tool | wall s | requests | %s | sent MiB | stored MiB | peak RSS MB | CPU s | server CPU s | note |\n",
		strings.Join(reqNames[:], " | "))
	fmt.Fprintf(w, "|---|---|---|---:|---:|%s---:|---:|---:|---:|---:|---|\n", strings.Repeat("---:|", reqKinds+1))
}

// layoutRow writes one measurement of the layout comparison.
func layoutRow(w io.Writer, m measurement) {
	kinds := make([]string, reqKinds)
	for i, n := range m.requests {
		kinds[i] = fmt.Sprint(n)
	}
	fmt.Fprintf(w, "| %s | %s | %s | %.2f | %d | %s | %.1f | %.1f | %.0f | %.2f | %.2f | %s |\n",
		m.dataset, m.kind, m.tool, m.wall.Seconds(), m.requests.total(), strings.Join(kinds, " | "),
		mib(m.sent), mib(m.stored), float64(m.peakKiB)/1024, m.cpu.Seconds(), m.serverCPU.Seconds(), m.note)
}

// layoutSummary writes the legend, Avault's phases, the stored bytes
// after the versions, the monthly cost of the example and the targets.
func (b *bench) layoutSummary(w io.Writer) {
	fmt.Fprintln(w, "\nrequests: as the server's access log counts them (PUT includes the parts and the start and end of multipart uploads;")
	fmt.Fprintln(w, "DELETE the abort of one). stored MiB: the tool's objects on the server after the case's first run (first backup;")
	fmt.Fprintln(w, "first backup + one 1 % change; after all the versions). The changed case's row is the run of median wall time.")
	fmt.Fprintln(w, "sent MiB: what the tool wrote (wchar: sockets and files; restic's includes its temporary pack files and cache).")

	fmt.Fprintln(w, "\nAvault's phases in these runs (seconds):")
	fmt.Fprintln(w, "| dataset | case | tool | prepare | scan | hash | transfer | manifest | commit | retention | total |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range b.layoutResults {
		if t := m.timings; t != nil {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", m.dataset, m.kind, m.tool, phaseCells(t))
		}
	}

	fmt.Fprintln(w, "\nStored after the first backup and the versions with 1 % changed:")
	fmt.Fprintln(w, "| dataset | tool | versions | source MiB | changed MiB | stored MiB | stored / (source + changed) |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|---:|---:|")
	for _, se := range b.series {
		for _, tool := range []string{toolFull, toolCurrent, toolBackup, toolRestic} {
			st, ok := se.stored[tool]
			if !ok {
				continue
			}
			fmt.Fprintf(w, "| %s | %s | %d | %.1f | %.1f | %.1f | %.2f× |\n", se.ds.name, tool, se.versions+1,
				mib(se.ds.bytes), mib(se.changedBytes), mib(st), se.ratio(tool))
		}
	}
	b.costTable(w)
	b.layoutTargets(w)
}

// ratio is a contender's stored bytes after the versions over the
// source's bytes plus the bytes changed.
func (se *series) ratio(tool string) float64 {
	return float64(se.stored[tool]) / float64(se.ds.bytes+se.changedBytes)
}

// findLayout returns a measurement of the layout comparison, or nil.
func (b *bench) findLayout(dataset, kind, tool string) *measurement {
	for i := range b.layoutResults {
		m := &b.layoutResults[i]
		if m.dataset == dataset && m.kind == kind && m.tool == tool {
			return m
		}
	}
	return nil
}

// layoutTargets checks the goals set for the current + history layout.
func (b *bench) layoutTargets(w io.Writer) {
	fmt.Fprintln(w, "\nLayout targets:")
	for _, se := range b.series {
		ds := se.ds.name
		ch := b.findLayout(ds, caseChanged, toolCurrent)
		if r := b.findLayout(ds, caseChanged, toolRestic); ch != nil && r != nil {
			check(w, ds+", 1 % changed, current + history within 2× restic's time", ch.wall <= 2*r.wall,
				fmt.Sprintf("%.2f s vs %.2f s (%.2f×)", ch.wall.Seconds(), r.wall.Seconds(), ch.wall.Seconds()/r.wall.Seconds()))
		}
		if r := b.findLayout(ds, caseChanged, toolBackup); ch != nil && r != nil {
			check(w, ds+", 1 % changed, current + history faster than rclone --backup-dir", ch.wall < r.wall,
				fmt.Sprintf("%.2f s vs %.2f s (%.2f×)", ch.wall.Seconds(), r.wall.Seconds(), r.wall.Seconds()/ch.wall.Seconds()))
		}
		if ch != nil {
			limit := 3*se.changedFiles + ch.requests[reqList]
			check(w, ds+", 1 % changed, current + history requests ≤ 3 × changed files + listings", ch.requests.total() <= limit,
				fmt.Sprintf("%d requests (%s) for %d changed files and %d listings: limit %d",
					ch.requests.total(), ch.requests, se.changedFiles, ch.requests[reqList], limit))
		}
		if _, ok := se.stored[toolCurrent]; ok {
			x := se.ratio(toolCurrent)
			check(w, fmt.Sprintf("%s, current + history stored after %d versions ≤ 1.1 × (source + changes)", ds, se.versions+1), x <= 1.1,
				fmt.Sprintf("%.1f MiB for %.1f + %.1f MiB (%.3f×)", mib(se.stored[toolCurrent]), mib(se.ds.bytes), mib(se.changedBytes), x))
		}
	}
}

// String lists the non-zero kinds, as "2 PUT, 1 LIST".
func (r requests) String() string {
	var parts []string
	for i, n := range r {
		if n > 0 {
			parts = append(parts, fmt.Sprintf("%d %s", n, reqNames[i]))
		}
	}
	if len(parts) == 0 {
		return "none"
	}
	return strings.Join(parts, ", ")
}

// check writes a target as met or missed.
func check(w io.Writer, name string, ok bool, detail string) {
	mark := "MET   "
	if !ok {
		mark = "MISSED"
	}
	fmt.Fprintf(w, "  %s %s: %s\n", mark, name, detail)
}
