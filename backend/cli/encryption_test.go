package cli

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/crypt"
)

// TestEncryptedDestinationThroughTheCommandLine: the passwords come from
// standard input, never from --opt; the saved destination holds them
// sealed; dest rclone-config prints them obscured as rclone writes them.
func TestEncryptedDestinationThroughTheCommandLine(t *testing.T) {
	h := newHarness(t)
	disk := t.TempDir()
	add := []string{"dest", "add", "--name", "Safe", "--kind", "local", "--remote", disk, "--opt", "encrypt=true"}
	if code, _, errs := h.run("", add...); code == ExitOK || !strings.Contains(errs, "needs a password") || !strings.Contains(errs, "lost password") {
		t.Fatalf("without a password: exit %d %q", code, errs)
	}
	if code, _, errs := h.run("", append(add, "--opt", "encryptPassword=hunter2")...); code == ExitOK || !strings.Contains(errs, "never given on the command line") {
		t.Fatalf("a password with --opt: exit %d %q", code, errs)
	}
	code, out, errs := h.run("correct horse\npepper\n", append(add, "--password-stdin")...)
	if code != ExitOK || !strings.Contains(out, "a lost password means lost backups") || !strings.Contains(out, "dest rclone-config") {
		t.Fatalf("dest add --password-stdin: exit %d %q %s", code, out, errs)
	}
	listed := h.must("dest", "list", "--json")
	if strings.Contains(listed, "correct horse") || strings.Contains(listed, "pepper") {
		t.Fatalf("dest list shows a password: %s", listed)
	}
	var dests []job.Destination
	if err := json.Unmarshal([]byte(listed), &dests); err != nil || len(dests) != 1 || !dests[0].Encrypted() || dests[0].Options[job.OptionEncryptionKey] == "" {
		t.Fatalf("dest list: %+v %v", dests, err)
	}
	lines := h.must("dest", "rclone-config", "Safe")
	revealed := map[string]string{}
	for _, l := range strings.Split(lines, "\n") {
		if k, v, ok := strings.Cut(l, " = "); ok && strings.HasPrefix(k, "password") {
			revealed[k], _ = crypt.Reveal(v)
		}
	}
	if !strings.Contains(lines, "type = crypt") || revealed["password"] != "correct horse" || revealed["password2"] != "pepper" {
		t.Fatalf("dest rclone-config:\n%s", lines)
	}
}
