package cli

import (
	"bufio"
	"context"
	"fmt"
	"io"
	"strings"

	"github.com/avault/avault/backend/job"
)

// settableOptions are the options of kind k a person sets with --opt: all
// but the sealed passwords, which Avault sets itself.
func settableOptions(k job.Kind) []job.Option {
	var out []job.Option
	for _, o := range job.DestinationOptions[k] {
		if o.Key != job.OptionEncryptionKey {
			out = append(out, o)
		}
	}
	return out
}

// refuseSecretOption refuses passwords given with --opt, where other
// users of the machine could read them.
func refuseSecretOption(v string) error {
	key, _, _ := strings.Cut(v, "=")
	switch key {
	case job.OptionEncryptPassword, job.OptionEncryptSalt, job.OptionEncryptionKey:
		return fmt.Errorf("%s is never given on the command line, where other users can see it: use --password-stdin or $AVAULT_ENCRYPT_PASSWORD", key)
	}
	return nil
}

// encryptionPasswords adds the encryption passwords of a destination
// with --opt encrypt=true: from standard input with --password-stdin (the
// salt password on a second line), else from the environment.
func encryptionPasswords(c *call, d *job.Destination, fromStdin bool) error {
	if !d.Encrypted() {
		if fromStdin {
			return usagef("--password-stdin is for an encrypted destination (--opt encrypt=true)")
		}
		return nil
	}
	pw, salt := c.env.getenv("AVAULT_ENCRYPT_PASSWORD"), c.env.getenv("AVAULT_ENCRYPT_SALT")
	if fromStdin {
		r := bufio.NewReader(c.env.Stdin)
		line := func() (string, error) {
			l, err := r.ReadString('\n')
			if err != nil && err != io.EOF {
				return "", fmt.Errorf("read the password from standard input: %w", err)
			}
			return strings.TrimRight(l, "\r\n"), nil
		}
		var err error
		if pw, err = line(); err != nil {
			return err
		}
		if salt, err = line(); err != nil {
			return err
		}
	}
	if pw == "" {
		return usagef("an encrypted destination needs a password: on standard input with --password-stdin (a salt password may follow on a second line), or in $AVAULT_ENCRYPT_PASSWORD (never on the command line). A lost password means lost backups")
	}
	d.Options[job.OptionEncryptPassword] = pw
	if salt != "" {
		d.Options[job.OptionEncryptSalt] = salt
	}
	return nil
}

// destRcloneConfig prints the rclone lines that read an encrypted
// destination back.
func destRcloneConfig(ctx context.Context, c *call) error {
	pos, err := c.parse(c.flags("dest rclone-config"), c.args)
	if err != nil {
		return err
	}
	if len(pos) != 1 {
		return usagef("want 'dest rclone-config NAME|ID'")
	}
	svc, err := c.service(ctx)
	if err != nil {
		return err
	}
	d, err := findDest(svc, pos[0])
	if err != nil {
		return err
	}
	lines, err := svc.RcloneConfig(d.ID)
	if err != nil {
		return err
	}
	return c.print(map[string]string{"rcloneConfig": lines}, func(w io.Writer) { fmt.Fprint(w, lines) })
}
