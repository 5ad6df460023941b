//go:build linux

package secrets

import (
	"context"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"time"
)

// childTimeout is the keyring timeout the children use: short, so the
// scenarios that time out stay quick.
const childTimeout = time.Second

// runChild plays one scenario (see session_test.go) and prints the result
// of each step as JSON. It never prints a key.
func runChild(role string) int {
	// Look for a bus socket in the session's own runtime folder, never in
	// the machine's /run/user.
	runtimeDir = func() string { return os.Getenv("XDG_RUNTIME_DIR") }
	var results map[string]stepResult
	switch role {
	case "roundtrip":
		results = roundTrip()
	case "unavailable":
		results = unavailable()
	default:
		fmt.Fprintln(os.Stderr, "unknown role", role)
		return 2
	}
	if err := json.NewEncoder(os.Stdout).Encode(results); err != nil {
		return 1
	}
	return 0
}

// withoutEnvKey hides AVAULT_ENCRYPTION_KEY from Load.
func withoutEnvKey(name string) string {
	if name == EnvKey {
		return ""
	}
	return os.Getenv(name)
}

func load(st State, o Options) (Loaded, stepResult) {
	if o.Getenv == nil {
		o.Getenv = withoutEnvKey
	}
	o.KeyringTimeout = childTimeout
	start := time.Now()
	l, err := Load(context.Background(), st, o)
	r := stepResult{Source: l.Source, Created: l.Created, Check: hex.EncodeToString(l.Check), Ms: ms(time.Since(start))}
	if err != nil {
		r.Error = err.Error()
	}
	return l, r
}

func ms(d time.Duration) float64 { return float64(d.Microseconds()) / 1000 }

// roundTrip creates the key in the keyring, reads it back as a later
// start would, checks that what one seals the other opens, and times raw
// keyring calls.
func roundTrip() map[string]stepResult {
	out := map[string]stepResult{}
	first, r := load(State{}, Options{})
	out["first"] = r
	if first.Key == nil {
		return out
	}
	again, r := load(State{Check: first.Check, Sealed: true}, Options{})
	out["again"] = r
	if again.Key != nil {
		blob, _ := first.Key.Seal("cred-1", []byte("planted-credential"))
		if plain, err := again.Key.Open("cred-1", blob); err != nil || string(plain) != "planted-credential" {
			out["sealOpen"] = stepResult{Error: fmt.Sprint("sealed data did not open: ", err)}
		} else {
			out["sealOpen"] = stepResult{}
		}
	}
	out["set"], out["get"] = timeKeyring(7)
	return out
}

// timeKeyring returns the median time of n keyring Set and Get calls.
func timeKeyring(n int) (set, get stepResult) {
	var sets, gets []float64
	kr := osKeyring{}
	for i := range n {
		value := fmt.Sprintf("probe-%d", i)
		start := time.Now()
		if err := kr.Set(KeyringService, "probe", value); err != nil {
			return stepResult{Error: err.Error()}, stepResult{}
		}
		sets = append(sets, ms(time.Since(start)))
		start = time.Now()
		got, err := kr.Get(KeyringService, "probe")
		if err != nil || got != value {
			return stepResult{}, stepResult{Error: fmt.Sprint("read back failed: ", err)}
		}
		gets = append(gets, ms(time.Since(start)))
	}
	return stepResult{Ms: median(sets)}, stepResult{Ms: median(gets)}
}

func median(v []float64) float64 {
	sort.Float64s(v)
	return v[len(v)/2]
}

// unavailable tries, where the keyring cannot give a key: with sealed
// credentials (an error naming the keyring's trouble), with the
// environment's key (used), on a first start (no key created), and with
// the key file chosen (created there, the keyring untouched).
func unavailable() map[string]stepResult {
	out := map[string]stepResult{}
	planted, err := ParseKey(os.Getenv(EnvKey))
	if err != nil {
		return map[string]stepResult{"setup": {Error: "no planted key: " + err.Error()}}
	}
	_, out["sealed"] = load(State{Check: planted.Check(), Sealed: true}, Options{})
	_, out["env"] = load(State{Check: planted.Check(), Sealed: true}, Options{Getenv: os.Getenv})
	_, out["fresh"] = load(State{}, Options{})
	dir, err := os.MkdirTemp("", "keyfile")
	if err != nil {
		return map[string]stepResult{"setup": {Error: err.Error()}}
	}
	defer os.RemoveAll(dir)
	_, out["file"] = load(State{}, Options{UseFile: true, Dir: dir})
	return out
}
