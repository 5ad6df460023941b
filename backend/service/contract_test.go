package service

import (
	"encoding/json"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/avault/avault/backend/engine"
	"github.com/avault/avault/backend/events"
	"github.com/avault/avault/backend/job"
	"github.com/avault/avault/backend/store"
)

// filled returns a T whose every exported field, at every depth, holds a
// value that is not its zero: one element in each list and map, a set
// pointer, a distinct number or string. A field the contract forgets then
// shows in the JSON.
func filled[T any]() T {
	var v T
	n := 0
	fill(reflect.ValueOf(&v).Elem(), &n, 0)
	return v
}

func fill(v reflect.Value, n *int, depth int) {
	if depth > 8 {
		return
	}
	*n++
	switch v.Kind() {
	case reflect.String:
		v.SetString(fmt.Sprintf("s%d", *n))
	case reflect.Bool:
		v.SetBool(true)
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		v.SetInt(int64(*n))
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		v.SetUint(uint64(*n))
	case reflect.Float32, reflect.Float64:
		v.SetFloat(float64(*n) + 0.5)
	case reflect.Pointer:
		p := reflect.New(v.Type().Elem())
		fill(p.Elem(), n, depth+1)
		v.Set(p)
	case reflect.Slice:
		s := reflect.MakeSlice(v.Type(), 1, 1)
		fill(s.Index(0), n, depth+1)
		v.Set(s)
	case reflect.Map:
		m := reflect.MakeMap(v.Type())
		k, e := reflect.New(v.Type().Key()).Elem(), reflect.New(v.Type().Elem()).Elem()
		fill(k, n, depth+1)
		fill(e, n, depth+1)
		m.SetMapIndex(k, e)
		v.Set(m)
	case reflect.Struct:
		if v.Type() == reflect.TypeFor[time.Time]() {
			v.Set(reflect.ValueOf(time.Date(2026, 12, 1, 10, 0, *n, 0, time.UTC)))
			return
		}
		for i := range v.NumField() {
			if v.Type().Field(i).IsExported() {
				fill(v.Field(i), n, depth+1)
			}
		}
	}
}

// jsonOf is v as the generic JSON value a frontend reads.
func jsonOf(t *testing.T, v any) any {
	t.Helper()
	b, err := json.Marshal(v)
	if err != nil {
		t.Fatal(err)
	}
	var out any
	if err := json.Unmarshal(b, &out); err != nil {
		t.Fatal(err)
	}
	return out
}

// jsonDiff lists where a and b differ, by JSON path.
func jsonDiff(path string, a, b any) []string {
	am, aok := a.(map[string]any)
	bm, bok := b.(map[string]any)
	if aok && bok {
		var out []string
		for k, av := range am {
			bv, ok := bm[k]
			if !ok {
				out = append(out, fmt.Sprintf("%s.%s: only in the first", path, k))
				continue
			}
			out = append(out, jsonDiff(path+"."+k, av, bv)...)
		}
		for k := range bm {
			if _, ok := am[k]; !ok {
				out = append(out, fmt.Sprintf("%s.%s: only in the second", path, k))
			}
		}
		return out
	}
	al, aok := a.([]any)
	bl, bok := b.([]any)
	if aok && bok && len(al) == len(bl) {
		var out []string
		for i := range al {
			out = append(out, jsonDiff(fmt.Sprintf("%s[%d]", path, i), al[i], bl[i])...)
		}
		return out
	}
	if !reflect.DeepEqual(a, b) {
		return []string{fmt.Sprintf("%s: %v and %v", path, a, b)}
	}
	return nil
}

// out is one conversion from an internal type to its contract type.
type out struct {
	name string
	in   any // the internal value, filled
	out  any // what the conversion made of it
	// without are JSON keys the contract leaves out on purpose.
	without []string
}

func outOf[T, U any](name string, of func(T) U, without ...string) out {
	v := filled[T]()
	return out{name, v, of(v), without}
}

// TestContractCarriesEveryField: every field of the store's, the engine's,
// the events' and the storage kinds' structs that the window, the web mode
// and --json receive reaches them through the service's contract types,
// under the same JSON name and with the same value. A field added to an
// internal struct and not to its contract type fails here with its name.
func TestContractCarriesEveryField(t *testing.T) {
	cases := []out{
		outOf("job.Job", JobOf),
		outOf("job.Policy", PolicyOf),
		outOf("job.Destination", DestinationOf),
		outOf("job.Option", OptionOf),
		outOf("job.Credential", CredentialOf),
		// Sealed holds the channel's sealed secrets in the database.
		outOf("job.Channel", ChannelOf, "sealed"),
		outOf("job.Settings", SettingsOf, "channels[0].sealed"),
		outOf("job.Run", RunOf),
		outOf("engine.DryRun", DryRunOf),
		outOf("engine.RestoreResult", RestoreResultOf),
		outOf("engine.RetentionVerdict", RetentionVerdictOf),
		outOf("engine.Usage", UsageOf),
		outOf("engine.VerifyReport", VerifyReportOf),
		outOf("events.Progress", ProgressOf),
		outOf("events.Queue", QueueOf),
		outOf("metrics.Snapshot", MetricsSnapshotOf),
		outOf("storage.Kind", DestinationKindOf),
		outOf("storage.Choice", ChoiceOf),
		outOf("storage.VersionInfo", VersionInfoOf),
		outOf("store.HistoryPage", HistoryPageOf),
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			want := jsonOf(t, c.in)
			for _, key := range c.without {
				if !dropKey(want, key) {
					t.Fatalf("the test leaves out %q, which %s does not have", key, c.name)
				}
			}
			for _, d := range jsonDiff(c.name, want, jsonOf(t, c.out)) {
				t.Errorf("%s (first: %s, second: its contract form; add the field to contract.go and contract_convert.go)", d, c.name)
			}
		})
	}
}

