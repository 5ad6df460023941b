package cli

import (
	"context"
	"errors"
	"flag"
	"fmt"
	"io"
	"sort"
	"strconv"
	"strings"
	"text/tabwriter"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
)

func serviceS3(name, keyID, secret string) service.S3CredentialInput {
	return service.S3CredentialInput{Name: name, AccessKeyID: keyID, SecretAccessKey: secret}
}

func cmdDest(ctx context.Context, c *call) error {
	sub, rest := splitSub(c.args)
	c.args = rest
	switch sub {
	case "add":
		return destAdd(ctx, c)
	case "list", "ls":
		return destList(ctx, c)
	case "test":
		return destTest(ctx, c)
	case "rm", "delete":
		return destRm(ctx, c)
	case "rclone-config":
		return destRcloneConfig(ctx, c)
	}
	return usagef("want 'dest add', 'dest list', 'dest test NAME|ID', 'dest rclone-config NAME|ID' or 'dest rm NAME|ID'")
}

// destFlags binds the flags that describe a destination.
func destFlags(fs *flag.FlagSet, d *job.Destination, cred *string) {
	fs.StringVar(&d.Name, "name", "", "a name for the destination")
	fs.Func("kind", "local, s3 or gdrive", func(v string) error { d.Kind = job.Kind(v); return nil })
	fs.StringVar(&d.RemoteID, "remote", "", "the folder path (local), bucket (s3) or drive id (gdrive; root = My Drive)")
	fs.StringVar(&d.FolderPath, "folder", "", "an optional subfolder or key prefix inside it")
	fs.StringVar(cred, "credential", "", "the credential to use (name or id; not for local)")
	fs.Var(optionFlag{d}, "opt", "a kind-specific option key=value (repeatable; listed below)")
}

// destFlagOf names the flag that sets each field of a destination.
var destFlagOf = map[string]string{"name": "--name", "kind": "--kind", "remoteId": "--remote",
	"folderPath": "--folder", "credentialId": "--credential", "options": "--opt"}

// printOptions writes the options each kind of destination declares
// (job.DestinationOptions), for `avault dest add -h`.
func printOptions(w io.Writer) {
	fmt.Fprintln(w, "\nOptions of each kind (--opt key=value; an empty value means the default):")
	tw := tabwriter.NewWriter(w, 2, 4, 2, ' ', 0)
	for _, k := range job.Kinds {
		opts := settableOptions(k)
		if len(opts) == 0 {
			fmt.Fprintf(tw, "  --kind %s (%s): none\n", k, k.Label())
			continue
		}
		fmt.Fprintf(tw, "  --kind %s (%s):\n", k, k.Label())
		for _, o := range opts {
			fmt.Fprintf(tw, "    %s\t%s\t%s\n", o.Key, optionValues(o), optionHelp(o))
		}
	}
	tw.Flush()
}

// optionValues says in a few characters which values o accepts.
func optionValues(o job.Option) string {
	switch o.Type {
	case job.OptionBool:
		return "true|false"
	case job.OptionInt:
		return fmt.Sprintf("%d-%d", o.Min, o.Max)
	case job.OptionChoice:
		values := make([]string, len(o.Choices))
		for i, c := range o.Choices {
			values[i] = c.Value
		}
		return strings.Join(values, "|")
	case job.OptionLines:
		return "text (lines)"
	}
	return "text"
}

// optionHelp is o's help with its default, example and condition.
func optionHelp(o job.Option) string {
	help := o.Help
	if o.When != nil {
		help += fmt.Sprintf(" Only with %s=%s.", o.When.Key, o.When.Value)
	}
	if o.Default != "" {
		help += " Empty means " + o.Default + "."
	}
	if o.Example != "" && o.Type != job.OptionLines {
		help += " E.g. " + o.Example
	}
	return help
}

type optionFlag struct{ d *job.Destination }

func (o optionFlag) String() string { return "" }
func (o optionFlag) Set(v string) error {
	if o.d.Options == nil {
		o.d.Options = map[string]string{}
	}
	if err := refuseSecretOption(v); err != nil {
		return err
	}
	return options(o.d.Options).Set(v)
}

