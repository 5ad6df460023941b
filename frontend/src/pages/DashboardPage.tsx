import { memo, useCallback, useMemo, useState } from 'react'
import { api, type Job, type Run } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { ErrorBox } from '../components/ErrorBox'
import { notify } from '../components/Notices'
import { ProgressCard } from '../components/ProgressCard'
import { Badge, Button, Card, Empty, Loading, StatusBadge } from '../components/ui'
import { ago, count, dateTime, elapsed, plural } from '../lib/format'
import { isFinal, useActiveRuns, useQueue } from '../lib/live'
import { href } from '../lib/route'

// recentRuns is how many of the newest runs the dashboard reads to find
// each job's last result.
const recentRuns = 100

// DashboardPage shows what needs attention first, then what runs now,
// then every job with its last result and next run.
export default function DashboardPage() {
  const jobs = useQuery('jobs', api.listJobs, ['jobs'])
  const history = useQuery('recent', () => api.listHistory({ jobId: '', status: '', limit: recentRuns, offset: 0 }), ['jobs', 'history'])
  // A failed or incomplete run is told on every page (Notices).
  const active = useActiveRuns(() => {
    history.reload()
    jobs.reload()
  })
  const { queue, error: queueError } = useQueue()
  const [cancelling, setCancelling] = useState<string | null>(null)
  const cancel = useAction(api.cancelRun)
  const run = useAction(api.runJob)

  const names = useMemo(() => new Map((jobs.data ?? []).map((j) => [j.id, j.name])), [jobs.data])
  const last = useMemo(() => {
    const m = new Map<string, Run>()
    for (const r of history.data?.items ?? []) if (isFinal(r.status) && !m.has(r.jobId)) m.set(r.jobId, r)
    return m
  }, [history.data])
  const failing = useMemo(() => [...last.values()].filter((r) => (r.status === 'FAILED' || r.status === 'PARTIAL_SUCCESS') && !r.jobDeleted), [last])
  const stale = useQuery('stale', api.staleJobs, ['jobs', 'history', 'settings'])
  const overview = useQuery('overview', api.overview, ['settings'])
  const runAll = useAction(api.runAll)
  const pause = useAction(api.pauseSchedules)
  const failingJobs = new Set(failing.map((r) => r.jobId))
  const missed = (stale.data ?? []).filter((j) => !failingJobs.has(j.jobId))
  const [showAll, setShowAll] = useState(false)
  const attention = failing.length + missed.length
  const shownFailing = showAll ? failing : failing.slice(0, 5)
  const shownMissed = showAll ? missed : missed.slice(0, Math.max(0, 5 - shownFailing.length))
  // The jobs table redraws only when which jobs run changes, not on every
  // progress event.
  const runningKey = [...new Set([...active.runs.values()].map((p) => p.jobId))].sort().join(',')

  const runNow = run.run
  const startRun = useCallback(
    async (j: Job) => {
      const r = await runNow(j.id)
      if (r.ok) notify(`Backup of "${j.name}" ${r.value.status === 'PENDING' ? 'queued' : 'started'}.`, 'success')
    },
    [runNow],
  )
  const stop = async (runId: string) => {
    setCancelling(runId)
    await cancel.run(runId)
    setCancelling(null)
  }
  return (
    <div className="space-y-6">
      {(failing.length > 0 || missed.length > 0) && (
        <section aria-labelledby="attention" className="space-y-2">
          <h2 id="attention" className="text-base font-semibold">
            Needs attention
          </h2>
          {shownFailing.map((r) => (
            <div key={r.id} role="alert" className="rounded-lg border border-red-300 bg-red-50 p-3 text-sm text-red-900 dark:border-red-700 dark:bg-red-950 dark:text-red-100">
              <a href={href('history', r.id)} className="font-semibold underline">
                {r.jobName}
              </a>
              : {r.status === 'FAILED' ? 'the last backup failed' : `the last backup missed ${plural(r.filesFailed, 'file')}`} ({ago(r.completedAt)}).{' '}
              {r.errorMessage && <span className="block">{r.errorMessage}</span>}
            </div>
          ))}
          {shownMissed.map((j) => (
            <div key={j.jobId} role="alert" className="rounded-lg border border-amber-300 bg-amber-50 p-3 text-sm text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100">
              <span className="font-semibold">{j.jobName}</span>: {j.lastSuccess ? `no successful backup since ${dateTime(j.lastSuccess)}` : 'never backed up successfully'}; overdue for {elapsed(j.since)}.
            </div>
          ))}
          {attention > 5 && (
            <Button variant="ghost" onClick={() => setShowAll((v) => !v)} aria-expanded={showAll}>
              {showAll ? 'Show fewer' : `Show all ${attention}`}
            </Button>
          )}
        </section>
      )}

      {stale.error && <ErrorBox title="Could not check for overdue backups" message={stale.error} />}
      <div className="flex flex-wrap items-center gap-2">
        <Button
          variant="primary"
          busy={runAll.busy}
          onClick={async () => {
            const r = await runAll.run()
            if (r.ok) notify(r.value.length ? `Queued ${r.value.length} backups.` : 'Every enabled job is already running.', 'success')
          }}
        >
          Run all now
        </Button>
        {overview.data && (
          <Button busy={pause.busy} onClick={() => void pause.run(!overview.data!.paused)}>
            {overview.data.paused ? 'Resume schedules' : 'Pause schedules'}
          </Button>
        )}
        {overview.data?.paused && <Badge tone="amber">Schedules are paused: nothing starts on its own</Badge>}
      </div>
      {runAll.error && <ErrorBox title="The backups did not start" message={runAll.error} />}
      {pause.error && <ErrorBox title="The schedules were not changed" message={pause.error} />}
      {active.error && <ErrorBox title="Could not read the backups in progress" message={active.error} />}
      {cancel.error && <ErrorBox title="The backup was not cancelled" message={cancel.error} />}
      {run.error && <ErrorBox title="The backup did not start" message={run.error} />}
      {active.runs.size > 0 && (
        <section aria-labelledby="running" className="space-y-3">
          <h2 id="running" className="text-base font-semibold">
            Running now
          </h2>
          <div className="grid gap-3 lg:grid-cols-2">
            {[...active.runs.values()].map((p) => (
              <ProgressCard key={p.historyId} p={p} jobName={names.get(p.jobId) ?? 'a job'} onCancel={() => void stop(p.historyId)} cancelling={cancelling === p.historyId} />
            ))}
          </div>
        </section>
      )}

      {queueError && <ErrorBox title="Could not read the queue" message={queueError} />}
      {queue && (
        <dl aria-label="Queue" className="grid grid-cols-2 gap-3 sm:grid-cols-4" data-testid="queue">
          {(
            [
              ['Waiting', queue.waiting],
              ['Running', queue.active],
              ['Finished', queue.completed],
              ['Failed', queue.failed],
            ] as const
          ).map(([k, v]) => (
            <div key={k} className="rounded-xl border border-slate-200 bg-white p-3 dark:border-slate-700 dark:bg-slate-800">
              <dt className="text-xs text-slate-500 dark:text-slate-400">{k}</dt>
              <dd className="text-xl font-semibold tabular-nums">{count(v)}</dd>
            </div>
          ))}
        </dl>
      )}

      <Card title="Jobs">
        {jobs.error && <ErrorBox title="Could not list the jobs" message={jobs.error} onRetry={jobs.reload} />}
        {history.error && <ErrorBox title="Could not read the recent runs" message={history.error} onRetry={history.reload} />}
        {jobs.loading && !jobs.data && <Loading what="Loading the jobs" />}
        {jobs.data?.length === 0 && (
          <Empty>
            Nothing is backed up yet. <a className="underline" href={href('jobs')}>Create a job</a> to copy a NAS folder to a destination on a schedule.
          </Empty>
        )}
        {!!jobs.data?.length && <JobTable jobs={jobs.data} last={last} running={runningKey} onRun={startRun} />}
      </Card>
    </div>
  )
}

