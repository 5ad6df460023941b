// React hooks over the api: load data, reload it when the Go side says it
// changed, and listen to events.
import { useCallback, useEffect, useRef, useState } from 'react'
import { errorMessage, onEvent, type EventMap } from '.'

// useEvent calls handler for every event called name while the component is mounted.
export function useEvent<K extends keyof EventMap>(name: K, handler: (payload: EventMap[K]) => void) {
  const ref = useRef(handler)
  useEffect(() => {
    ref.current = handler
  })
  useEffect(() => onEvent(name, (p) => ref.current(p)), [name])
}

export interface Query<T> {
  data: T | undefined
  error: string | null
  loading: boolean
  reload: () => void
}

// useQuery runs load when key changes, and again when the Go side reports
// (data:changed) that one of reloadOn changed, or after the event stream
// reconnected. A failure is kept in error, in words, never thrown away.
export function useQuery<T>(key: string, load: () => Promise<T>, reloadOn: string[] = []): Query<T> {
  const [data, setData] = useState<T>()
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const [settled, setSettled] = useState<string | null>(null)
  const id = `${key}#${tick}`
  const loadRef = useRef(load)
  useEffect(() => {
    loadRef.current = load
  })
  const reload = useCallback(() => setTick((t) => t + 1), [])

  useEffect(() => {
    let live = true
    loadRef.current().then(
      (d) => {
        if (!live) return
        setData(d)
        setError(null)
        setSettled(id)
      },
      (e: unknown) => {
        if (!live) return
        setError(errorMessage(e))
        setSettled(id)
      },
    )
    return () => {
      live = false
    }
  }, [id])

  const watch = reloadOn.join(',')
  useEvent('data:changed', (p) => {
    if (p.what === 'reconnected' || watch.split(',').includes(p.what)) reload()
  })
  return { data, error, loading: settled !== id, reload }
}

export type Outcome<R> = { ok: true; value: R } | { ok: false; error: string }

// useAction wraps a call a person starts (save, delete, test): it tracks
// that it is running and keeps its error for display. run never rejects.
export function useAction<A extends unknown[], R>(fn: (...args: A) => Promise<R>) {
  const [busy, setBusy] = useState(false)
  const [error, setError] = useState<string | null>(null)
  const [lastValue, setLastValue] = useState<R>()
  const ref = useRef(fn)
  useEffect(() => {
    ref.current = fn
  })
  const run = useCallback(async (...args: A): Promise<Outcome<R>> => {
    setBusy(true)
    setError(null)
    try {
      const value = await ref.current(...args)
      setLastValue(value)
      return { ok: true, value }
    } catch (e) {
      const msg = errorMessage(e)
      setError(msg)
      return { ok: false, error: msg }
    } finally {
      setBusy(false)
    }
  }, [])
  return { run, busy, error, setError, lastValue }
}
