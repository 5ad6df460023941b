// Tasks: the restores, verifications and previews the window started,
// kept up to date by task:update.
import { useEffect, useState } from 'react'
import { api, errorMessage, type Task } from '../api'
import { useEvent } from '../api/hooks'

export function taskEnded(t: Task): boolean {
  return t.status !== 'RUNNING'
}

// order puts running tasks first, then the finished ones, each newest
// first, as ListTasks does.
function order(list: Task[]): Task[] {
  const at = (t: Task) => (taskEnded(t) ? t.endedAt || t.startedAt : t.startedAt) ?? ''
  return [...list].sort((a, b) => Number(taskEnded(a)) - Number(taskEnded(b)) || at(b).localeCompare(at(a)))
}

// useTasks returns the tasks running and the last ones finished. It asks
// for the list once (and after the event stream reconnected) and follows
// task:update from then on.
export function useTasks() {
  const [tasks, setTasks] = useState<Map<string, Task>>(new Map())
  const [error, setError] = useState<string | null>(null)
  const [tick, setTick] = useState(0)
  useEffect(() => {
    let live = true
    api.listTasks().then(
      (list) => {
        if (!live) return
        // An update heard while the list was on its way is newer than the list.
        setTasks((heard) => new Map([...(list ?? []).map((t): [string, Task] => [t.id, t]), ...heard]))
        setError(null)
      },
      (e: unknown) => live && setError(errorMessage(e)),
    )
    return () => {
      live = false
    }
  }, [tick])
  useEvent('task:update', (t) => setTasks((old) => new Map(old).set(t.id, t)))
  useEvent('data:changed', (d) => {
    if (d.what === 'reconnected') setTick((n) => n + 1)
  })
  return { tasks: order([...tasks.values()]), error }
}

// useTask follows one task from the moment it started (the value Start*
// returned); null until then. Updates heard before Start* answered count
// too: a short task may end before its start is known here.
export function useTask(started: Task | null): Task | null {
  const [heard, setHeard] = useState<Map<string, Task>>(new Map())
  const keep = (t: Task) => setHeard((old) => new Map(old).set(t.id, t))
  useEvent('task:update', keep)
  useEvent('data:changed', (d) => {
    if (d.what === 'reconnected' && started) api.getTask(started.id).then(keep, () => {}) // updates were lost meanwhile
  })
  if (!started) return null
  return heard.get(started.id) ?? started
}