// JobTable lists every job with its last result and next run.
const JobTable = memo(function JobTable({ jobs, last, running: runningKey, onRun }: { jobs: Job[]; last: Map<string, Run>; running: string; onRun: (j: Job) => void }) {
  const running = useMemo(() => new Set(runningKey.split(',')), [runningKey])
  return (
    <div className="overflow-x-auto">
      <table className="reflow w-full text-left text-sm" data-testid="dashboard-jobs">
        <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
          <tr>
            <th scope="col" className="py-2 pr-3">Job</th>
            <th scope="col" className="py-2 pr-3">Last result</th>
            <th scope="col" className="py-2 pr-3">Last run</th>
            <th scope="col" className="py-2 pr-3">Next run</th>
            <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
          </tr>
        </thead>
        <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
          {jobs.map((j) => {
            const r = last.get(j.id)
            return (
              <tr key={j.id}>
                <td data-label="Job" className="py-2 pr-3 font-medium">{j.name}</td>
                <td data-label="Last result" className="py-2 pr-3">
                  {running.has(j.id) ? <Badge>Running</Badge> : r ? <a href={href('history', r.id)}><StatusBadge status={r.status} /></a> : j.lastRunAt ? <span className="text-slate-500">see History</span> : <span className="text-slate-500">never run</span>}
                </td>
                <td data-label="Last run" className="py-2 pr-3" title={dateTime(j.lastRunAt)}>
                  {j.lastRunAt ? ago(j.lastRunAt) : '—'}
                </td>
                <td data-label="Next run" className="py-2 pr-3">{j.enabled ? dateTime(j.nextRunAt) : <Badge tone="amber">Paused</Badge>}</td>
                <td data-actions className="py-2 text-right">
                  <Button onClick={() => void onRun(j)} disabled={running.has(j.id)} aria-label={`Run ${j.name} now`}>
                    Run now
                  </Button>
                </td>
              </tr>
            )
          })}
        </tbody>
      </table>
    </div>
  )
})
