import { useState } from 'react'
import { api, type JobTrend, type TrendBucket, type TrendPoint } from '../api'
import { useQuery } from '../api/hooks'
import { ErrorBox } from './ErrorBox'
import { Card, Loading } from './ui'
import { bytes, count, dateTime, duration, plural } from '../lib/format'
import { href } from '../lib/route'

export const trendRanges = [30, 90, 365] as const

const W = 600
const H = 140
const PAD = { l: 6, r: 6, t: 8, b: 8 }

const statusColour: Record<string, string> = {
  SUCCESS: 'fill-emerald-600 dark:fill-emerald-400',
  PARTIAL_SUCCESS: 'fill-amber-500',
  FAILED: 'fill-red-600 dark:fill-red-400',
  CANCELLED: 'fill-slate-400',
}

// TrendCharts draws one job over the last 30, 90 or 365 days: the size
// backed up and the bytes sent by each run, how long each took, and the
// share of runs that succeeded per day or week. Every point links to its
// run, and every bar of the success rate lists its runs.
export function TrendCharts({ jobId }: { jobId: string }) {
  const [days, setDays] = useState<number>(30)
  const q = useQuery(`trend:${jobId}:${days}`, () => api.jobTrend(jobId, days), ['history'])
  return (
    <Card
      title="Over time"
      actions={
        <div role="group" aria-label="Period" className="inline-flex overflow-hidden rounded-md border border-slate-300 dark:border-slate-600">
          {trendRanges.map((d) => (
            <button
              key={d}
              type="button"
              aria-pressed={days === d}
              onClick={() => setDays(d)}
              className={`min-h-9 px-3 text-sm ${days === d ? 'bg-indigo-600 text-white' : 'bg-white text-slate-800 hover:bg-slate-50 dark:bg-slate-800 dark:text-slate-100'}`}
            >
              {d} days
            </button>
          ))}
        </div>
      }
    >
      {q.error && <ErrorBox title="Could not read this job's runs" message={q.error} onRetry={q.reload} />}
      {q.loading && !q.data && <Loading what="Loading the runs" />}
      {q.data && <Charts trend={q.data} />}
    </Card>
  )
}

function Charts({ trend }: { trend: JobTrend }) {
  const [bucket, setBucket] = useState<TrendBucket | null>(null)
  const pts = trend.points
  if (pts.length === 0) return <p className="text-sm text-slate-500 dark:text-slate-400">No finished runs in the last {trend.days} days.</p>
  const t0 = new Date(trend.since).getTime()
  const t1 = new Date(trend.buckets.length ? trend.buckets[trend.buckets.length - 1].end : trend.since).getTime() // the end of today
  const x = (t: string) => PAD.l + ((new Date(t).getTime() - t0) / Math.max(1, t1 - t0)) * (W - PAD.l - PAD.r)
  const ms = (t: string) => new Date(t).getTime()
  const runs = (b: TrendBucket) => pts.filter((p) => ms(p.startedAt) >= ms(b.start) && ms(p.startedAt) < ms(b.end))
  return (
    <div className="space-y-6">
      <div className="grid gap-6 lg:grid-cols-2">
        <PointChart
          label="Size backed up"
          points={pts}
          x={x}
          value={(p) => p.bytesScanned}
          second={(p) => p.bytesUploaded}
          secondLabel="sent"
          format={bytes}
        />
        <PointChart label="Duration" points={pts} x={x} value={(p) => p.seconds} format={duration} />
      </div>
      <RateChart buckets={trend.buckets} days={trend.days} onPick={setBucket} picked={bucket} />
      {bucket && (
        <div aria-live="polite">
          <h3 className="mb-2 text-sm font-medium">
            {bucketLabel(bucket, trend.days)}: {plural(bucket.runs, 'run')}
          </h3>
          <ul className="space-y-1 text-sm">
            {runs(bucket).map((p) => (
              <li key={p.runId}>
                <a href={href('history', p.runId)} className="text-indigo-700 underline-offset-2 hover:underline dark:text-indigo-300">
                  {dateTime(p.startedAt)}
                </a>{' '}
                <span className="text-slate-600 dark:text-slate-300">
                  {statusWord(p.status)}, {duration(p.seconds)}, {bytes(p.bytesUploaded)} sent
                </span>
              </li>
            ))}
          </ul>
        </div>
      )}
    </div>
  )
}

function statusWord(s: string): string {
  return { SUCCESS: 'succeeded', PARTIAL_SUCCESS: 'some files failed', FAILED: 'failed', CANCELLED: 'cancelled' }[s] ?? s
}

function bucketLabel(b: TrendBucket, days: number): string {
  const d = new Date(b.start)
  const day = d.toLocaleDateString(undefined, { day: 'numeric', month: 'short' })
  return days > 30 ? `Week of ${day}` : day
}

