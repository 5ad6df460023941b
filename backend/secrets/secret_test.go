package secrets

import (
	"bytes"
	"encoding/json"
	"fmt"
	"log/slog"
	"strings"
	"testing"
)

const planted = "hunter2-planted-secret"

func TestSecretNeverPrints(t *testing.T) {
	s := Secret(planted)
	type creds struct {
		User   string
		Secret Secret
		Ptr    *Secret
	}
	c := creds{User: "u", Secret: s, Ptr: &s}
	var outputs []string
	for _, format := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%10s", "%-20v", "%d"} {
		outputs = append(outputs, fmt.Sprintf(format, s), fmt.Sprintf(format, c))
	}
	outputs = append(outputs, fmt.Sprint(s), fmt.Sprintln(s, c), s.String(), s.GoString())
	if got := fmt.Sprintf("%v|%#v|%q", s, s, s); got != `**redacted**|**redacted**|"**redacted**"` {
		t.Errorf("formats give %s", got)
	}
	raw, err := json.Marshal(c)
	if err != nil {
		t.Fatal(err)
	}
	outputs = append(outputs, string(raw))
	if !strings.Contains(string(raw), `"Secret":"**redacted**"`) {
		t.Errorf("JSON = %s", raw)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("login", "secret", s, "creds", c)
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("login", "secret", s, slog.Any("ptr", &s))
	outputs = append(outputs, buf.String())
	if !strings.Contains(buf.String(), "secret=**redacted**") || !strings.Contains(buf.String(), `"secret":"**redacted**"`) {
		t.Errorf("slog wrote %s", buf.String())
	}
	for _, out := range outputs {
		if strings.Contains(out, planted) {
			t.Fatalf("secret leaked: %s", out)
		}
	}
	if s.Reveal() != planted {
		t.Error("Reveal lost the value")
	}
}

func TestKeyNeverPrints(t *testing.T) {
	k, err := ParseKey(strings.Repeat("ab", KeySize))
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	slog.New(slog.NewTextHandler(&buf, nil)).Info("key", "key", k)
	raw, _ := json.Marshal(struct{ K *Key }{k})
	all := fmt.Sprintf("%v %+v %#v %s %x %v %#v", k, k, k, k, k, *k, *k) + buf.String() + string(raw) + fmt.Sprintf("%+v", struct{ K *Key }{k})
	if strings.Contains(all, "abab") || strings.Contains(all, "171") || !strings.Contains(all, Redacted) {
		t.Errorf("key printed as %s", all)
	}
}