// dropKey removes a key named by a path such as "channels[0].sealed" from a
// JSON value, and reports whether it was there.
func dropKey(v any, path string) bool {
	head, rest, more := strings.Cut(path, ".")
	name, index, indexed := strings.Cut(head, "[")
	m, ok := v.(map[string]any)
	if !ok {
		return false
	}
	x, ok := m[name]
	if !ok {
		return false
	}
	if !more && !indexed {
		delete(m, name)
		return true
	}
	if indexed {
		l, ok := x.([]any)
		if !ok || strings.TrimSuffix(index, "]") != "0" || len(l) == 0 {
			return false
		}
		x = l[0]
	}
	return dropKey(x, rest)
}

// in is one conversion of what the window sends back to the internal type.
type in struct {
	name     string
	contract any
	internal any
}

func inOf[U interface{ Internal() T }, T any](name string) in {
	v := filled[U]()
	return in{name, v, v.Internal()}
}

// TestContractInputsReachTheService: what the window, the web mode and the
// command line send (a job, a destination, settings, a channel, a history
// filter) reaches the service whole.
func TestContractInputsReachTheService(t *testing.T) {
	for _, c := range []in{
		inOf[Job, job.Job]("Job"),
		inOf[Destination, job.Destination]("Destination"),
		inOf[Settings, job.Settings]("Settings"),
		inOf[Channel, job.Channel]("Channel"),
		inOf[HistoryFilter, store.HistoryFilter]("HistoryFilter"),
	} {
		for _, d := range jsonDiff(c.name, jsonOf(t, c.contract), jsonOf(t, c.internal)) {
			t.Errorf("%s (first: service.%s, second: what Internal made of it)", d, c.name)
		}
	}
}

// TestContractListsKeepNilAndEmptyApart: a list the service leaves nil
// travels as null and an empty one as [], as before the contract types.
func TestContractListsKeepNilAndEmptyApart(t *testing.T) {
	if got := ListOf([]job.Job(nil), JobOf); got != nil {
		t.Errorf("ListOf(nil) = %#v", got)
	}
	if got := ListOf([]job.Job{}, JobOf); got == nil || len(got) != 0 {
		t.Errorf("ListOf(empty) = %#v", got)
	}
	u := UsageOf(engine.Usage{Versions: []engine.VersionUsage{}})
	if b, _ := json.Marshal(u); string(b) != `{"versions":[],"stored":0}` {
		t.Errorf("an empty usage is %s", b)
	}
	if got := convertPtr((*events.Progress)(nil), ProgressOf); got != nil {
		t.Errorf("convertPtr(nil) = %#v", got)
	}
}

// TestContractTypesAreTheServices: the contract's structs refer to no
// struct of another Avault package, so that the generated bindings have
// the service's namespace alone (enumerations, which travel as strings,
// may keep their job types).
func TestContractTypesAreTheServices(t *testing.T) {
	roots := []any{
		Job{}, Destination{}, Settings{}, Channel{}, Credential{}, Run{}, Policy{}, DryRun{}, RestoreResult{},
		RetentionVerdict{}, Usage{}, VerifyReport{}, Progress{}, Queue{}, MetricsSnapshot{}, DestinationKind{},
		Choice{}, VersionInfo{}, HistoryFilter{}, HistoryPage{}, Overview{}, RetentionPreview{}, Task{},
		StaleJob{}, JobTrend{}, BrowseResult{}, TreeEntry{}, Status{}, ScheduleInfo{}, RestoreRequest{},
		S3CredentialInput{}, GoogleConnectInput{},
	}
	self := reflect.TypeFor[Service]().PkgPath()
	seen := map[reflect.Type]bool{}
	var walk func(t reflect.Type, path string)
	walk = func(typ reflect.Type, path string) {
		for typ.Kind() == reflect.Pointer || typ.Kind() == reflect.Slice || typ.Kind() == reflect.Array || typ.Kind() == reflect.Map {
			typ = typ.Elem()
		}
		if typ.Kind() != reflect.Struct || seen[typ] || typ == reflect.TypeFor[time.Time]() {
			return
		}
		seen[typ] = true
		if typ.PkgPath() != self {
			t.Errorf("%s is %s, not a type of package service", path, typ)
			return
		}
		for i := range typ.NumField() {
			f := typ.Field(i)
			if f.IsExported() && f.Tag.Get("json") != "-" {
				walk(f.Type, path+"."+f.Name)
			}
		}
	}
	for _, r := range roots {
		walk(reflect.TypeOf(r), reflect.TypeOf(r).Name())
	}
	// The job enumerations stay strings on the wire.
	for _, typ := range []reflect.Type{reflect.TypeFor[job.Status](), reflect.TypeFor[job.Kind](), reflect.TypeFor[job.RetentionType]()} {
		if typ.Kind() != reflect.String {
			t.Errorf("%s is a %s, not a string", typ, typ.Kind())
		}
	}
}