function PointChart({
  label,
  points,
  x,
  value,
  second,
  secondLabel,
  format,
}: {
  label: string
  points: TrendPoint[]
  x: (t: string) => number
  value: (p: TrendPoint) => number
  second?: (p: TrendPoint) => number
  secondLabel?: string
  format: (n: number) => string
}) {
  const values = points.map(value).concat(second ? points.map(second) : [])
  const max = Math.max(1, ...values)
  const y = (v: number) => H - PAD.b - (v / max) * (H - PAD.t - PAD.b)
  const last = points[points.length - 1]
  const line = points.map((p) => `${x(p.startedAt).toFixed(1)},${y(value(p)).toFixed(1)}`).join(' ')
  const summary = `${label} over ${plural(points.length, 'run')}: latest ${format(value(last))}, highest ${format(Math.max(...points.map(value)))}`
  return (
    <figure className="min-w-0">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
        <span>
          {label}
          {second && (
            <>
              {' '}
              <span className="text-indigo-600 dark:text-indigo-400">●</span> and {secondLabel} <span className="text-sky-500">▮</span>
            </>
          )}
        </span>
        <span className="font-medium text-slate-800 dark:text-slate-100">{format(value(last))}</span>
      </figcaption>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${W} ${H}`} className="h-36 w-full text-indigo-600 dark:text-indigo-400" preserveAspectRatio="none">
        <title>{summary}</title>
        {second &&
          points.map((p) => (
            <rect key={`s${p.runId}`} x={x(p.startedAt) - 1.5} width={3} y={y(second(p))} height={H - PAD.b - y(second(p))} className="fill-sky-500/70" />
          ))}
        {points.length > 1 && <polyline points={line} fill="none" stroke="currentColor" strokeWidth={1.5} vectorEffect="non-scaling-stroke" />}
        {points.map((p) => (
          <a key={p.runId} href={href('history', p.runId)} aria-label={`${dateTime(p.startedAt)}: ${format(value(p))}, ${statusWord(p.status)}`}>
            <title>{`${dateTime(p.startedAt)}: ${format(value(p))}${second ? `, ${format(second(p))} ${secondLabel}` : ''} (${statusWord(p.status)})`}</title>
            <circle cx={x(p.startedAt)} cy={y(value(p))} r={4} className={statusColour[p.status] ?? 'fill-current'} />
          </a>
        ))}
      </svg>
    </figure>
  )
}

function RateChart({ buckets, days, onPick, picked }: { buckets: TrendBucket[]; days: number; onPick: (b: TrendBucket) => void; picked: TrendBucket | null }) {
  const total = buckets.reduce((n, b) => n + b.runs, 0)
  const ok = buckets.reduce((n, b) => n + b.succeeded, 0)
  const bw = (W - PAD.l - PAD.r) / buckets.length
  const summary = `${total ? Math.round((ok / total) * 100) : 0}% of ${plural(total, 'run')} succeeded in the last ${days} days`
  return (
    <figure className="min-w-0">
      <figcaption className="flex flex-wrap items-baseline justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
        <span>Success rate by {days > 30 ? 'week' : 'day'} (choose a bar for its runs)</span>
        <span className="font-medium text-slate-800 dark:text-slate-100">{summary}</span>
      </figcaption>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${W} ${H}`} className="h-28 w-full" preserveAspectRatio="none">
        <title>{summary}</title>
        {buckets.map((b, i) => {
          const x0 = PAD.l + i * bw + 1
          const h = (n: number) => (b.runs ? (n / b.runs) * (H - PAD.t - PAD.b) : 0)
          const okH = h(b.succeeded)
          const partH = h(b.partial)
          const failH = h(b.failed + b.cancelled)
          const label = `${bucketLabel(b, days)}: ${b.runs ? `${b.succeeded} of ${plural(b.runs, 'run')} succeeded` : 'no runs'}`
          return (
            <g
              key={b.start}
              role="button"
              tabIndex={b.runs ? 0 : -1}
              aria-label={label}
              aria-pressed={picked?.start === b.start}
              onClick={() => b.runs && onPick(b)}
              onKeyDown={(e) => {
                if ((e.key === 'Enter' || e.key === ' ') && b.runs) {
                  e.preventDefault()
                  onPick(b)
                }
              }}
              className={b.runs ? 'cursor-pointer focus:outline-none' : ''}
            >
              <title>{label}</title>
              <rect x={x0} width={Math.max(1, bw - 2)} y={PAD.t} height={H - PAD.t - PAD.b} className={picked?.start === b.start ? 'fill-indigo-100 dark:fill-slate-700' : 'fill-transparent'} />
              {!b.runs && <rect x={x0} width={Math.max(1, bw - 2)} y={H - PAD.b - 2} height={2} className="fill-slate-300 dark:fill-slate-600" />}
              <rect x={x0} width={Math.max(1, bw - 2)} y={H - PAD.b - okH} height={okH} className="fill-emerald-600 dark:fill-emerald-400" />
              <rect x={x0} width={Math.max(1, bw - 2)} y={H - PAD.b - okH - partH} height={partH} className="fill-amber-500" />
              <rect x={x0} width={Math.max(1, bw - 2)} y={H - PAD.b - okH - partH - failH} height={failH} className="fill-red-600 dark:fill-red-400" />
            </g>
          )
        })}
      </svg>
      <p className="mt-1 text-xs text-slate-500 dark:text-slate-400">
        <span className="text-emerald-600">■</span> succeeded <span className="text-amber-500">■</span> some files failed <span className="text-red-600">■</span> failed or cancelled ·{' '}
        {count(total)} runs
      </p>
    </figure>
  )
}
