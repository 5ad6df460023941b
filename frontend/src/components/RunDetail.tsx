import type { ReactNode } from 'react'
import { api, type Run } from '../api'
import { useQuery } from '../api/hooks'
import { bytes, count, dateTime, duration, runSeconds } from '../lib/format'
import { href } from '../lib/route'
import { ErrorBox } from './ErrorBox'
import { Loading, StatusBadge } from './ui'
import { VerifyButtons } from './VerifyButtons'

const triggerText: Record<string, string> = {
  schedule: 'its schedule',
  catchup: 'catching up on a missed schedule',
  manual: 'Run now',
  tray: 'the tray menu',
  cli: 'the command line',
}

// RunDetail shows everything known about one run.
export function RunDetail({ id }: { id: string }) {
  const q = useQuery(`run:${id}`, () => api.getRun(id), ['history'])
  if (q.error) return <ErrorBox title="Could not read this run" message={q.error} onRetry={q.reload} />
  if (!q.data) return <Loading />
  return <RunFacts run={q.data} />
}

export function RunFacts({ run: r }: { run: Run }) {
  const facts: [string, ReactNode][] = [
    ['Job', `${r.jobName}${r.jobDeleted ? ' (deleted)' : ''}`],
    ['Result', <StatusBadge key="s" status={r.status} />],
    ['Started by', triggerText[r.trigger] ?? r.trigger],
    ['Started', dateTime(r.startedAt)],
    ['Finished', r.completedAt ? `${dateTime(r.completedAt)} (took ${duration(runSeconds(r.startedAt, r.completedAt))})` : 'still running'],
    ['Version', r.remotePath ? <code key="p" className="break-all">{r.remotePath}</code> : '—'],
    ['Files', `${count(r.filesScanned)} found · ${count(r.filesUploaded)} uploaded · ${count(r.filesCopied)} copied unchanged · ${count(r.filesSkipped)} skipped · ${count(r.filesFailed)} failed`],
    ['Size', `${bytes(r.bytesScanned)} in all · ${bytes(r.bytesUploaded)} uploaded · ${bytes(r.bytesCopied)} copied`],
  ]
  return (
    <div className="space-y-4">
      {r.errorMessage && (
        <ErrorBox
          title={r.status === 'SUCCESS' || r.status === 'PARTIAL_SUCCESS' ? 'The backup is complete, but' : 'Why it failed'}
          message={r.errorMessage}
        />
      )}
      <dl className="grid grid-cols-[9rem_1fr] gap-x-4 gap-y-2 text-sm">
        {facts.map(([k, v]) => (
          <div key={k} className="contents">
            <dt className="font-medium text-slate-500 dark:text-slate-400">{k}</dt>
            <dd>{v}</dd>
          </div>
        ))}
      </dl>
      {!!r.notes?.length && (
        <section>
          <h3 className="mb-2 text-sm font-semibold">Notes</h3>
          <ul className="list-disc space-y-1 pl-5 text-sm" data-testid="run-notes">
            {r.notes.map((n, i) => (
              <li key={i}>{n}</li>
            ))}
          </ul>
        </section>
      )}
      {!!r.failures?.length && (
        <section>
          <h3 className="mb-2 text-sm font-semibold">
            Files that were not backed up{r.filesFailed > r.failures.length ? ` (first ${r.failures.length} of ${count(r.filesFailed)})` : ''}
          </h3>
          <ul className="max-h-64 divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200 text-sm dark:divide-slate-700 dark:border-slate-700">
            {r.failures.map((f, i) => (
              <li key={i} className="p-2">
                <code className="break-all">{f.path}</code>
                <p className="text-red-700 dark:text-red-300">{f.reason}</p>
              </li>
            ))}
          </ul>
        </section>
      )}
      {r.remotePath && (r.status === 'SUCCESS' || r.status === 'PARTIAL_SUCCESS') && !r.jobDeleted && (
        <section>
          <h3 className="mb-2 text-sm font-semibold">Check this version</h3>
          <VerifyButtons jobId={r.jobId} version={r.remotePath} />
          <p className="mt-3 text-sm">
            <a href={href('restore', `${r.jobId}/${r.remotePath}`)} className="font-medium text-indigo-700 underline dark:text-indigo-300">
              Restore files from this version
            </a>
          </p>
        </section>
      )}
      {r.verify && (
        <section>
          <h3 className="mb-2 text-sm font-semibold">Last verification ({r.verify.mode === 'full' ? 'read back every file' : 'sizes and checksums'})</h3>
          <p className="text-sm">
            {dateTime(r.verify.checkedAt)}: {count(r.verify.filesChecked)} files checked, {count(r.verify.missing)} missing, {count(r.verify.mismatched)} different.
          </p>
          {r.verify.errorMessage && <ErrorBox title="Verification could not finish" message={r.verify.errorMessage} />}
          {!!r.verify.notes?.length && (
            <ul className="mt-2 list-disc space-y-1 pl-5 text-sm" aria-label="Verification notes">
              {r.verify.notes.map((n, i) => (
                <li key={i}>{n}</li>
              ))}
            </ul>
          )}
          {!!r.verify.problems?.length && (
            <ul className="mt-2 text-sm">
              {r.verify.problems.map((p, i) => (
                <li key={i}>
                  <code className="break-all">{p.path}</code>: {p.reason}
                </li>
              ))}
            </ul>
          )}
        </section>
      )}
    </div>
  )
}
