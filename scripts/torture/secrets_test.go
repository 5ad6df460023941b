//go:build torture

package torture

import (
	"bytes"
	"encoding/hex"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
	"sync"
)

// planted secrets: values that must never appear in any output, history,
// database file or destination. Each has a label for the report; the value
// itself is never printed.
var planted = struct {
	sync.Mutex
	labels map[string]string // value → label
}{labels: map[string]string{}}

// plant registers a secret value. A hex value is also searched for in its
// raw bytes (a data key must not sit in a file unsealed).
func plant(label, value string) {
	if len(value) < 8 {
		panic("torture: a planted secret must be at least 8 bytes: " + label)
	}
	planted.Lock()
	defer planted.Unlock()
	planted.labels[value] = label
	if raw, err := hex.DecodeString(value); err == nil && len(raw) >= 16 {
		planted.labels[string(raw)] = label + " (raw bytes)"
	}
}

func plantedValues() map[string]string {
	planted.Lock()
	defer planted.Unlock()
	out := make(map[string]string, len(planted.labels))
	for v, l := range planted.labels {
		out[v] = l
	}
	return out
}

// scanBytes records a leak for every planted value found in data.
func scanBytes(where string, data []byte) {
	for v, label := range plantedValues() {
		if bytes.Contains(data, []byte(v)) {
			report.mu.Lock()
			report.Secrets.Leaks = append(report.Secrets.Leaks, fmt.Sprintf("%s found in %s", label, where))
			report.mu.Unlock()
		}
	}
}

// scanTree searches every regular file under dir: data folders (the
// database, key files), destinations, S3 server folders, restores.
func scanTree(dir string) {
	var files int
	var size int64
	filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || !d.Type().IsRegular() {
			return nil
		}
		data, err := os.ReadFile(p)
		if err != nil {
			return nil
		}
		files++
		size += int64(len(data))
		scanBytes(p, data)
		return nil
	})
	report.mu.Lock()
	report.Secrets.FilesScanned += files
	report.Secrets.BytesScanned += size
	report.mu.Unlock()
}

// finalSecretScan searches the transcript of every command and HTTP answer
// and returns the number of leaks found over the whole campaign.
func finalSecretScan() int {
	data := transcript.bytes()
	scanBytes("the output of the commands (transcript)", data)
	report.mu.Lock()
	defer report.mu.Unlock()
	report.Secrets.Transcript = int64(len(data))
	report.Secrets.Planted = len(plantedValues())
	return len(report.Secrets.Leaks)
}

// writeSecretList writes the printable planted values to path (mode 0600)
// for scripts/torture.sh, which searches the test output for them.
func writeSecretList(path string) error {
	var b strings.Builder
	for v := range plantedValues() {
		if isPrintable(v) && !strings.ContainsAny(v, "\n\r") {
			b.WriteString(v + "\n")
		}
	}
	return os.WriteFile(path, []byte(b.String()), 0o600)
}
