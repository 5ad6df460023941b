//go:build linux

package secrets

import (
	"encoding/hex"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

// plant returns a key to hand children in AVAULT_ENCRYPTION_KEY, and a
// check that their output never shows it.
func plant(t *testing.T) (*Key, string, func(output string)) {
	k, err := NewKey()
	if err != nil {
		t.Fatal(err)
	}
	return k, EnvKey + "=" + k.text(), func(output string) {
		t.Helper()
		if strings.Contains(strings.ToLower(output), k.text()) {
			t.Fatal("a child printed the planted key")
		}
	}
}

// TestRealKeyringRoundTrip creates the data key in a real gnome-keyring,
// reads it back as a later start would, and finds it with secret-tool.
func TestRealKeyringRoundTrip(t *testing.T) {
	s := newSession(t)
	s.startBus()
	s.startKeyring(true)
	_, env, noLeak := plant(t)
	res, output := s.runChild("roundtrip", env)
	noLeak(output)
	first, again := res["first"], res["again"]
	if first.Error != "" || !first.Created || first.Source != SourceKeyring {
		t.Fatalf("first start: %+v", first)
	}
	if again.Error != "" || again.Created || again.Source != SourceKeyring || again.Check != first.Check {
		t.Fatalf("second start: %+v", again)
	}
	if r, ok := res["sealOpen"]; !ok || r.Error != "" {
		t.Fatalf("seal with the first key, open with the second: %+v", r)
	}
	// The key really is in gnome-keyring, where other tools find it.
	lookup := exec.Command("secret-tool", "lookup", "service", KeyringService, "username", KeyringUser)
	lookup.Env = s.env
	stored, err := lookup.Output()
	if err != nil {
		t.Fatalf("secret-tool lookup: %v", err)
	}
	k, err := ParseKey(string(stored))
	if err != nil || hex.EncodeToString(k.Check()) != first.Check {
		t.Fatalf("the keyring holds another key (%v)", err)
	}
	noLeak(output)
	if strings.Contains(output, strings.TrimSpace(string(stored))) {
		t.Fatal("the child printed the data key")
	}
	for _, step := range []string{"set", "get"} {
		if res[step].Error != "" {
			t.Fatalf("keyring %s: %s", step, res[step].Error)
		}
	}
	t.Logf("first start (look up, create, store) %.1f ms; later start (look up) %.1f ms; keyring Set %.1f ms + Get %.1f ms (medians of 7)",
		first.Ms, again.Ms, res["set"].Ms, res["get"].Ms)
}

// TestRealKeyringUnavailable checks each way the keyring can fail to give
// the key: the reason reaches the person, the environment's key still
// works, no key is ever created in its place, and the key file works
// without the keyring. Each outcome comes well within the timeout + 1 s.
func TestRealKeyringUnavailable(t *testing.T) {
	for _, tc := range []struct {
		name   string
		setup  func(s *session)
		reason string
		slow   bool // the outcome waits for the keyring timeout
	}{
		{"locked keyring", func(s *session) { s.startBus(); s.startKeyring(false) }, "keyring: the keyring is locked", false},
		{"no Secret Service", func(s *session) { s.startBus() }, "keyring: no Secret Service on the session bus", false},
		{"no bus at all", func(s *session) {
			empty := filepath.Join(s.dir, "empty-path") // no dbus-launch to start a stray bus
			if err := os.Mkdir(empty, 0o700); err != nil {
				t.Fatal(err)
			}
			s.env = append(s.env, "PATH="+empty)
		}, "keyring: no D-Bus session bus", false},
		{"dead bus", func(s *session) {
			s.env = append(s.env, "DBUS_SESSION_BUS_ADDRESS=unix:path="+filepath.Join(s.dir, "run", "gone"))
		}, "keyring: cannot reach the D-Bus session bus", false},
		{"keyring never answers", func(s *session) { s.startBus(); s.startKeyring(true); s.stopKeyring() },
			"keyring: timed out (a locked keyring may be waiting for its password)", true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			s := newSession(t)
			tc.setup(s)
			planted, env, noLeak := plant(t)
			res, output := s.runChild("unavailable", env)
			noLeak(output)
			assertUnavailable(t, res, planted, tc.reason, tc.slow)
		})
	}
}

func assertUnavailable(t *testing.T, res map[string]stepResult, planted *Key, reason string, slow bool) {
	t.Helper()
	if r, ok := res["setup"]; ok {
		t.Fatalf("child setup: %s", r.Error)
	}
	limit := 500.0 // ms, for outcomes that need not wait
	if slow {
		limit = float64((childTimeout + time.Second).Milliseconds())
	}
	sealed := res["sealed"]
	for _, want := range []string{"credentials are stored sealed, but the data key cannot be read", reason,
		"environment: AVAULT_ENCRYPTION_KEY is not set", "Nothing was changed"} {
		if !strings.Contains(sealed.Error, want) {
			t.Errorf("with sealed credentials: %q lacks %q", sealed.Error, want)
		}
	}
	if env := res["env"]; env.Error != "" || env.Source != SourceEnvironment || env.Check != hex.EncodeToString(planted.Check()) {
		t.Errorf("with the key in the environment: %+v", env)
	}
	if fresh := res["fresh"]; !strings.Contains(fresh.Error, "none was created") || !strings.Contains(fresh.Error, reason) || fresh.Created {
		t.Errorf("first start: %+v", fresh)
	}
	if file := res["file"]; file.Error != "" || !file.Created || file.Source != SourceFile {
		t.Errorf("with the key file chosen: %+v", file)
	}
	for _, step := range []string{"sealed", "env", "fresh"} {
		took := res[step].Ms
		if took > limit || slow && took < float64(childTimeout.Milliseconds()) {
			t.Errorf("%s took %.0f ms (limit %.0f ms)", step, took, limit)
		}
	}
	t.Logf("outcome with sealed credentials in %.1f ms: %s", sealed.Ms, reason)
}
