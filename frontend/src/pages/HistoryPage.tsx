import { useMemo, useState } from 'react'
import { api, runStatuses, type HistoryFilter, type Run } from '../api'
import { useEvent, useQuery } from '../api/hooks'
import { isFinal } from '../lib/live'
import { ErrorBox } from '../components/ErrorBox'
import { RunDetail } from '../components/RunDetail'
import { Sparkline } from '../components/Sparkline'
import { TrendCharts } from '../components/TrendCharts'
import { Button, Card, Empty, Field, inputClass, Loading, Modal, StatusBadge, statusLabel } from '../components/ui'
import { bytes, count, dateTime, duration, runSeconds } from '../lib/format'
import { href, navigate } from '../lib/route'
import type { PageProps } from '.'

const pageSize = 20

// HistoryPage lists past runs with filters and pages, a chart per job, and
// the details of one run.
export default function HistoryPage({ arg }: PageProps) {
  const [filter, setFilter] = useState<HistoryFilter>({ jobId: '', status: '', limit: pageSize, offset: 0 })
  const jobs = useQuery('jobs', api.listJobs, ['jobs'])
  const page = useQuery(`history:${JSON.stringify(filter)}`, () => api.listHistory(filter), ['jobs', 'history'])
  useEvent('backup:status', (s) => {
    if (isFinal(s.status)) page.reload()
  })
  const set = (patch: Partial<HistoryFilter>) => setFilter((f) => ({ ...f, offset: 0, ...patch }))

  const total = page.data?.total ?? 0
  const offset = filter.offset ?? 0
  const from = total ? offset + 1 : 0
  const to = Math.min(offset + pageSize, total)
  return (
    <div className="space-y-4">
      <Card>
        <div className="flex flex-wrap items-end gap-4">
          <Field label="Job" className="w-64">
            {(p) => (
              <select {...p} value={filter.jobId} onChange={(e) => set({ jobId: e.target.value })} className={inputClass}>
                <option value="">All jobs</option>
                {(jobs.data ?? []).map((j) => (
                  <option key={j.id} value={j.id}>
                    {j.name}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <Field label="Result" className="w-56">
            {(p) => (
              <select {...p} value={filter.status} onChange={(e) => set({ status: e.target.value })} className={inputClass}>
                <option value="">Any</option>
                {runStatuses.map((s) => (
                  <option key={s} value={s}>
                    {statusLabel[s]}
                  </option>
                ))}
              </select>
            )}
          </Field>
          <p className="ml-auto text-sm text-slate-500 dark:text-slate-400" aria-live="polite" data-testid="history-range">
            {page.data ? (total ? `${count(from)}–${count(to)} of ${count(total)} runs` : 'No runs') : ''}
          </p>
        </div>
      </Card>
      {filter.jobId && <JobCharts jobId={filter.jobId} />}
      {filter.jobId && <TrendCharts jobId={filter.jobId} />}
      {jobs.error && <ErrorBox title="Could not list the jobs" message={jobs.error} onRetry={jobs.reload} />}
      {page.error && <ErrorBox title="Could not read the history" message={page.error} onRetry={page.reload} />}
      {page.loading && !page.data && <Loading what="Loading the history" />}
      {page.data?.items.length === 0 && <Empty>{filter.jobId || filter.status ? 'No runs match these filters.' : 'No backups have run yet. Runs appear here as soon as a job starts.'}</Empty>}
      {!!page.data?.items.length && (
        <Card>
          <RunTable runs={page.data.items} />
          <nav aria-label="Pages" className="mt-4 flex items-center gap-2">
            <Button disabled={offset === 0} onClick={() => setFilter((f) => ({ ...f, offset: Math.max(0, offset - pageSize) }))}>
              ← Newer
            </Button>
            <Button disabled={to >= total} onClick={() => setFilter((f) => ({ ...f, offset: offset + pageSize }))}>
              Older →
            </Button>
            <span className="text-sm text-slate-500 dark:text-slate-400">
              Page {count(Math.floor(offset / pageSize) + 1)} of {count(Math.max(1, Math.ceil(total / pageSize)))}
            </span>
          </nav>
        </Card>
      )}
      {arg && (
        <Modal title="Backup run" onClose={() => navigate('history')} wide>
          <RunDetail id={arg} />
        </Modal>
      )}
    </div>
  )
}

export function RunTable({ runs }: { runs: Run[] }) {
  return (
    <div className="overflow-x-auto">
      <table className="reflow w-full text-left text-sm">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3">Started</th>
            <th scope="col" className="py-2 pr-3">Job</th>
            <th scope="col" className="py-2 pr-3">Result</th>
            <th scope="col" className="py-2 pr-3">Took</th>
            <th scope="col" className="py-2 pr-3 text-right">Files</th>
            <th scope="col" className="py-2 pr-3 text-right">Size</th>
            <th scope="col" className="py-2 pr-3 text-right">Sent</th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
          {runs.map((r) => (
            <tr key={r.id} data-run={r.id}>
              <td data-label="Started" className="py-2 pr-3">
                <a href={href('history', r.id)} className="text-indigo-700 underline-offset-2 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300">
                  {dateTime(r.startedAt)}
                </a>
              </td>
              <td data-label="Job" className="py-2 pr-3">
                {r.jobName}
                {r.jobDeleted && <span className="text-xs text-slate-500"> (deleted)</span>}
              </td>
              <td data-label="Result" className="py-2 pr-3">
                <StatusBadge status={r.status} />
                {r.filesFailed > 0 && <span className="ml-1 text-xs text-red-700 dark:text-red-300">{count(r.filesFailed)} failed</span>}
              </td>
              <td data-label="Took" className="py-2 pr-3">{r.completedAt ? duration(runSeconds(r.startedAt, r.completedAt)) : 'running'}</td>
              <td data-label="Files" className="py-2 pr-3 text-right tabular-nums">{count(r.filesScanned)}</td>
              <td data-label="Size" className="py-2 pr-3 text-right tabular-nums">{bytes(r.bytesScanned)}</td>
              <td data-label="Sent" className="py-2 pr-3 text-right tabular-nums">{bytes(r.bytesUploaded)}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </div>
  )
}

// JobCharts shows one job's recent runs: size, files and duration.
function JobCharts({ jobId }: { jobId: string }) {
  const q = useQuery(`charts:${jobId}`, () => api.listHistory({ jobId, limit: 30, offset: 0, status: '' }), ['history'])
  const runs = useMemo(() => (q.data?.items ?? []).filter((r) => r.completedAt && r.status !== 'CANCELLED').reverse(), [q.data])
  if (q.error) return <ErrorBox title="Could not read this job's recent runs" message={q.error} />
  if (runs.length < 2) return null
  return (
    <Card title={`Last ${runs.length} runs`}>
      <div className="grid gap-6 sm:grid-cols-3">
        <Sparkline label="Size" values={runs.map((r) => r.bytesScanned)} format={bytes} />
        <Sparkline label="Files" values={runs.map((r) => r.filesScanned)} format={count} />
        <Sparkline label="Duration" values={runs.map((r) => runSeconds(r.startedAt, r.completedAt))} format={duration} />
      </div>
    </Card>
  )
}
