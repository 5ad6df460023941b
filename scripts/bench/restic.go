package main

import (
	"bytes"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
)

// resticArgs are the options every restic command gets: the repository
// under prefix on the logged server, its certificate, a cache kept in the
// work folder from run to run (as on a NAS), and as many connections as
// the other tools have transfers.
func (b *bench) resticArgs(prefix string) []string {
	host := strings.TrimPrefix(b.srv.Endpoint, "https://")
	return []string{
		"-r", fmt.Sprintf("s3:https://%s/%s/%s", host, b.srv.Bucket, prefix),
		"--cacert", b.srv.Cert.CertFile,
		"--cache-dir", filepath.Join(b.cfg.work, "restic-cache"),
		"-o", "s3.bucket-lookup=path", "-o", "s3.region=" + b.srv.Region,
		"-o", fmt.Sprintf("s3.connections=%d", b.cfg.transfers),
		"--quiet",
	}
}

// restic runs restic with the server's keys and a password.
func (b *bench) restic(prefix string, args ...string) (measurement, error) {
	cmd := exec.Command(b.cfg.restic, append(b.resticArgs(prefix), args...)...)
	cmd.Env = append(os.Environ(), "RESTIC_PASSWORD=avault-bench",
		"AWS_ACCESS_KEY_ID="+b.srv.AccessKey, "AWS_SECRET_ACCESS_KEY="+b.srv.SecretKey)
	var errOut bytes.Buffer
	cmd.Stderr = &errOut
	m, err := b.timed(cmd)
	if err != nil {
		return m, fmt.Errorf("restic %v: %v: %s", args, err, errOut.String())
	}
	m.tool = toolRestic
	return m, nil
}

// resticInit makes the restic contender's repository, untimed; its
// requests are not counted, its bytes are (a few KiB).
func (b *bench) resticInit(cs []*contender) error {
	for _, c := range cs {
		if c.name == toolRestic {
			if _, err := b.restic(c.prefix, "init"); err != nil {
				return err
			}
		}
	}
	return nil
}

// runRestic backs the dataset up into a new snapshot. restic finds the
// previous snapshot of the same host and folder, and reads again only
// files whose size, time or inode changed.
func (b *bench) runRestic(ds *dataset, prefix string, _ int) (measurement, error) {
	return b.restic(prefix, "backup", "--host", "avault-bench", ds.dir)
}

func resticVersion(bin string) string {
	if bin == "" {
		return "restic"
	}
	out, err := exec.Command(bin, "version").Output()
	if err != nil {
		return "restic (unknown version)"
	}
	f := strings.Fields(string(out))
	if len(f) < 2 {
		return "restic"
	}
	return f[0] + " " + f[1]
}
