import { useEffect, useState } from 'react'
import { api, errorMessage, type ScheduleInfo } from '../api'
import { dateTime } from '../lib/format'

// ScheduleReading reads a cron expression for people, as the scheduler
// understands it, with its next three runs. It asks the Go side a moment
// after typing stops.
export function ScheduleReading({ expr }: { expr: string }) {
  const [info, setInfo] = useState<{ expr: string; ok?: ScheduleInfo; error?: string } | null>(null)
  useEffect(() => {
    let live = true
    const t = setTimeout(() => {
      api.describeSchedule(expr, 3).then(
        (ok) => live && setInfo({ expr, ok }),
        (e: unknown) => live && setInfo({ expr, error: errorMessage(e) }),
      )
    }, 250)
    return () => {
      live = false
      clearTimeout(t)
    }
  }, [expr])
  if (!info || info.expr !== expr) return <p className="text-xs text-slate-500 dark:text-slate-400">Reading the schedule…</p>
  if (info.error)
    return (
      <p role="alert" className="text-xs text-red-700 dark:text-red-300">
        {info.error}
      </p>
    )
  return (
    <div className="text-xs text-slate-600 dark:text-slate-300" aria-live="polite" data-testid="schedule-reading">
      <p className="font-medium">Runs {info.ok!.description}.</p>
      {!!info.ok!.next?.length && <p>Next: {info.ok!.next.map((t) => dateTime(t)).join(' · ')}</p>}
    </div>
  )
}
