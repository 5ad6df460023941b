package secrets

import (
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"runtime"
)

// KeyFileName is the key file's name in the data directory.
const KeyFileName = "avault.key"

// readKeyFile returns the key file's text, first tightening its mode to
// 0600 if it was looser.
func readKeyFile(dir string) (string, error) {
	if dir == "" {
		return "", errors.New("no data directory given for the key file")
	}
	path := filepath.Join(dir, KeyFileName)
	info, err := os.Stat(path)
	if err != nil {
		return "", err
	}
	if runtime.GOOS != "windows" && info.Mode().Perm()&0o077 != 0 {
		if err := os.Chmod(path, 0o600); err != nil {
			return "", fmt.Errorf("restrict %s to mode 600: %w", path, err)
		}
	}
	raw, err := os.ReadFile(path)
	return string(raw), err
}

// writeKeyFile stores k in the key file (mode 0600), replacing it
// atomically: the new file is written and synced beside it, then renamed.
func writeKeyFile(dir string, k *Key) error {
	if dir == "" {
		return errors.New("no data directory given for the key file")
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".avault.key-*")
	if err != nil {
		return err
	}
	defer os.Remove(tmp.Name()) // fails harmlessly once renamed
	if err := tmp.Chmod(0o600); err != nil && runtime.GOOS != "windows" {
		tmp.Close()
		return err
	}
	if _, err := tmp.WriteString(k.text() + "\n"); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return err
	}
	if err := tmp.Close(); err != nil {
		return err
	}
	if err := os.Rename(tmp.Name(), filepath.Join(dir, KeyFileName)); err != nil {
		return err
	}
	return syncDir(dir)
}

// syncDir makes a rename in dir durable where the system allows it.
func syncDir(dir string) error {
	if runtime.GOOS == "windows" {
		return nil
	}
	d, err := os.Open(dir)
	if err != nil {
		return err
	}
	defer d.Close()
	return d.Sync()
}
