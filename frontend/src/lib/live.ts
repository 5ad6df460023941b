// Live state fed by events: the runs in progress and the queue.
import { useEffect, useRef, useState } from 'react'
import { api, errorMessage, type Progress, type QueueStats } from '../api'
import { useEvent } from '../api/hooks'

const finalStatuses = new Set(['SUCCESS', 'PARTIAL_SUCCESS', 'FAILED', 'CANCELLED'])

export function isFinal(status: string): boolean {
  return finalStatuses.has(status)
}

// useActiveRuns returns the runs queued or running, by run id, kept up to
// date by backup:progress and backup:status; onFinished is told of each
// run that ends.
export function useActiveRuns(onFinished?: (runId: string, status: string) => void) {
  const [runs, setRuns] = useState<Map<string, Progress>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  const known = useRef(runs)
  useEffect(() => {
    known.current = runs
  })

  useEffect(() => {
    let live = true
    api.activeRuns().then(
      (list) => {
        if (!live) return
        setRuns(new Map((list ?? []).map((p) => [p.historyId, p])))
        setError(null)
      },
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [tick])

  useEvent('backup:progress', (p) => {
    setRuns((old) => {
      const next = new Map(old)
      if (isFinal(p.status)) next.delete(p.historyId)
      else next.set(p.historyId, p)
      return next
    })
  })
  useEvent('backup:status', (s) => {
    if (!isFinal(s.status) && !known.current.has(s.historyId)) {
      setTick((t) => t + 1) // a run not seen yet: ask for the full picture
      return
    }
    setRuns((old) => {
      const next = new Map(old)
      const cur = next.get(s.historyId)
      if (isFinal(s.status)) next.delete(s.historyId)
      else if (cur) next.set(s.historyId, { ...cur, status: s.status })
      return next
    })
    if (isFinal(s.status)) onFinished?.(s.historyId, s.status)
  })
  useEvent('data:changed', (d) => {
    if (d.what === 'reconnected') setTick((t) => t + 1)
  })
  return { runs, error }
}

// useQueue returns the queue's counts, kept up to date by queue:stats.
export function useQueue() {
  const [queue, setQueue] = useState<QueueStats | null>(null)
  const [error, setError] = useState<string | null>(null)
  useEffect(() => {
    api.queueStats().then(setQueue, (e: unknown) => setError(errorMessage(e)))
  }, [])
  useEvent('queue:stats', setQueue)
  return { queue, error }
}
