// Activity shows the restores, verifications and previews under way, with
// how far each got and a Cancel button, and the ones that finished last.
// The shell shows it above every page, so a task started on one page can
// be followed and cancelled from any other.
import { useState } from 'react'
import { api, type Task } from '../api'
import { useAction } from '../api/hooks'
import { bytes, count, duration } from '../lib/format'
import { taskEnded, useTasks } from '../lib/tasks'
import { Button, ProgressBar, StatusBadge } from './ui'

export function Activity() {
  const { tasks } = useTasks()
  const [cleared, setCleared] = useState<Set<string>>(new Set())
  const running = tasks.filter((t) => !taskEnded(t))
  const finished = tasks.filter((t) => taskEnded(t) && !cleared.has(t.id))
  if (running.length === 0 && finished.length === 0) return null
  return (
    <section aria-label="Activity" className="mb-6 rounded-xl border border-sky-200 bg-white p-4 shadow-sm dark:border-sky-800 dark:bg-slate-800">
      <h2 className="mb-2 text-sm font-semibold">
        Activity{running.length > 0 && <span className="font-normal text-slate-500 dark:text-slate-400"> · {running.length} running</span>}
      </h2>
      {running.length > 0 && (
        <ul className="space-y-3">
          {running.map((t) => (
            <li key={t.id}>
              <TaskProgress task={t} />
            </li>
          ))}
        </ul>
      )}
      {finished.length > 0 && (
        <details className={running.length > 0 ? 'mt-3' : ''}>
          <summary className="cursor-pointer text-sm text-slate-600 dark:text-slate-300">Recently finished ({finished.length})</summary>
          <ul className="mt-2 space-y-2">
            {finished.map((t) => (
              <li key={t.id}>
                <TaskProgress task={t} />
              </li>
            ))}
          </ul>
          <Button variant="ghost" className="mt-2" onClick={() => setCleared(new Set([...cleared, ...finished.map((t) => t.id)]))}>
            Clear finished
          </Button>
        </details>
      )}
    </section>
  )
}

// TaskProgress shows one task: what it does, how far it got of how much,
// the time left, and Cancel while it runs; once it ended, how it ended.
export function TaskProgress({ task }: { task: Task }) {
  const cancel = useAction(() => api.cancelTask(task.id))
  const running = !taskEnded(task)
  const byBytes = task.bytesTotal > 0
  return (
    <div role="group" aria-label={task.title} data-task={task.id} className="space-y-1.5">
      <div className="flex items-center gap-2">
        <p className="min-w-0 flex-1 truncate text-sm font-medium" title={task.title}>
          {task.title}
        </p>
        <span aria-live="polite">
          <StatusBadge status={task.status} />
        </span>
        {running && (
          <Button onClick={() => void cancel.run()} busy={cancel.busy} aria-label={`Cancel: ${task.title}`}>
            Cancel
          </Button>
        )}
      </div>
      {running && (
        <ProgressBar value={byBytes ? task.bytesDone : task.filesDone} max={byBytes ? task.bytesTotal : task.filesTotal} label={`Progress: ${task.title}`} />
      )}
      <p className="text-xs tabular-nums text-slate-500 dark:text-slate-400">{taskCounts(task)}</p>
      {running && task.currentFile && (
        <p className="truncate font-mono text-xs text-slate-500 dark:text-slate-400" title={task.currentFile}>
          {task.currentFile}
        </p>
      )}
      {task.error && <p className="text-xs text-red-700 dark:text-red-300">{task.error}</p>}
      {cancel.error && <p className="text-xs text-red-700 dark:text-red-300">Could not cancel: {cancel.error}</p>}
    </div>
  )
}

// taskCounts says how much of a task is done, in words: files, data and
// the time left. A preview has no totals: it counts what it finds.
export function taskCounts(t: Task): string {
  const files = t.filesTotal > 0 ? `${count(t.filesDone)} of ${count(t.filesTotal)} files` : `${count(t.filesDone)} files`
  const data = t.bytesTotal > 0 ? `${bytes(t.bytesDone)} of ${bytes(t.bytesTotal)}` : bytes(t.bytesDone)
  let left = ''
  if (!taskEnded(t) && t.etaSeconds >= 0) left = ` · about ${duration(t.etaSeconds)} left`
  else if (!taskEnded(t) && t.filesTotal > 0) left = ' · working out the time left'
  return `${files} · ${data}${left}`
}
