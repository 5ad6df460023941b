package web

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"reflect"
	"sort"

	"github.com/avault/avault/backend/ipc"
)

// Dispatcher calls the exported methods of one value by name with JSON
// arguments, the way the Wails bindings do: every exported method of the
// bound pointer is callable, arguments are a JSON array decoded into the
// parameter types, and a method returns a value, an error, or both (the
// error last).
type Dispatcher struct {
	methods map[string]reflect.Method
	// receiver is the value a call's method runs on.
	receiver func(ctx context.Context) reflect.Value
}

// Caller runs a bound method by name with a JSON array of arguments: a
// Dispatcher in the process that owns the service, or a client of it.
type Caller interface {
	Call(ctx context.Context, name string, args []byte) (json.RawMessage, error)
}

var errorType = reflect.TypeFor[error]()

// NewDispatcher lists the exported methods of v, which must be a non-nil
// pointer to a struct, as Wails requires of a bound value.
func NewDispatcher(v any) (*Dispatcher, error) {
	rv := reflect.ValueOf(v)
	if rv.Kind() != reflect.Pointer || rv.IsNil() || rv.Elem().Kind() != reflect.Struct {
		return nil, fmt.Errorf("web: bound value must be a non-nil pointer to a struct, not %T", v)
	}
	d := &Dispatcher{methods: map[string]reflect.Method{}, receiver: func(context.Context) reflect.Value { return rv }}
	t := rv.Type()
	for i := range t.NumMethod() {
		m := t.Method(i)
		if m.IsExported() {
			d.methods[m.Name] = m
		}
	}
	return d, nil
}

// NewContextDispatcher is NewDispatcher whose calls run on forCall(ctx),
// a value of the same type as v that uses the call's context: a request
// that ends (a closed browser, an interrupted client) stops its call.
func NewContextDispatcher[T any](v *T, forCall func(ctx context.Context) *T) (*Dispatcher, error) {
	d, err := NewDispatcher(v)
	if err != nil {
		return nil, err
	}
	d.receiver = func(ctx context.Context) reflect.Value { return reflect.ValueOf(forCall(ctx)) }
	return d, nil
}

// Methods returns the callable method names, sorted.
func (d *Dispatcher) Methods() []string {
	names := make([]string, 0, len(d.methods))
	for n := range d.methods {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// Arity returns how many arguments method name takes, or -1 when there is
// no such method.
func (d *Dispatcher) Arity(name string) int {
	m, ok := d.methods[name]
	if !ok {
		return -1
	}
	return m.Type.NumIn() - 1 // without the receiver
}

// Errors a call reports before the method runs; the same as a client of
// the background process gets for them.
var (
	ErrUnknownMethod = ipc.ErrUnknownMethod
	ErrBadArguments  = ipc.ErrBadArguments
)

// CallError is an error the called method returned.
type CallError struct{ Err error }

func (e *CallError) Error() string { return e.Err.Error() }
func (e *CallError) Unwrap() error { return e.Err }

// Call runs method name with args, a JSON array (empty or "null" for none),
// and returns the JSON of its value ("null" when it returns none). An
// unknown name wraps ErrUnknownMethod, arguments that do not fit wrap
// ErrBadArguments, and an error from the method is a *CallError.
func (d *Dispatcher) Call(ctx context.Context, name string, args []byte) (json.RawMessage, error) {
	m, ok := d.methods[name]
	if !ok {
		return nil, fmt.Errorf("%w: %q", ErrUnknownMethod, name)
	}
	fn := d.receiver(ctx).Method(m.Index)
	in, err := decodeArgs(fn.Type(), args)
	if err != nil {
		return nil, fmt.Errorf("%w to %s: %v", ErrBadArguments, name, err)
	}
	value, err := result(fn.Call(in))
	if err != nil {
		return nil, &CallError{Err: err}
	}
	out, err := json.Marshal(value)
	if err != nil {
		return nil, fmt.Errorf("encode the result of %s: %w", name, err)
	}
	return out, nil
}

func decodeArgs(mt reflect.Type, args []byte) ([]reflect.Value, error) {
	var raw []json.RawMessage
	if trimmed := bytes.TrimSpace(args); len(trimmed) > 0 && !bytes.Equal(trimmed, []byte("null")) {
		if err := json.Unmarshal(trimmed, &raw); err != nil {
			return nil, errors.New("the body must be a JSON array of arguments")
		}
	}
	if mt.IsVariadic() {
		return nil, errors.New("variadic methods cannot be called")
	}
	if len(raw) != mt.NumIn() {
		return nil, fmt.Errorf("got %d arguments, expected %d", len(raw), mt.NumIn())
	}
	in := make([]reflect.Value, len(raw))
	for i, a := range raw {
		p := reflect.New(mt.In(i))
		if err := json.Unmarshal(a, p.Interface()); err != nil {
			return nil, fmt.Errorf("argument %d: %v", i+1, err)
		}
		in[i] = p.Elem()
	}
	return in, nil
}

// result reads a method's returns as Wails does: one return is the value or
// an error; with two, the second is the error.
func result(out []reflect.Value) (any, error) {
	var value any
	for _, v := range out {
		if v.Type() == errorType {
			if !v.IsNil() {
				return nil, v.Interface().(error)
			}
			continue
		}
		if value == nil {
			value = v.Interface()
		}
	}
	return value, nil
}
