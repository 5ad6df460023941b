import { useState } from 'react'
import { api, type Task, type VerifyReport } from '../api'
import { useAction } from '../api/hooks'
import { count, dateTime } from '../lib/format'
import { taskEnded, useTask } from '../lib/tasks'
import { TaskProgress } from './Activity'
import { ErrorBox } from './ErrorBox'
import { Button } from './ui'

// VerifyButtons checks a version against its manifest: quickly (sizes and
// the destination's own checksums) or fully (every file read back). The
// check runs as a task: its progress shows here (and in Activity) with a
// Cancel button.
export function VerifyButtons({ jobId, version }: { jobId: string; version: string }) {
  const start = useAction((deep: boolean) => api.startVerify(jobId, version, deep, 0))
  const [started, setStarted] = useState<Task | null>(null)
  const task = useTask(started)
  const running = !!task && !taskEnded(task)
  const run = async (deep: boolean) => {
    setStarted(null)
    const r = await start.run(deep)
    if (r.ok) setStarted(r.value)
  }
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => void run(false)} busy={start.busy} disabled={running}>
          Verify quickly
        </Button>
        <Button onClick={() => void run(true)} busy={start.busy} disabled={running}>
          Verify by reading every file back
        </Button>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">A full check downloads the whole version: on a cloud destination that takes as long as a restore and may cost download fees.</p>
      {start.busy && <p role="status">Starting the check…</p>}
      {start.error && <ErrorBox title="Verification failed to run" message={start.error} />}
      {task && running && <TaskProgress task={task} />}
      {task?.status === 'FAILED' && <ErrorBox title="Verification failed to run" message={task.error ?? 'It stopped without saying why.'} />}
      {task?.status === 'CANCELLED' && <p role="status">The check was cancelled before it finished; nothing was recorded.</p>}
      {task?.status === 'SUCCESS' && task.verify && <VerifySummary r={task.verify} />}
    </div>
  )
}

export function VerifySummary({ r }: { r: VerifyReport }) {
  const ok = !r.errorMessage && r.missing === 0 && r.mismatched === 0
  return (
    <div role={ok ? 'status' : 'alert'} className={`rounded-md p-3 text-sm ${ok ? 'bg-emerald-50 text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100' : 'bg-red-50 text-red-900 dark:bg-red-950 dark:text-red-100'}`}>
      <p className="font-semibold">{ok ? 'The version is intact.' : 'The version has problems.'}</p>
      <p>
        {dateTime(r.checkedAt)}: {count(r.filesChecked)} files checked, {count(r.missing)} missing, {count(r.mismatched)} different{r.extra ? `, ${count(r.extra)} not in the manifest` : ''}.
      </p>
      {r.errorMessage && <p>{r.errorMessage}</p>}
      {!!r.notes?.length && (
        <ul className="mt-1 list-disc pl-5 text-xs" aria-label="Notes" data-testid="verify-notes">
          {r.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {!!r.problems?.length && (
        <ul className="mt-1 font-mono text-xs">
          {r.problems.map((p, i) => (
            <li key={i}>
              {p.path}: {p.reason}
            </li>
          ))}
        </ul>
      )}
    </div>
  )
}
