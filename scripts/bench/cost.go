package main

import (
	"fmt"
	"io"
	"strings"
)

// The example of the issue: a NAS of 1 TB in 500,000 files backed up
// nightly to S3 Standard, keeping 7 versions, 0.5 % of the files (and of
// the bytes) changed a day.
const (
	exampleGB       = 1000.0
	exampleFiles    = 500000.0
	exampleChanged  = 0.005
	exampleRuns     = 30.0 // a month of nights
	exampleVersions = 7.0

	priceGBMonth = 0.023        // $ per GB-month
	priceA       = 0.005 / 1000 // $ per PUT, COPY, POST or LIST
	priceB       = 0.0004 / 1000
)

// billed is a count of requests by billing class.
type billed struct{ a, b float64 }

func billedOf(r requests) billed { return billed{float64(r.classA()), float64(r.classB())} }

// runModel is what one run of a contender requests: a fixed part, a part
// per file of the source (listing, or copying, or checking it) and a part
// per changed file.
type runModel struct {
	fixed, listed, changed billed
	basis                  string
}

func (m runModel) run(files, changed float64) billed {
	return billed{m.fixed.a + m.listed.a*files + m.changed.a*changed, m.fixed.b + m.listed.b*files + m.changed.b*changed}
}

// model derives a contender's runModel from the measured runs. Per
// changed file: what the 1 %-changed run requested beyond the
// nothing-changed run, over the files changed (pooled over the
// datasets). Per file of the source and fixed: from the nothing-changed
// runs of two datasets of different sizes, the line through both; with
// one dataset, all of its nothing-changed run per file (an upper bound:
// fixed costs are counted as if they grew with the files).
func (b *bench) model(tool string) (runModel, bool) {
	var same []struct {
		n float64
		r billed
	}
	var delta billed
	var changedFiles float64
	var names []string
	for _, se := range b.series {
		s, c := b.findLayout(se.ds.name, caseSame, tool), b.findLayout(se.ds.name, caseChanged, tool)
		if s == nil || c == nil || se.changedFiles == 0 {
			continue
		}
		same = append(same, struct {
			n float64
			r billed
		}{float64(len(se.ds.files)), billedOf(s.requests)})
		d := billedOf(c.requests.sub(s.requests))
		delta.a, delta.b = delta.a+d.a, delta.b+d.b
		changedFiles += float64(se.changedFiles)
		names = append(names, fmt.Sprintf("%s (%d files)", se.ds.name, len(se.ds.files)))
	}
	if len(same) == 0 {
		return runModel{}, false
	}
	m := runModel{changed: billed{delta.a / changedFiles, delta.b / changedFiles}, basis: strings.Join(names, ", ")}
	lo, hi := same[0], same[len(same)-1]
	fit := func(rlo, rhi float64) (fixed, per float64) {
		if hi.n == lo.n {
			return 0, rhi / hi.n
		}
		per = (rhi - rlo) / (hi.n - lo.n)
		fixed = rlo - per*lo.n
		switch {
		case per < 0: // no part grows with the files
			return (rlo + rhi) / 2, 0
		case fixed < 0: // no fixed part
			return 0, (rlo + rhi) / (lo.n + hi.n)
		}
		return fixed, per
	}
	m.fixed.a, m.listed.a = fit(lo.r.a, hi.r.a)
	m.fixed.b, m.listed.b = fit(lo.r.b, hi.r.b)
	return m, true
}

// exampleStoredGB is what a contender keeps for the example: for full
// copies, 7 copies of the source times the measured bytes per copy over
// the source's; for the others, the measured ratio of stored bytes to
// source + changes times the source and 6 days of changes. The ratio is
// the last dataset's (mixed when measured: its files are the more like a
// NAS's).
func (b *bench) exampleStoredGB(tool string) float64 {
	se := b.series[len(b.series)-1]
	if tool == toolFull {
		perCopy := float64(se.stored[tool]) / float64(se.versions+1) / float64(se.ds.bytes)
		return exampleVersions * exampleGB * perCopy
	}
	return se.ratio(tool) * exampleGB * (1 + (exampleVersions-1)*exampleChanged)
}

// costTable writes the monthly cost of the example for each contender.
func (b *bench) costTable(w io.Writer) {
	if len(b.series) == 0 {
		return
	}
	changed := exampleFiles * exampleChanged
	fmt.Fprintf(w, "\nMonthly cost on S3 Standard of the example: %.0f GB in %.0f files, nightly (%.0f runs), %.0f versions kept, %.1f %% changed a day.\n",
		exampleGB, exampleFiles, exampleRuns, exampleVersions, 100*exampleChanged)
	fmt.Fprintln(w, "A = PUT, COPY, LIST at $0.005 per 1,000; B = GET, HEAD, other at $0.0004 per 1,000; DELETE free; storage $0.023 per GB-month.")
	fmt.Fprintf(w, "Requests a night = fixed + per file × %.0f + per changed file × %.0f, each fitted to the runs measured (see the basis).\n", exampleFiles, changed)
	fmt.Fprintln(w, "| tool | A fixed | A per file | A per changed file | B fixed | B per file | B per changed file | A a month | B a month | stored GB | requests $ | storage $ | total $ | basis |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|")
	for _, tool := range []string{toolFull, toolCurrent, toolBackup, toolRestic} {
		m, ok := b.model(tool)
		if !ok {
			continue
		}
		night := m.run(exampleFiles, changed)
		a, bb := exampleRuns*night.a, exampleRuns*night.b
		gb := b.exampleStoredGB(tool)
		req := a*priceA + bb*priceB
		fmt.Fprintf(w, "| %s | %.0f | %.4f | %.2f | %.0f | %.4f | %.2f | %.0f | %.0f | %.0f | %.2f | %.2f | %.2f | %s |\n",
			tool, m.fixed.a, m.listed.a, m.changed.a, m.fixed.b, m.listed.b, m.changed.b, a, bb, gb,
			req, gb*priceGBMonth, req+gb*priceGBMonth, m.basis)
	}
}