func destAdd(ctx context.Context, c *call) error {
	fs := c.flags("dest add")
	var d job.Destination
	var cred string
	destFlags(fs, &d, &cred)
	test := fs.Bool("test", true, "check that the destination works before saving it")
	pwStdin := fs.Bool("password-stdin", false, "with --opt encrypt=true: read the encryption password, and an optional salt password on a second line, from standard input (else $AVAULT_ENCRYPT_PASSWORD and $AVAULT_ENCRYPT_SALT)")
	fs.Usage = func() {
		fmt.Fprintf(fs.Output(), "Usage of %s:\n", fs.Name())
		fs.PrintDefaults()
		printOptions(fs.Output())
	}
	if _, err := c.parse(fs, c.args); err != nil {
		return err
	}
	if err := encryptionPasswords(c, &d, *pwStdin); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	if cred != "" {
		creds, err := svc.ListCredentials()
		if err != nil {
			return err
		}
		if d.CredentialID, err = resolve("credential", cred, len(creds), func(i int) (string, string) { return creds[i].ID, creds[i].Name }); err != nil {
			return err
		}
	}
	if *test {
		err := svc.TestDestination(ctx, d)
		var ve *job.ValidationError
		if errors.As(err, &ve) {
			return withFlags(ve, destFlagOf)
		}
		if err != nil {
			return fmt.Errorf("the destination does not work, so it was not saved (--test=false saves it anyway): %w", err)
		}
	}
	out, err := svc.CreateDestination(d)
	if err != nil {
		return withFlags(err, destFlagOf)
	}
	return c.print(service.DestinationOf(out), func(w io.Writer) {
		fmt.Fprintf(w, "added destination %s (%s)\n", out.Name, out.ID)
		if out.Encrypted() {
			fmt.Fprintf(w, "its backups are encrypted: a lost password means lost backups. Keep what 'avault dest rclone-config %s' prints somewhere safe, away from the NAS\n", out.ID)
		}
	})
}

