package main

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/avault/avault/backend/storage"
	"github.com/avault/avault/backend/storage/crypt"
)

// benchPassword encrypts the encrypted runs of both tools.
const benchPassword = "bench password"

// benchSalt is the salt password that goes with password ("" without one).
func benchSalt(password string) string {
	if password == "" {
		return ""
	}
	return "bench salt"
}

// encrypted puts d behind the encryption layer when cfg has a password.
func encrypted(cfg childConfig, d storage.Destination) (storage.Destination, error) {
	if cfg.Password == "" {
		return d, nil
	}
	c, err := crypt.NewCipher(cfg.Password, cfg.Salt)
	if err != nil {
		return nil, err
	}
	return crypt.Wrap(d, c, "the bench's destination"), nil
}

// encryption measures the first backup of each dataset in cfg.crypt on
// loopback, -repeat rounds taking turns: Avault unencrypted, Avault
// encrypted, rclone through a crypt remote with the same passwords (which
// reads back what Avault wrote, see storage/crypt's tests). The target is
// Avault encrypted at 1.5 × rclone crypt's files/s and MiB/s.
func (b *bench) encryption() error {
	if len(b.cfg.crypt) == 0 {
		return nil
	}
	obscured, err := crypt.Obscure(benchPassword)
	if err != nil {
		return err
	}
	obscuredSalt, err := crypt.Obscure(benchSalt(benchPassword))
	if err != nil {
		return err
	}
	b.endpoint, b.direct = b.srv.Endpoint, true
	b.px.setLimit(0)
	fmt.Printf("\nEncrypted first backup (rclone's crypt format), loopback, median of %d rounds\n\n", b.cfg.repeat)
	fmt.Println("| dataset | tool | s | files/s | MiB/s | peak MB | Avault encrypted ÷ this |")
	fmt.Println("|---|---|---:|---:|---:|---:|---:|")
	var verdicts []string
	for _, s := range specs(b.cfg.scale) {
		if !b.cfg.crypt[s.name] {
			continue
		}
		fmt.Fprintf(os.Stderr, "generating %s for the encrypted runs...\n", s.name)
		ds, err := generate(b.cfg.work, s)
		if err != nil {
			return err
		}
		prefixes := map[string]string{"plain": "cp-" + s.name, "enc": "ce-" + s.name, "rclone": "cr-" + s.name}
		runs := map[string][]measurement{}
		run := map[string]func() (measurement, error){
			"plain": func() (measurement, error) { return b.avault(ds, prefixes["plain"]) },
			"enc": func() (measurement, error) {
				b.password = benchPassword
				defer func() { b.password = "" }()
				return b.avault(ds, prefixes["enc"])
			},
			"rclone": func() (measurement, error) {
				b.rcloneEnv = []string{"RCLONE_CONFIG_C_TYPE=crypt",
					"RCLONE_CONFIG_C_REMOTE=T:" + b.srv.Bucket + "/" + prefixes["rclone"],
					"RCLONE_CONFIG_C_PASSWORD=" + obscured, "RCLONE_CONFIG_C_PASSWORD2=" + obscuredSalt}
				defer func() { b.rcloneEnv = nil }()
				return b.rclone([]string{"copy", "--transfers", fmt.Sprint(b.cfg.transfers), "--no-check-certificate", ds.dir, "C:v1"})
			},
		}
		order := []string{"plain", "enc", "rclone"}
		for round := range b.cfg.repeat {
			for _, p := range prefixes {
				if err := os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, p)); err != nil {
					return err
				}
			}
			for i := range order { // a different tool first each round
				k := order[(i+round)%len(order)]
				fmt.Fprintf(os.Stderr, "%s, encrypted comparison, round %d, %s...\n", s.name, round+1, k)
				m, err := run[k]()
				if err != nil {
					return err
				}
				if m.failed {
					return fmt.Errorf("%s %s: %s", s.name, k, m.note)
				}
				runs[k] = append(runs[k], m)
			}
		}
		for _, p := range prefixes {
			os.RemoveAll(filepath.Join(b.srv.Dir, b.srv.Bucket, p))
		}
		os.RemoveAll(ds.dir)
		enc := medianRun(runs["enc"])
		names := map[string]string{"plain": "Avault", "enc": "Avault encrypted", "rclone": "rclone crypt"}
		for _, k := range order {
			m := medianRun(runs[k])
			files, bytes := float64(ds.count())/m.wall.Seconds(), mib(ds.bytes)/m.wall.Seconds()
			fmt.Printf("| %s | %s | %.2f | %.1f | %.1f | %.0f | %.2f × |\n", s.name, names[k], m.wall.Seconds(), files, bytes,
				float64(m.peakKiB)/1024, m.wall.Seconds()/enc.wall.Seconds())
		}
		ratio := medianRun(runs["rclone"]).wall.Seconds() / enc.wall.Seconds()
		mark := "met"
		if ratio < 1.5 {
			mark = "NOT met"
		}
		verdicts = append(verdicts, fmt.Sprintf("%s: Avault encrypted is %.2f × rclone crypt's files/s and MiB/s (target 1.5 ×: %s)", s.name, ratio, mark))
	}
	fmt.Println()
	fmt.Println(strings.Join(verdicts, "\n"))
	return nil
}
