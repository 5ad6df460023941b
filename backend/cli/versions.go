package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/engine/manifest"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
)

func cmdVersions(ctx context.Context, c *call) error {
	svc, j, err := c.oneJob(ctx, c.flags("versions"), "want 'avault versions JOB'")
	if err != nil {
		return err
	}
	vs, err := svc.ListVersions(ctx, j.ID)
	if err != nil {
		return err
	}
	use, err := svc.JobStorage(ctx, j.ID)
	if err != nil {
		return err
	}
	only := map[string]engine.VersionUsage{}
	for _, u := range use.Versions {
		only[u.Name] = u
	}
	type versionRow struct {
		service.VersionInfo
		Layout string `json:"layout"`
		Only   int64  `json:"only"`
	}
	out := []versionRow{}
	for _, v := range vs {
		out = append(out, versionRow{VersionInfo: service.VersionInfoOf(v), Layout: only[v.Name].Layout, Only: only[v.Name].Only})
	}
	return c.print(out, func(w io.Writer) {
		rows := make([][]string, 0, len(vs))
		for _, v := range out {
			layout := "current+history"
			if v.Layout != manifest.LayoutCurrentHistory {
				layout = "full copy"
			}
			rows = append(rows, []string{v.Name, v.Created.Local().Format("2006-01-02 15:04:05"), strconv.FormatInt(v.Files, 10),
				humanBytes(v.Bytes), humanBytes(v.Only), layout})
		}
		table(w, []string{"VERSION", "CREATED", "FILES", "SIZE", "ONLY IN IT", "KEPT AS"}, rows)
		fmt.Fprintf(w, "stored at the destination: %s in %d versions\n", humanBytes(use.Stored), len(vs))
	})
}

// newestVersion returns the job's newest committed version.
func newestVersion(ctx context.Context, svc *service.Service, jobID string) (string, error) {
	vs, err := svc.ListVersions(ctx, jobID)
	if err != nil {
		return "", err
	}
	if len(vs) == 0 {
		return "", errors.New("the job has no committed version yet")
	}
	return vs[0].Name, nil
}

func cmdVerify(ctx context.Context, c *call) error {
	fs := c.flags("verify")
	deep := fs.Bool("deep", false, "download files and check their SHA-256 (default: compare the destination's listing and hashes)")
	sample := fs.Int("sample", 0, "with --deep, check this many files chosen at random (0 = all)")
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) < 1 || len(pos) > 2 {
		return usagef("want 'avault verify JOB [VERSION] [--deep] [--sample N]'")
	}
	if *sample < 0 {
		return usagef("--sample cannot be negative")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	j, err := findJob(svc, pos[0])
	if err != nil {
		return err
	}
	version := ""
	if len(pos) == 2 {
		version = pos[1]
	} else if version, err = newestVersion(ctx, svc, j.ID); err != nil {
		return err
	}
	rep, err := svc.VerifyVersion(ctx, j.ID, version, *deep, *sample)
	if err != nil {
		return err
	}
	if err := c.print(service.VerifyReportOf(rep), func(w io.Writer) {
		kv(w, [2]string{"version", version}, [2]string{"mode", rep.Mode}, [2]string{"files checked", strconv.FormatInt(rep.FilesChecked, 10)},
			[2]string{"missing", strconv.FormatInt(rep.Missing, 10)}, [2]string{"damaged", strconv.FormatInt(rep.Mismatched, 10)},
			[2]string{"extra", strconv.FormatInt(rep.Extra, 10)})
		for _, n := range rep.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		for _, p := range rep.Problems {
			fmt.Fprintf(w, "problem: %s: %s\n", p.Path, p.Reason)
		}
	}); err != nil {
		return err
	}
	if !rep.OK() || rep.Extra > 0 {
		return exitError{code: ExitFailed}
	}
	return nil
}

func cmdRestore(ctx context.Context, c *call) error {
	fs := c.flags("restore")
	to := fs.String("to", "", "the local folder to restore into (created when missing)")
	overwrite := fs.Bool("overwrite", false, "replace files that already exist there")
	intoSource := fs.Bool("into-source", false, "allow restoring into the job's own source folder on the NAS")
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) < 2 || len(pos) > 3 || *to == "" {
		return usagef("want 'avault restore JOB VERSION [PATH] --to DIR' (VERSION may be 'latest')")
	}
	dir, err := c.env.abs(*to)
	if err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	j, err := findJob(svc, pos[0])
	if err != nil {
		return err
	}
	version := pos[1]
	if version == "latest" {
		if version, err = newestVersion(ctx, svc, j.ID); err != nil {
			return err
		}
	}
	req := service.RestoreRequest{JobID: j.ID, Version: version, ToDir: dir, Overwrite: *overwrite, IntoSource: *intoSource}
	if len(pos) == 3 {
		req.Path = pos[2]
	}
	res, err := svc.RestoreVersion(ctx, req)
	if perr := c.print(service.RestoreResultOf(res), func(w io.Writer) {
		fmt.Fprintf(w, "restored %d files (%s) from %s into %s\n", res.Files, humanBytes(res.Bytes), version, dir)
		for _, n := range res.Notes {
			fmt.Fprintf(w, "note: %s\n", n)
		}
		for _, f := range res.Failures {
			fmt.Fprintf(w, "failed: %s: %s\n", f.Path, f.Reason)
		}
	}); perr != nil {
		return perr
	}
	return err
}

