// The Wails generator writes a []time.Time field as `time.Time[]` and
// refers to a `time` namespace it never defines. Such values arrive as RFC
// 3339 strings; the generated classes' constructors, which would need the
// value, are never called (results travel as plain JSON).
declare namespace time {
  type Time = string
  const Time: undefined
}
