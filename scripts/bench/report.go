package main

import (
	"fmt"
	"github.com/avault/avault/backend/engine"
	"io"
	"strings"
)

// header writes the top of the results table; row writes each line as
// soon as it is measured, so that an interrupted run keeps what it did.
func header(w io.Writer) {
	fmt.Fprintln(w, "| dataset | link | case | tool | wall s | files/s | MiB/s | sent MiB | peak RSS MB | CPU s | server CPU s | Avault/rclone | note |")
	fmt.Fprintln(w, "|---|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|---|")
}

// row writes the last measurement as a table row; an rclone row after an
// Avault row of the same case gets their ratio.
func (b *bench) row(w io.Writer) {
	i := len(b.results) - 1
	m := b.results[i]
	ratio := ""
	if m.tool == "rclone" && i > 0 && b.results[i-1].tool == "Avault" {
		ratio = fmt.Sprintf("%.2f×", m.wall.Seconds()/b.results[i-1].wall.Seconds())
	}
	sent, rss, cpu, server := "", "", "", ""
	if m.tool != "cp" {
		sent = fmt.Sprintf("%.1f", mib(m.sent))
		rss = fmt.Sprintf("%.0f", float64(m.peakKiB)/1024)
		cpu = fmt.Sprintf("%.2f", m.cpu.Seconds())
		server = fmt.Sprintf("%.2f", m.serverCPU.Seconds())
	}
	fmt.Fprintf(w, "| %s | %s | %s | %s | %.2f | %.0f | %.1f | %s | %s | %s | %s | %s | %s |\n",
		m.dataset, m.link, m.kind, m.tool, m.wall.Seconds(), float64(m.files)/m.wall.Seconds(),
		mib(m.bytes)/m.wall.Seconds(), sent, rss, cpu, server, ratio, m.note)
}

// summary writes Avault's phase split and the targets.
func (b *bench) summary(w io.Writer) {
	fmt.Fprintln(w, "\nAvault/rclone is rclone's wall time over Avault's: above 1 Avault is faster.")
	fmt.Fprintln(w, "\nAvault's phases (seconds; scan and transfer overlap; scan leaves out waits for the transfers; hash is summed over transfers):")
	fmt.Fprintln(w, "| dataset | link | case | prepare | scan | hash | transfer | manifest | commit | retention | total |")
	fmt.Fprintln(w, "|---|---|---|---:|---:|---:|---:|---:|---:|---:|---:|")
	for _, m := range b.results {
		if t := m.timings; t != nil {
			fmt.Fprintf(w, "| %s | %s | %s | %s |\n", m.dataset, m.link, m.kind, phaseCells(t))
		}
	}
	fmt.Fprintln(w, "\nFirst backup against the physical limit (cp -r + sync of the same files on the same disk):")
	fmt.Fprintln(w, "| dataset | cp -r + sync s | Avault s | rclone s | Avault/cp | rclone/cp |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|")
	for _, ds := range []string{"small", "large", "mixed"} {
		cp, a, r := b.find(ds, "same disk", caseCopy, "cp"), b.find(ds, "loopback", caseFirst, "Avault"), b.find(ds, "loopback", caseFirst, "rclone")
		if cp == nil || a == nil || r == nil {
			continue
		}
		fmt.Fprintf(w, "| %s | %.2f | %.2f | %.2f | %.1f× | %.1f× |\n", ds, cp.wall.Seconds(), a.wall.Seconds(), r.wall.Seconds(),
			a.wall.Seconds()/cp.wall.Seconds(), r.wall.Seconds()/cp.wall.Seconds())
	}
	fmt.Fprintln(w, "(how many times the copy's time each tool takes; the S3 server on the same 2 cores hashes and writes every byte too)")
	fmt.Fprintln(w)
	b.targets(w)
}

// find returns the measurement of a tool in a case, or nil.
func (b *bench) find(dataset, linkPrefix, kind, tool string) *measurement {
	for i := range b.results {
		m := &b.results[i]
		if m.dataset == dataset && strings.HasPrefix(m.link, linkPrefix) && m.kind == kind && m.tool == tool {
			return m
		}
	}
	return nil
}

// targets checks the goals set for the engine.
func (b *bench) targets(w io.Writer) {
	fmt.Fprintln(w, "Targets:")
	if x, ok := b.ratio("small", caseFirst); ok {
		check(w, "first backup of small files ≥ 2× rclone's files/s", x >= 2, fmt.Sprintf("%.2f×", x))
	}
	if x, ok := b.ratio("large", caseFirst); ok {
		check(w, "first backup of large files ≥ 1.8× rclone's MiB/s", x >= 1.8, fmt.Sprintf("%.2f×", x))
	}
	for _, ds := range []string{"small", "large", "mixed"} {
		for _, kind := range []string{caseSame, caseChanged} {
			if x, ok := b.ratio(ds, kind); ok {
				check(w, fmt.Sprintf("%s, %s, at least as fast as rclone --copy-dest", ds, kind), x >= 1, fmt.Sprintf("%.2f×", x))
			}
		}
		a, r := b.find(ds, "loopback", caseSame, "Avault"), b.find(ds, "loopback", caseSame, "rclone")
		if a != nil && r != nil {
			// No file bytes: Avault counts none, and what goes on the wire
			// (listing, copy requests, the manifest) is no more than rclone
			// sends for the same copies, or under 1 % of the files' bytes.
			check(w, fmt.Sprintf("%s, nothing changed: no file bytes sent", ds), a.fileBytes == 0 && (a.sent <= r.sent || a.sent < a.bytes/100),
				fmt.Sprintf("%d file bytes; %.2f MiB of requests on the wire (rclone %.2f MiB) for %.1f MiB of files",
					a.fileBytes, mib(a.sent), mib(r.sent), mib(a.bytes)))
		}
	}
	first, same := b.find("large", "limited", caseFirst, "Avault"), b.find("large", "limited", caseSame, "Avault")
	if first != nil && same != nil {
		check(w, "limited link: large, nothing changed < 10 % of its first backup's time",
			same.wall < first.wall/10, fmt.Sprintf("%.2f s vs %.2f s (%.1f %%)", same.wall.Seconds(), first.wall.Seconds(),
				100*same.wall.Seconds()/first.wall.Seconds()))
	}
	var peak int64
	for _, m := range b.results {
		if m.tool == "Avault" {
			peak = max(peak, m.peakKiB)
		}
	}
	check(w, "Avault's peak RSS < 100 MB", peak*1024 < 100e6, fmt.Sprintf("%.1f MB", float64(peak)*1024/1e6))
}

// ratio returns rclone's wall time over Avault's for a case on loopback.
func (b *bench) ratio(ds, kind string) (float64, bool) {
	a, r := b.find(ds, "loopback", kind, "Avault"), b.find(ds, "loopback", kind, "rclone")
	if a == nil || r == nil {
		return 0, false
	}
	return r.wall.Seconds() / a.wall.Seconds(), true
}

// phaseCells formats a run's phases as the cells of a phase table row.
func phaseCells(t *engine.Timings) string {
	return fmt.Sprintf("%.2f | %.2f | %.2f | %.2f | %.3f | %.3f | %.3f | %.2f",
		t.Prepare.Seconds(), t.Scan.Seconds(), t.Hash.Seconds(), t.Transfer.Seconds(),
		t.Manifest.Seconds(), t.Commit.Seconds(), t.Retention.Seconds(), t.Total.Seconds())
}
