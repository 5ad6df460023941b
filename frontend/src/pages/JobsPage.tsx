import { useMemo, useState } from 'react'
import { api, type Job } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { ErrorBox } from '../components/ErrorBox'
import { notify } from '../components/Notices'
import { JobForm } from '../components/JobForm'
import { Badge, Button, Card, Checkbox, Empty, Loading, Modal } from '../components/ui'
import { ago, dateTime, plural } from '../lib/format'
import { href } from '../lib/route'
import { presetLabel } from '../lib/schedule'
import { ConfirmDelete } from './DestinationsPage'

// JobsPage lists the backup jobs and creates, edits, pauses and deletes them.
export default function JobsPage() {
  const jobs = useQuery('jobs', api.listJobs, ['jobs'])
  const dests = useQuery('destinations', api.listDestinations, ['destinations'])
  const [editing, setEditing] = useState<Job | null>(null)
  const [deleting, setDeleting] = useState<Job | null>(null)
  const defaults = useAction(api.newJobDefaults)
  const toggle = useAction((j: Job) => api.updateJob({ ...j, enabled: !j.enabled }))
  const run = useAction(api.runJob)
  const runNow = async (j: Job) => {
    if ((await run.run(j.id)).ok) notify(`Backup of "${j.name}" queued. Follow it on the dashboard.`, 'success')
  }
  const destName = useMemo(() => new Map((dests.data ?? []).map((d) => [d.id, d.name])), [dests.data])
  // Each distinct schedule is read once by the scheduler's own describer.
  const crons = [...new Set((jobs.data ?? []).map((j) => j.schedule))].sort()
  const readings = useQuery(`readings:${crons.join('|')}`, async () => {
    const out = new Map<string, string>()
    await Promise.all(crons.map((c) => api.describeSchedule(c, 1).then((r) => out.set(c, r.description), () => undefined)))
    return out
  })

  const startNew = async () => {
    const r = await defaults.run()
    if (r.ok) setEditing(r.value)
  }
  return (
    <div className="space-y-4">
      <div className="flex flex-wrap items-center gap-2">
        <Button variant="primary" onClick={() => void startNew()} busy={defaults.busy}>
          New job
        </Button>
        {jobs.data && <span className="text-sm text-slate-500 dark:text-slate-400">{plural(jobs.data.length, 'job')}</span>}
      </div>
      {defaults.error && <ErrorBox title="Could not start a new job" message={defaults.error} />}
      {toggle.error && <ErrorBox title="The job was not changed" message={toggle.error} />}
      {run.error && <ErrorBox title="The backup did not start" message={run.error} />}
      {jobs.error && <ErrorBox title="Could not list the jobs" message={jobs.error} onRetry={jobs.reload} />}
      {dests.error && <ErrorBox title="Could not list the destinations" message={dests.error} onRetry={dests.reload} />}
      {jobs.loading && !jobs.data && <Loading what="Loading the jobs" />}
      {jobs.data?.length === 0 && (
        <Empty>
          No backup jobs yet. A job copies one NAS folder to one destination on a schedule.{' '}
          {dests.data?.length === 0 && (
            <>
              Start by <a className="underline" href={href('destinations')}>adding a destination</a>.
            </>
          )}
        </Empty>
      )}
      {!!jobs.data?.length && (
        <Card>
          <div className="overflow-x-auto">
            <table className="reflow w-full text-left text-sm">
              <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
                <tr>
                  <th scope="col" className="py-2 pr-3">Job</th>
                  <th scope="col" className="py-2 pr-3">NAS folder → destination</th>
                  <th scope="col" className="py-2 pr-3">Schedule</th>
                  <th scope="col" className="py-2 pr-3">Last run</th>
                  <th scope="col" className="py-2 pr-3">Next run</th>
                  <th scope="col" className="py-2 pr-3"><span className="sr-only">Actions</span></th>
                </tr>
              </thead>
              <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
                {jobs.data.map((j) => (
                  <tr key={j.id} data-job={j.name}>
                    <td data-label="Job" className="py-2 pr-3 align-top">
                      <p className="font-medium">{j.name}</p>
                      {j.description && <p className="text-xs text-slate-500 dark:text-slate-400">{j.description}</p>}
                      {!j.enabled && <Badge tone="amber">Paused</Badge>}
                    </td>
                    <td data-label="NAS folder → destination" className="py-2 pr-3 align-top">
                      <span className="font-mono text-xs">/{j.sourcePath}</span> → {destName.get(j.destinationId) ?? <em>unknown destination</em>}
                    </td>
                    <td data-label="Schedule" className="py-2 pr-3 align-top">
                      {capitalize(readings.data?.get(j.schedule) || presetLabel(j.schedule))}
                      <span className="block font-mono text-xs text-slate-500 dark:text-slate-400">{j.schedule}</span>
                    </td>
                    <td data-label="Last run" className="py-2 pr-3 align-top" title={dateTime(j.lastRunAt)}>
                      {j.lastRunAt ? ago(j.lastRunAt) : 'never'}
                    </td>
                    <td data-label="Next run" className="py-2 pr-3 align-top">{j.enabled ? dateTime(j.nextRunAt) : '—'}</td>
                    <td data-actions className="py-2 align-top">
                      <div className="flex justify-end gap-1 whitespace-nowrap">
                        <Button onClick={() => void runNow(j)} aria-label={`Run ${j.name} now`}>
                          Run now
                        </Button>
                        <Button onClick={() => setEditing(j)} aria-label={`Edit ${j.name}`}>
                          Edit
                        </Button>
                        <Button onClick={() => void toggle.run(j)} aria-label={`${j.enabled ? 'Pause' : 'Resume'} ${j.name}`}>
                          {j.enabled ? 'Pause' : 'Resume'}
                        </Button>
                        <Button variant="ghost" onClick={() => setDeleting(j)} aria-label={`Delete ${j.name}`}>
                          Delete
                        </Button>
                      </div>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </div>
        </Card>
      )}
      {editing && (
        <Modal title={editing.id ? `Edit ${editing.name}` : 'New backup job'} onClose={() => setEditing(null)} wide>
          <JobForm initial={editing} destinations={dests.data ?? []} onDone={() => setEditing(null)} />
        </Modal>
      )}
      {deleting && <DeleteJob job={deleting} onClose={() => setDeleting(null)} />}
    </div>
  )
}

function capitalize(s: string): string {
  return s ? s[0].toUpperCase() + s.slice(1) : s
}

function DeleteJob({ job, onClose }: { job: Job; onClose: () => void }) {
  const [withHistory, setWithHistory] = useState(false)
  return (
    <ConfirmDelete
      title={`Delete the job "${job.name}"?`}
      text="It stops running. Versions already written stay at the destination."
      onClose={onClose}
      onConfirm={() => api.deleteJob(job.id, withHistory)}
      done={`Deleted the job "${job.name}".`}
    >
      <div className="mt-3">
        <Checkbox
          label="Also delete its history"
          checked={withHistory}
          onChange={setWithHistory}
          hint="Otherwise its past runs stay in History, marked as of a deleted job."
        />
      </div>
    </ConfirmDelete>
  )
}