func cmdPreview(ctx context.Context, c *call) error {
	svc, j, err := c.oneJob(ctx, c.flags("preview"), "want 'avault preview JOB'")
	if err != nil {
		return err
	}
	plan, err := svc.PreviewJob(ctx, j)
	if err != nil {
		return err
	}
	return c.print(service.DryRunOf(plan), func(w io.Writer) {
		kv(w, [2]string{"files", strconv.FormatInt(plan.Files, 10)}, [2]string{"size", humanBytes(plan.Bytes)},
			[2]string{"excluded", strconv.FormatInt(plan.Excluded, 10)}, [2]string{"skipped", strconv.FormatInt(plan.Skipped, 10)},
			[2]string{"unreadable", strconv.FormatInt(plan.Failed, 10)})
		for _, e := range plan.ExcludedPaths {
			fmt.Fprintf(w, "excluded: %s (rule %s)\n", e.Path, e.Rule)
		}
		for _, f := range plan.FailedPaths {
			fmt.Fprintf(w, "unreadable: %s: %s\n", f.Path, f.Reason)
		}
	})
}

// cmdRetention previews the job's retention, or the one its flags
// describe, on the job's versions now: what a run would keep and delete.
func cmdRetention(ctx context.Context, c *call) error {
	fs := c.flags("retention")
	typ := fs.String("retention", "", "preview this retention type instead of the job's: VERSION_COUNT, DAYS or HYBRID")
	keep := fs.Int("keep", 0, "versions to keep (VERSION_COUNT, HYBRID), instead of the job's")
	days := fs.Int("days", 0, "days to keep versions (DAYS, HYBRID), instead of the job's")
	svc, j, err := c.oneJob(ctx, fs, "want 'avault retention JOB [--retention TYPE] [--keep N] [--days N]'")
	if err != nil {
		return err
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	if *typ != "" {
		j.RetentionType = job.RetentionType(strings.ToUpper(*typ))
	}
	if given["keep"] {
		j.RetentionCount = *keep // the policy's validation refuses a bad number
	}
	if given["days"] {
		j.RetentionDays = *days
	}
	switch j.RetentionType { // as the job editor does: a field the type does not use is left out
	case job.RetentionDays:
		j.RetentionCount = 0
	case job.RetentionVersionCount:
		j.RetentionDays = 0
	}
	p, err := svc.PreviewRetention(ctx, j)
	if err != nil {
		return err
	}
	return c.print(p, func(w io.Writer) {
		rows := make([][]string, 0, len(p.Versions))
		for _, v := range p.Versions {
			verdict := "delete"
			if v.Keep {
				verdict = "keep"
			}
			rows = append(rows, []string{v.Name, v.Created.Local().Format("2006-01-02 15:04:05"), strconv.FormatInt(v.Files, 10), humanBytes(v.Bytes), verdict, v.Reason})
		}
		table(w, []string{"VERSION", "CREATED", "FILES", "SIZE", "VERDICT", "WHY"}, rows)
		fmt.Fprintf(w, "retention %s: %d of %d versions kept, %d deleted (this preview deletes nothing)\n", retentionText(j), p.Kept, len(p.Versions), p.Deleted)
	})
}

func cmdBrowse(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("browse"), c.args)
	if err != nil {
		return err
	}
	if len(pos) > 1 {
		return usagef("want 'avault browse [PATH]'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	p := ""
	if len(pos) == 1 {
		p = pos[0]
	}
	res, err := svc.BrowseNAS(p)
	if err != nil {
		return err
	}
	return c.print(res, func(w io.Writer) {
		rows := make([][]string, 0, len(res.Items))
		for _, it := range res.Items {
			size := "-"
			if it.Type == "file" {
				size = humanBytes(it.Size)
			}
			rows = append(rows, []string{it.Type, it.Name, size, it.Modified.Local().Format("2006-01-02 15:04"), it.Error})
		}
		table(w, []string{"TYPE", "NAME", "SIZE", "MODIFIED", "PROBLEM"}, rows)
	})
}