func destList(ctx context.Context, c *call) error {
	if _, err := c.parse(c.flags("dest list"), c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	dests, err := svc.ListDestinations()
	if err != nil {
		return err
	}
	return c.print(service.ListOf(dests, service.DestinationOf), func(w io.Writer) {
		rows := make([][]string, 0, len(dests))
		for _, d := range dests {
			where := d.RemoteID
			if d.FolderPath != "" {
				where += " / " + d.FolderPath
			}
			rows = append(rows, []string{d.ID, d.Name, d.Kind.Label(), where})
		}
		table(w, []string{"ID", "NAME", "KIND", "WHERE"}, rows)
	})
}

func findDest(svc *service.Service, ref string) (job.Destination, error) {
	dests, err := svc.ListDestinations()
	if err != nil {
		return job.Destination{}, err
	}
	id, err := resolve("destination", ref, len(dests), func(i int) (string, string) { return dests[i].ID, dests[i].Name })
	if err != nil {
		return job.Destination{}, err
	}
	return svc.GetDestination(id)
}

func destTest(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("dest test"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'dest test NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	d, err := findDest(svc, pos[0])
	if err != nil {
		return err
	}
	if err := svc.TestDestination(ctx, d); err != nil {
		return err
	}
	return c.print(map[string]bool{"ok": true}, func(w io.Writer) { fmt.Fprintf(w, "%s works\n", d.Name) })
}

func destRm(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("dest rm"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'dest rm NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	d, err := findDest(svc, pos[0])
	if err != nil {
		return err
	}
	if err := svc.DeleteDestination(d.ID); err != nil {
		return err
	}
	return c.print(map[string]string{"deleted": d.ID}, func(w io.Writer) {
		fmt.Fprintf(w, "deleted destination %s (versions already written there are kept)\n", d.Name)
	})
}

func cmdJob(ctx context.Context, c *call) error {
	sub, rest := splitSub(c.args)
	c.args = rest
	switch sub {
	case "add":
		return jobSave(ctx, c, true)
	case "edit":
		return jobSave(ctx, c, false)
	case "list", "ls":
		return jobList(ctx, c)
	case "show":
		return jobShow(ctx, c)
	case "rm", "delete":
		return jobRm(ctx, c)
	}
	return usagef("want 'job add', 'job list', 'job show NAME|ID', 'job edit NAME|ID' or 'job rm NAME|ID'")
}

// oneJob parses a command whose one argument names a job, opens the service
// and finds the job (by name or id); usage is the error for a wrong count.
func (c *call) oneJob(ctx context.Context, fs *flag.FlagSet, usage string) (*service.Service, job.Job, error) {
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return nil, job.Job{}, err
	}
	if len(pos) != 1 {
		return nil, job.Job{}, usageError{usage}
	}
	svc, err := c.service(ctx)
	if err != nil {
		return nil, job.Job{}, err
	}
	j, err := findJob(svc, pos[0])
	return svc, j, err
}

func findJob(svc *service.Service, ref string) (job.Job, error) {
	jobs, err := svc.ListJobs()
	if err != nil {
		return job.Job{}, err
	}
	id, err := resolve("job", ref, len(jobs), func(i int) (string, string) { return jobs[i].ID, jobs[i].Name })
	if err != nil {
		return job.Job{}, err
	}
	return svc.GetJob(id)
}

// jobFlags binds the flags that describe a job onto j; set records which were given.
func jobFlags(fs *flag.FlagSet, j *job.Job, dest *string) {
	fs.StringVar(&j.Name, "name", j.Name, "the job's name")
	fs.StringVar(&j.Description, "description", j.Description, "what the job is for")
	fs.StringVar(&j.SourcePath, "source", j.SourcePath, "the folder to back up, relative to the NAS root")
	fs.StringVar(dest, "dest", "", "the destination (name or id)")
	fs.StringVar(&j.Schedule, "schedule", j.Schedule, "cron expression in local time, e.g. '0 2 * * *' or @daily")
	fs.Func("retention", "VERSION_COUNT, DAYS or HYBRID", func(v string) error { j.RetentionType = job.RetentionType(strings.ToUpper(v)); return nil })
	fs.IntVar(&j.RetentionCount, "keep", j.RetentionCount, "versions to keep (VERSION_COUNT, HYBRID)")
	fs.IntVar(&j.RetentionDays, "days", j.RetentionDays, "days to keep versions (DAYS, HYBRID)")
	fs.StringVar(&j.NamePattern, "pattern", j.NamePattern, "version folder name: {job} {date} {time} {datetime}")
	fs.BoolVar(&j.Enabled, "enabled", j.Enabled, "run on the schedule")
	fs.BoolVar(&j.CatchUp, "catch-up", j.CatchUp, "run once soon after start or wake when a run was missed")
	fs.BoolVar(&j.Incremental, "incremental", j.Incremental, "copy unchanged files server-side instead of uploading them")
	fs.BoolVar(&j.VerifyUnchangedByHash, "verify-unchanged", j.VerifyUnchangedByHash, "re-hash unchanged files before copying them")
	fs.Func("on-no-change", "newVersion (default) or skip", func(v string) error { j.OnNoChange = job.NoChangePolicy(v); return nil })
	fs.Func("layout", "how versions are kept: current-history (one current folder plus history of what changed; default on S3 and Drive) or full (a complete folder per version; default on a local folder)", func(v string) error {
		l, err := parseLayout(v)
		j.Layout = l
		return err
	})
	fs.StringVar(&j.Folder, "folder", j.Folder, "the folder at the destination for a current-history job (default: the job's name)")
	fs.BoolVar(&j.UseDefaultExcludes, "default-excludes", j.UseDefaultExcludes, "leave out NAS clutter (@eaDir, #recycle, .DS_Store, Thumbs.db, ...)")
	fs.Var((*list)(&j.Includes), "include", "only back up paths matching this glob (repeatable)")
	fs.Var((*list)(&j.Excludes), "exclude", "leave out paths matching this glob (repeatable)")
}

// parseLayout reads a --layout value: the names people type, or the
// stored values.
func parseLayout(v string) (job.Layout, error) {
	switch strings.ToLower(strings.NewReplacer("_", "-", "+", "-", " ", "-").Replace(strings.TrimSpace(v))) {
	case "current-history", "changes", "changes-only":
		return job.LayoutCurrentHistory, nil
	case "full", "full-copies":
		return job.LayoutFull, nil
	}
	return "", fmt.Errorf("%q is not a layout: use current-history or full", v)
}

func jobSave(ctx context.Context, c *call, add bool) error {
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	j := svc.NewJobDefaults()
	args := c.args
	if !add {
		if len(args) == 0 || strings.HasPrefix(args[0], "-") {
			return usagef("want 'job edit NAME|ID --flag value ...'")
		}
		if j, err = findJob(svc, args[0]); err != nil {
			return err
		}
		args = args[1:]
	}
	fs := c.flags("job " + map[bool]string{true: "add", false: "edit"}[add])
	var dest string
	jobFlags(fs, &j, &dest)
	if pos, err := c.parse(fs, args); err != nil {
		return err
	} else if len(pos) > 0 {
		return usagef("unexpected argument %q", pos[0])
	}
	given := map[string]bool{}
	fs.Visit(func(f *flag.Flag) { given[f.Name] = true })
	fitRetention(&j, given)
	if dest != "" {
		d, err := findDest(svc, dest)
		if err != nil {
			return err
		}
		j.DestinationID = d.ID
	}
	var out job.Job
	if add {
		out, err = svc.CreateJob(j)
	} else {
		out, err = svc.UpdateJob(j)
	}
	if err != nil {
		return withFlags(err, jobFlagOf)
	}
	return c.print(service.JobOf(out), func(w io.Writer) { fmt.Fprintf(w, "saved job %s (%s)\n", out.Name, out.ID) })
}

// fitRetention leaves out the retention field j's type does not use (the
// days of VERSION_COUNT, the count of DAYS), as the job editor does: a new
// job starts from the defaults' count of 7, and a job switched to another
// type keeps the old field. A field given on the command line is kept, for
// the validation to refuse by its flag.
func fitRetention(j *job.Job, given map[string]bool) {
	switch j.RetentionType {
	case job.RetentionDays:
		if !given["keep"] {
			j.RetentionCount = 0
		}
	case job.RetentionVersionCount:
		if !given["days"] {
			j.RetentionDays = 0
		}
	}
}

// jobFlagOf names the flag that sets each field of a job.
var jobFlagOf = map[string]string{"name": "--name", "description": "--description", "sourcePath": "--source",
	"destinationId": "--dest", "schedule": "--schedule", "retentionType": "--retention", "retentionCount": "--keep",
	"retentionDays": "--days", "namePattern": "--pattern", "onNoChange": "--on-no-change", "layout": "--layout",
	"folder": "--folder", "includes": "--include", "excludes": "--exclude"}

// withFlags returns err, or when it is a validation error, the same
// problems with the flag that sets each field beside the field's name:
// "retentionCount (--keep): keep between 1 and 1000 versions".
func withFlags(err error, flagOf map[string]string) error {
	var ve *job.ValidationError
	if !errors.As(err, &ve) {
		return err
	}
	out := &job.ValidationError{Fields: make([]job.FieldError, len(ve.Fields))}
	for i, f := range ve.Fields {
		if name, ok := flagOf[f.Field]; ok {
			f.Field += " (" + name + ")"
		}
		out.Fields[i] = f
	}
	return out
}

func jobList(ctx context.Context, c *call) error {
	if _, err := c.parse(c.flags("job list"), c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	jobs, err := svc.ListJobs()
	if err != nil {
		return err
	}
	return c.print(service.ListOf(jobs, service.JobOf), func(w io.Writer) {
		rows := make([][]string, 0, len(jobs))
		for _, j := range jobs {
			rows = append(rows, []string{j.ID, j.Name, "/" + strings.TrimPrefix(j.SourcePath, "/"), j.Schedule, retentionText(j), strconv.FormatBool(j.Enabled)})
		}
		table(w, []string{"ID", "NAME", "SOURCE", "SCHEDULE", "KEEPS", "ENABLED"}, rows)
	})
}

func jobShow(ctx context.Context, c *call) error {
	_, j, err := c.oneJob(ctx, c.flags("job show"), "want 'job show NAME|ID'")
	if err != nil {
		return err
	}
	return c.print(service.JobOf(j), func(w io.Writer) {
		excl := append([]string(nil), j.Excludes...)
		sort.Strings(excl)
		kv(w, [2]string{"id", j.ID}, [2]string{"name", j.Name}, [2]string{"source", "/" + strings.TrimPrefix(j.SourcePath, "/")},
			[2]string{"destination", j.DestinationID}, [2]string{"schedule", j.Schedule}, [2]string{"keeps", retentionText(j)},
			[2]string{"name pattern", j.NamePattern}, [2]string{"enabled", strconv.FormatBool(j.Enabled)},
			[2]string{"versions kept as", j.VersionLayout().Label()}, [2]string{"folder at the destination", orDash(j.Folder)},
			[2]string{"incremental", strconv.FormatBool(j.Incremental)}, [2]string{"when nothing changed", string(j.OnNoChange)},
			[2]string{"includes", orDash(strings.Join(j.Includes, " "))}, [2]string{"excludes", orDash(strings.Join(excl, " "))})
	})
}

func jobRm(ctx context.Context, c *call) error {
	fs := c.flags("job rm")
	delHistory := fs.Bool("delete-history", false, "delete the job's history too (kept by default)")
	svc, j, err := c.oneJob(ctx, fs, "want 'job rm NAME|ID [--delete-history]'")
	if err != nil {
		return err
	}
	if err := svc.DeleteJob(j.ID, *delHistory); err != nil {
		return err
	}
	return c.print(map[string]string{"deleted": j.ID}, func(w io.Writer) {
		fmt.Fprintf(w, "deleted job %s (versions already written are kept)\n", j.Name)
	})
}

func retentionText(j job.Job) string {
	switch j.RetentionType {
	case job.RetentionVersionCount:
		return fmt.Sprintf("newest %d", j.RetentionCount)
	case job.RetentionDays:
		return fmt.Sprintf("%d days", j.RetentionDays)
	case job.RetentionHybrid:
		return fmt.Sprintf("newest %d or %d days", j.RetentionCount, j.RetentionDays)
	}
	return string(j.RetentionType)
}
