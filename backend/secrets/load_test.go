package secrets

import (
	"context"
	"errors"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/godbus/dbus/v5"
)

// fakeKeyring is an in-memory keyring that can fail or hang.
type fakeKeyring struct {
	mu      sync.Mutex
	values  map[string]string
	getErr  error
	setErr  error
	hang    chan struct{} // when not nil, calls block until it is closed
	getCall int
	setCall int
}

func (f *fakeKeyring) wait() {
	if f.hang != nil {
		<-f.hang
	}
}

func (f *fakeKeyring) Get(service, user string) (string, error) {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.getCall++
	if f.getErr != nil {
		return "", f.getErr
	}
	v, ok := f.values[service+"/"+user]
	if !ok {
		return "", ErrKeyNotFound
	}
	return v, nil
}

func (f *fakeKeyring) Set(service, user, secret string) error {
	f.wait()
	f.mu.Lock()
	defer f.mu.Unlock()
	f.setCall++
	if f.setErr != nil {
		return f.setErr
	}
	if f.values == nil {
		f.values = map[string]string{}
	}
	f.values[service+"/"+user] = secret
	return nil
}

func (f *fakeKeyring) Delete(service, user string) error { return nil }

func (f *fakeKeyring) stored() string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.values[KeyringService+"/"+KeyringUser]
}

func env(vars map[string]string) func(string) string {
	return func(name string) string { return vars[name] }
}

func opts(kr Keyring, vars map[string]string) Options {
	return Options{Keyring: kr, Getenv: env(vars), KeyringTimeout: 200 * time.Millisecond}
}

func TestLoadFirstStartCreatesKeyInKeyring(t *testing.T) {
	kr := &fakeKeyring{}
	got, err := Load(context.Background(), State{}, opts(kr, nil))
	if err != nil || !got.Created || got.Source != SourceKeyring || !got.CheckChanged || !got.Key.Matches(got.Check) {
		t.Fatalf("first Load = %+v, %v", got, err)
	}
	if kr.stored() != got.Key.text() {
		t.Fatal("new key not stored in the keyring")
	}
	again, err := Load(context.Background(), State{Check: got.Check, Sealed: true}, opts(kr, nil))
	if err != nil || again.Created || again.CheckChanged || again.Source != SourceKeyring || again.Key.text() != got.Key.text() {
		t.Fatalf("second Load = %+v, %v", again, err)
	}
}

func TestLoadNeverCreatesOverSealedCredentials(t *testing.T) {
	k, _ := NewKey()
	for _, tc := range []struct {
		name    string
		kr      *fakeKeyring
		vars    map[string]string
		want    error
		message []string
	}{
		{"nothing anywhere", &fakeKeyring{}, nil, ErrKeyUnavailable, []string{
			"credentials are stored sealed, but the data key cannot be read",
			"tried keyring: no data key stored; environment: AVAULT_ENCRYPTION_KEY is not set",
			"Nothing was changed", "Unlock the keyring or set AVAULT_ENCRYPTION_KEY"}},
		{"keyring locked", &fakeKeyring{getErr: errors.New("failed to unlock correct collection '/org/freedesktop/secrets/aliases/default'")},
			nil, ErrKeyUnavailable, []string{"keyring: the keyring is locked"}},
		{"no secret service", &fakeKeyring{getErr: dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}},
			nil, ErrKeyUnavailable, []string{"keyring: no Secret Service on the session bus"}},
		{"keyring hangs", &fakeKeyring{hang: make(chan struct{})}, nil, ErrKeyUnavailable,
			[]string{"keyring: timed out (a locked keyring may be waiting for its password)"}},
		{"wrong key in keyring", &fakeKeyring{values: map[string]string{"avault/data-key": strings.Repeat("00", 32)}},
			nil, ErrWrongKey, []string{"not the one that sealed the stored credentials", "keyring: a different key"}},
		{"wrong key in environment", &fakeKeyring{}, map[string]string{EnvKey: strings.Repeat("11", 32)},
			ErrWrongKey, []string{"environment: a different key"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			_, err := Load(context.Background(), State{Check: k.Check(), Sealed: true}, opts(tc.kr, tc.vars))
			if !errors.Is(err, tc.want) {
				t.Fatalf("Load = %v, want %v", err, tc.want)
			}
			for _, m := range tc.message {
				if !strings.Contains(err.Error(), m) {
					t.Errorf("message %q lacks %q", err, m)
				}
			}
			if tc.kr.setCall != 0 {
				t.Error("a key was written to the keyring")
			}
			if tc.kr.hang != nil {
				close(tc.kr.hang)
			}
		})
	}
}

func TestLoadFallsBackToEnvironment(t *testing.T) {
	k, _ := NewKey()
	vars := map[string]string{EnvKey: k.text()}
	for _, kr := range []*fakeKeyring{
		{getErr: dbus.Error{Name: "org.freedesktop.DBus.Error.ServiceUnknown"}},
		{values: map[string]string{"avault/data-key": strings.Repeat("00", 32)}}, // stale key in the keyring
		{hang: make(chan struct{})},
	} {
		start := time.Now()
		got, err := Load(context.Background(), State{Check: k.Check(), Sealed: true}, opts(kr, vars))
		if err != nil || got.Source != SourceEnvironment || got.Key.text() != k.text() {
			t.Fatalf("Load = %+v, %v", got, err)
		}
		if took := time.Since(start); took > time.Second {
			t.Errorf("fallback took %s", took)
		}
		if kr.hang != nil {
			close(kr.hang)
		}
	}
}

