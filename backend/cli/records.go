package cli

import (
	"bufio"
	"context"
	"flag"
	"fmt"
	"io"
	"strconv"
	"strings"
	"time"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/service"
	"github.com/avault/avault/backend/store"
)

func cmdStatus(ctx context.Context, c *call) error {
	fs := c.flags("status")
	if _, err := c.parse(fs, c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	st := svc.Status()
	return c.print(st, func(w io.Writer) {
		key := st.KeySource
		if st.KeyError != "" {
			key = "unavailable: " + st.KeyError
		}
		kv(w, [2]string{"version", st.Version}, [2]string{"data folder", st.DataDir}, [2]string{"data key", key}, [2]string{"platform", st.Platform})
	})
}

func cmdSettings(ctx context.Context, c *call) error {
	fs := c.flags("settings")
	nasRoot := fs.String("nas-root", "", "absolute path where the NAS share is mounted")
	conc := fs.Int("concurrency", 0, "how many runs may go at once (1-16)")
	transfers := fs.Int("transfers", 0, "how many files one run sends in parallel (1-64)")
	limit := fs.String("upload-limit", "", "cap on the bytes all runs send per second: e.g. 20Mbit, 2MiB or 500KiB; 0 for none")
	keyStore := fs.String("key-store", "", "where to keep the data key: keyring, or file (a 0600 file in the data folder, for machines without a keyring)")
	if _, err := c.parse(fs, c.args); err != nil {
		return err
	}
	var uploadLimit int64
	if *limit != "" {
		n, err := job.ParseRate(*limit)
		if err != nil {
			return usagef("--upload-limit: %v", err)
		}
		uploadLimit = n
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	if *keyStore != "" {
		if _, err := svc.SetKeySource(ctx, job.KeySource(*keyStore)); err != nil {
			return err
		}
	}
	st, err := svc.Settings()
	if err != nil {
		return err
	}
	changed := false
	fs.Visit(func(f *flag.Flag) {
		changed = changed || (f.Name != "json" && f.Name != "key-store")
	})
	if changed {
		if *nasRoot != "" {
			st.NASRoot = *nasRoot
		}
		if *conc != 0 {
			st.WorkerConcurrency = *conc
		}
		if *transfers != 0 {
			st.TransfersPerRun = *transfers
		}
		if *limit != "" {
			st.UploadLimit = uploadLimit
		}
		if st, err = svc.UpdateSettings(st); err != nil {
			return err
		}
	}
	return c.print(service.SettingsOf(st), func(w io.Writer) {
		kv(w, [2]string{"NAS root", orDash(st.NASRoot)},
			[2]string{"concurrent runs", strconv.Itoa(st.WorkerConcurrency)},
			[2]string{"transfers per run", strconv.Itoa(st.TransfersPerRun)},
			[2]string{"upload limit", job.FormatRate(st.UploadLimit)},
			[2]string{"key kept in", string(st.KeySource)},
			[2]string{"notifications", string(st.Notifications)})
	})
}

func cmdCred(ctx context.Context, c *call) error {
	sub, rest := splitSub(c.args)
	c.args = rest
	switch sub {
	case "add":
		return credAdd(ctx, c)
	case "list", "ls":
		return credList(ctx, c)
	case "rm", "delete":
		return credRm(ctx, c)
	}
	return usagef("want 'cred add s3', 'cred list' or 'cred rm NAME|ID'")
}

func credAdd(ctx context.Context, c *call) error {
	fs := c.flags("cred add s3")
	name := fs.String("name", "", "a name for the credential")
	keyID := fs.String("access-key-id", "", "the S3 access key id")
	fromStdin := fs.Bool("secret-stdin", false, "read the secret access key from standard input (else $AVAULT_S3_SECRET_ACCESS_KEY)")
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "s3" {
		return usagef("only S3 credentials are added here: 'avault cred add s3 --name N --access-key-id ID --secret-stdin' (Google Drive: 'avault auth google')")
	}
	secret := c.env.getenv("AVAULT_S3_SECRET_ACCESS_KEY")
	if *fromStdin {
		line, err := bufio.NewReader(c.env.Stdin).ReadString('\n')
		if err != nil && err != io.EOF {
			return fmt.Errorf("read the secret from standard input: %w", err)
		}
		secret = strings.TrimRight(line, "\r\n")
	}
	if secret == "" {
		return usagef("give the secret access key on standard input with --secret-stdin, or in $AVAULT_S3_SECRET_ACCESS_KEY (never on the command line, where other users can see it)")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	cred, err := svc.AddS3Credential(serviceS3(*name, *keyID, secret))
	if err != nil {
		return err
	}
	return c.print(service.CredentialOf(cred), func(w io.Writer) { fmt.Fprintf(w, "added credential %s (%s)\n", cred.Name, cred.ID) })
}

func credList(ctx context.Context, c *call) error {
	if _, err := c.parse(c.flags("cred list"), c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	creds, err := svc.ListCredentials()
	if err != nil {
		return err
	}
	return c.print(service.ListOf(creds, service.CredentialOf), func(w io.Writer) {
		rows := make([][]string, 0, len(creds))
		for _, cr := range creds {
			rows = append(rows, []string{cr.ID, cr.Name, cr.Provider.Label(), string(cr.Status), metaLine(cr.Metadata)})
		}
		table(w, []string{"ID", "NAME", "PROVIDER", "STATUS", "DETAILS"}, rows)
	})
}

func credRm(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("cred rm"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'cred rm NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	creds, err := svc.ListCredentials()
	if err != nil {
		return err
	}
	id, err := resolve("credential", pos[0], len(creds), func(i int) (string, string) { return creds[i].ID, creds[i].Name })
	if err != nil {
		return err
	}
	if err := svc.DeleteCredential(ctx, id); err != nil {
		return err
	}
	return c.print(map[string]string{"deleted": id}, func(w io.Writer) { fmt.Fprintf(w, "deleted credential %s\n", pos[0]) })
}

func cmdHistory(ctx context.Context, c *call) error {
	fs := c.flags("history")
	var f store.HistoryFilter
	jobRef := fs.String("job", "", "only this job's runs (name or id)")
	status := fs.String("status", "", "only runs in this status (SUCCESS, FAILED, ...)")
	fs.IntVar(&f.Limit, "limit", 20, "runs per page (at most 100)")
	fs.IntVar(&f.Offset, "offset", 0, "runs to skip, newest first")
	if _, err := c.parse(fs, c.args); err != nil {
		return err
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	if *jobRef != "" {
		j, err := findJob(svc, *jobRef)
		if err != nil {
			return err
		}
		f.JobID = j.ID
	}
	f.Status = job.Status(strings.ToUpper(*status))
	page, err := svc.ListHistory(f)
	if err != nil {
		return err
	}
	return c.print(service.HistoryPageOf(page), func(w io.Writer) {
		rows := make([][]string, 0, len(page.Items))
		for _, r := range page.Items {
			rows = append(rows, []string{r.ID, r.StartedAt.Local().Format("2006-01-02 15:04"), r.JobName, string(r.Status),
				duration(r), fmt.Sprintf("%d", r.FilesUploaded+r.FilesCopied), humanBytes(r.BytesUploaded), fmt.Sprintf("%d", r.FilesFailed), orDash(r.RemotePath)})
		}
		table(w, []string{"ID", "STARTED", "JOB", "STATUS", "TOOK", "FILES", "SENT", "FAILED", "VERSION"}, rows)
		if page.Total == 0 {
			fmt.Fprintln(w, "no runs yet")
			return
		}
		fmt.Fprintf(w, "%d-%d of %d\n", page.Offset+1, page.Offset+len(page.Items), page.Total)
	})
}

// resolve finds a record by exact id or case-insensitive name.
func resolve(what, ref string, n int, at func(i int) (id, name string)) (string, error) {
	var byName []string
	for i := 0; i < n; i++ {
		id, name := at(i)
		if id == ref {
			return id, nil
		}
		if strings.EqualFold(name, ref) {
			byName = append(byName, id)
		}
	}
	switch len(byName) {
	case 1:
		return byName[0], nil
	case 0:
		return "", fmt.Errorf("no %s named or with id %q", what, ref)
	}
	return "", fmt.Errorf("%d %ss are named %q; give the id", len(byName), what, ref)
}

func splitSub(args []string) (string, []string) {
	if len(args) == 0 {
		return "", nil
	}
	return args[0], args[1:]
}

func metaLine(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+"="+v)
	}
	return strings.Join(parts, " ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}

func duration(r job.Run) string {
	if r.CompletedAt == nil {
		return "-"
	}
	return r.CompletedAt.Sub(r.StartedAt).Round(time.Second).String()
}

func humanBytes(n int64) string {
	const unit = 1024
	if n < unit {
		return fmt.Sprintf("%d B", n)
	}
	div, exp := int64(unit), 0
	for m := n / unit; m >= unit; m /= unit {
		div *= unit
		exp++
	}
	return fmt.Sprintf("%.1f %ciB", float64(n)/float64(div), "KMGTPE"[exp])
}

func cmdAuth(ctx context.Context, c *call) error {
	fs := c.flags("auth google")
	name := fs.String("name", "Google Drive", "a name for the credential")
	shared := fs.Bool("shared-drives", false, "ask for full Drive access, needed for Shared Drives and existing folders (default: only folders Avault creates)")
	again := fs.String("again", "", "sign this Google credential (id) in again, in place: its destinations keep working")
	pos, err := c.parse(fs, c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || pos[0] != "google" {
		return usagef("want 'avault auth google [--name N] [--shared-drives] [--again CREDENTIAL_ID]'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	cred, err := svc.ConnectGoogle(ctx, service.GoogleConnectInput{Name: *name, SharedDrives: *shared, CredentialID: *again})
	if err != nil {
		return err
	}
	return c.print(service.CredentialOf(cred), func(w io.Writer) { fmt.Fprintf(w, "signed in: credential %s (%s)\n", cred.Name, cred.ID) })
}

func cmdAutostart(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("autostart"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 || (pos[0] != "on" && pos[0] != "off" && pos[0] != "status") {
		return usagef("want 'avault autostart on|off|status'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	if pos[0] != "status" {
		if _, err := svc.SetLaunchAtLogin(pos[0] == "on"); err != nil {
			return err
		}
	}
	on, where, err := svc.LaunchAtLogin()
	if err != nil {
		return err
	}
	return c.print(map[string]any{"enabled": on, "path": where}, func(w io.Writer) {
		state := "off"
		if on {
			state = "on (starts in the tray with --hidden)"
		}
		kv(w, [2]string{"launch at login", state}, [2]string{"entry", where})
	})
}
