package service

import (
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/storage/crypt"
	"github.com/avault/avault/backend/store"
)

// TestEncryptedDestination: the passwords a form sends are sealed and
// never stored, listed or returned in the clear; runs write only
// encrypted names; the rclone lines carry the passwords obscured as
// rclone writes them; saving without a password keeps the sealed one; a
// changed password fails the next run, naming the destination, and
// nothing is written.
func TestEncryptedDestination(t *testing.T) {
	const password, salt = "Tr0ub4dor&3 family", "salt of the earth"
	s, nas := newTestService(t)
	j, disk := localJob(t, s, nas, 12)
	d, err := s.GetDestination(j.DestinationID)
	if err != nil {
		t.Fatal(err)
	}
	d.Options = map[string]string{job.OptionEncrypt: "true", job.OptionEncryptPassword: password, job.OptionEncryptSalt: salt}
	if d, err = s.UpdateDestination(d); err != nil {
		t.Fatal(err)
	}
	if _, ok := d.Options[job.OptionEncryptPassword]; ok || d.Options[job.OptionEncryptionKey] == "" {
		t.Fatalf("saved options %v", d.Options)
	}
	for _, k := range s.DestinationKinds() {
		for _, f := range k.Fields {
			if f.Key == job.OptionEncryptionKey {
				t.Errorf("the form of %s is offered the sealed passwords", k.Name)
			}
		}
	}

	run, err := s.RunJob(j.ID, job.TriggerManual)
	if err != nil {
		t.Fatal(err)
	}
	first := waitFinal(t, s, run.ID)
	if first.Status != job.StatusSuccess || first.FilesUploaded != 12 {
		t.Fatalf("first run %+v", first)
	}
	c, err := crypt.NewCipher(password, salt)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := os.Stat(filepath.Join(disk, first.RemotePath)); err == nil {
		t.Errorf("the version's name %s is readable at the destination", first.RemotePath)
	}
	if _, err := os.Stat(filepath.Join(disk, c.EncryptSegment(first.RemotePath))); err != nil {
		t.Errorf("no encrypted version folder: %v", err)
	}
	run, _ = s.RunJob(j.ID, job.TriggerManual)
	if second := waitFinal(t, s, run.ID); second.Status != job.StatusSuccess || second.FilesCopied != 12 || second.BytesUploaded != 0 {
		t.Errorf("second run %+v", second)
	}

	raw, err := os.ReadFile(filepath.Join(s.opts.DataDir, store.FileName))
	if err != nil {
		t.Fatal(err)
	}
	if strings.Contains(string(raw), password) || strings.Contains(string(raw), salt) {
		t.Fatal("the database holds an encryption password in the clear")
	}

	lines, err := s.RcloneConfig(d.ID)
	if err != nil {
		t.Fatal(err)
	}
	if !strings.Contains(lines, "type = crypt\n") || !strings.Contains(lines, "remote = "+disk+"\n") || strings.Contains(lines, password) {
		t.Fatalf("rclone lines:\n%s", lines)
	}
	revealed := map[string]string{}
	for _, l := range strings.Split(lines, "\n") {
		if k, v, ok := strings.Cut(l, " = "); ok && (k == "password" || k == "password2") {
			revealed[k], _ = crypt.Reveal(v)
		}
	}
	if revealed["password"] != password || revealed["password2"] != salt {
		t.Errorf("the rclone lines do not reveal the passwords: %v", revealed)
	}

	// Saved again as a form sends it, without the passwords: kept.
	key := d.Options[job.OptionEncryptionKey]
	d.Options = map[string]string{job.OptionEncrypt: "true"}
	if d, err = s.UpdateDestination(d); err != nil || d.Options[job.OptionEncryptionKey] != key {
		t.Fatalf("saving without passwords: %v, %v", d.Options, err)
	}

	// Another password: the run fails naming the destination, nothing written.
	before := listTree(t, disk)
	d.Options = map[string]string{job.OptionEncrypt: "true", job.OptionEncryptPassword: "not it"}
	if d, err = s.UpdateDestination(d); err != nil {
		t.Fatal(err)
	}
	os.WriteFile(filepath.Join(nas, "photos", "new.txt"), []byte("new"), 0o644)
	run, _ = s.RunJob(j.ID, job.TriggerManual)
	failed := waitFinal(t, s, run.ID)
	if failed.Status != job.StatusFailed || !strings.Contains(failed.ErrorMessage, d.Name) || !strings.Contains(failed.ErrorMessage, "password") {
		t.Errorf("run with a wrong password: %s %q", failed.Status, failed.ErrorMessage)
	}
	if after := listTree(t, disk); after != before {
		t.Errorf("the destination changed:\n%s\n%s", before, after)
	}

	// Turned off: the sealed passwords go.
	d.Options = map[string]string{job.OptionEncrypt: "false"}
	if d, err = s.UpdateDestination(d); err != nil || d.Options[job.OptionEncryptionKey] != "" {
		t.Errorf("turning encryption off: %v, %v", d.Options, err)
	}
}

func listTree(t *testing.T, dir string) string {
	t.Helper()
	var b strings.Builder
	filepath.Walk(dir, func(p string, fi os.FileInfo, err error) error {
		if err == nil {
			b.WriteString(p + "\n")
		}
		return nil
	})
	return b.String()
}