func TestLoadMalformedEnvironment(t *testing.T) {
	good, _ := NewKey()
	kr := &fakeKeyring{values: map[string]string{"avault/data-key": good.text()}}
	bad := "not-a-key-" + planted
	_, err := Load(context.Background(), State{}, opts(kr, map[string]string{EnvKey: bad}))
	if !errors.Is(err, ErrMalformedKey) || !strings.Contains(err.Error(), "AVAULT_ENCRYPTION_KEY is set but unusable") ||
		strings.Contains(err.Error(), planted) {
		t.Fatalf("Load = %v", err)
	}
}

func TestLoadWithoutSealedCredentials(t *testing.T) {
	stale, _ := NewKey()
	kept, _ := NewKey()
	// A key found under a stale check value is used, not replaced.
	kr := &fakeKeyring{values: map[string]string{"avault/data-key": kept.text()}}
	got, err := Load(context.Background(), State{Check: stale.Check()}, opts(kr, nil))
	if err != nil || got.Created || !got.CheckChanged || got.Key.text() != kept.text() {
		t.Fatalf("stale check: %+v, %v", got, err)
	}
	// A keyring that does not answer is not overwritten.
	kr = &fakeKeyring{getErr: errors.New("failed to unlock correct collection")}
	_, err = Load(context.Background(), State{}, opts(kr, nil))
	if !errors.Is(err, ErrKeyUnavailable) || kr.setCall != 0 ||
		!strings.Contains(err.Error(), "none was created because not every source could be read") {
		t.Fatalf("locked keyring: %v (set calls %d)", err, kr.setCall)
	}
	// A malformed entry is replaced.
	kr = &fakeKeyring{values: map[string]string{"avault/data-key": "garbage"}}
	got, err = Load(context.Background(), State{}, opts(kr, nil))
	if err != nil || !got.Created || kr.stored() != got.Key.text() {
		t.Fatalf("malformed entry: %+v, %v", got, err)
	}
	// A key that cannot be stored is reported, not used.
	kr = &fakeKeyring{setErr: errors.New("collection is read-only")}
	_, err = Load(context.Background(), State{}, opts(kr, nil))
	if err == nil || !strings.Contains(err.Error(), "a new data key could not be stored: keyring: error: collection is read-only") {
		t.Fatalf("failed store: %v", err)
	}
}

func TestLoadKeyFile(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "data")
	kr := &fakeKeyring{getErr: errors.New("must not be called")}
	o := opts(kr, nil)
	o.Dir, o.UseFile = dir, true
	got, err := Load(context.Background(), State{}, o)
	if err != nil || !got.Created || got.Source != SourceFile {
		t.Fatalf("first Load = %+v, %v", got, err)
	}
	path := filepath.Join(dir, KeyFileName)
	info, err := os.Stat(path)
	if err != nil || info.Mode().Perm() != 0o600 {
		t.Fatalf("key file: %v %v", info, err)
	}
	if kr.getCall+kr.setCall != 0 {
		t.Error("the keyring was used although the key file was chosen")
	}
	if err := os.Chmod(path, 0o644); err != nil {
		t.Fatal(err)
	}
	again, err := Load(context.Background(), State{Check: got.Check, Sealed: true}, o)
	if err != nil || again.Source != SourceFile || again.Key.text() != got.Key.text() {
		t.Fatalf("second Load = %+v, %v", again, err)
	}
	if info, _ := os.Stat(path); info.Mode().Perm() != 0o600 {
		t.Errorf("loose key file mode not tightened: %o", info.Mode().Perm())
	}
	if err := os.Remove(path); err != nil {
		t.Fatal(err)
	}
	_, err = Load(context.Background(), State{Check: got.Check, Sealed: true}, o)
	if !errors.Is(err, ErrKeyUnavailable) || !strings.Contains(err.Error(), "file: no key file") {
		t.Fatalf("missing file: %v", err)
	}
}

func TestSaveKeyMovesKey(t *testing.T) {
	k, _ := NewKey()
	kr := &fakeKeyring{}
	o := opts(kr, nil)
	o.Dir = t.TempDir()
	if err := SaveKey(context.Background(), k, SourceFile, o); err != nil {
		t.Fatal(err)
	}
	if err := SaveKey(context.Background(), k, SourceKeyring, o); err != nil || kr.stored() != k.text() {
		t.Fatal(err)
	}
	if err := SaveKey(context.Background(), k, SourceEnvironment, o); err == nil {
		t.Error("saved to the environment")
	}
	kr.hang = make(chan struct{})
	defer close(kr.hang)
	if err := SaveKey(context.Background(), k, SourceKeyring, o); !errors.Is(err, ErrKeyringTimeout) {
		t.Errorf("hung keyring: %v", err)
	}
}

func TestLoadHonoursContext(t *testing.T) {
	kr := &fakeKeyring{hang: make(chan struct{})}
	defer close(kr.hang)
	ctx, cancel := context.WithTimeout(context.Background(), 20*time.Millisecond)
	defer cancel()
	o := opts(kr, nil)
	o.KeyringTimeout = time.Hour
	_, err := Load(ctx, State{Sealed: true, Check: []byte{1}}, o)
	if err == nil || !strings.Contains(err.Error(), "keyring: cancelled") {
		t.Fatalf("Load = %v", err)
	}
}
