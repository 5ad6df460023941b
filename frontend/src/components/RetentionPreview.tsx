import { useEffect, useRef, useState } from 'react'
import { api, errorMessage, type Job, type RetentionPreview as Preview } from '../api'
import { bytes, dateTime, plural } from '../lib/format'
import { ErrorBox } from './ErrorBox'
import { Badge, Empty, Loading } from './ui'

// previewDelay is how long the policy must stay unchanged before the
// versions are asked for again: typing "30" asks once, not twice.
export const previewDelay = 400

// RetentionPreview shows which of a job's existing versions the retention
// policy being edited would keep or delete, the way a run decides after
// its next successful backup. It asks the Go side again, after a pause,
// whenever the policy or the destination changes.
export function RetentionPreview({ job }: { job: Job }) {
  const key = JSON.stringify([job.id, job.destinationId, job.retentionType, job.retentionCount, job.retentionDays])
  const [state, setState] = useState<{ key: string; preview?: Preview; error?: string } | null>(null)
  const latest = useRef(job)
  useEffect(() => {
    latest.current = job
  })
  const saved = !!job.id
  useEffect(() => {
    if (!saved) return
    let live = true
    const timer = setTimeout(() => {
      api.previewRetention(latest.current).then(
        (preview) => live && setState({ key, preview }),
        (e: unknown) => live && setState({ key, error: errorMessage(e) }),
      )
    }, previewDelay)
    return () => {
      live = false
      clearTimeout(timer)
    }
  }, [key, saved])

  if (!saved) return <Empty>A new job has no versions yet. Once it has run, this lists which of its versions the rule keeps and which it deletes.</Empty>
  // While a changed policy is checked, the last answer stays, dimmed.
  const stale = state !== null && state.key !== key
  return (
    <div className="space-y-2" data-testid="retention-preview" aria-busy={stale || state === null}>
      <h3 className="text-sm font-medium text-slate-700 dark:text-slate-200">What this rule would do with the existing versions</h3>
      {(state === null || stale) && <Loading what={state === null ? 'Checking the versions at the destination' : 'Updating'} />}
      <div className={stale ? 'opacity-60' : undefined}>
        {state?.error && <ErrorBox title="Could not preview the versions" message={state.error} />}
        {state?.preview && <VerdictTable preview={state.preview} />}
      </div>
    </div>
  )
}

function VerdictTable({ preview }: { preview: Preview }) {
  const versions = preview.versions ?? []
  if (versions.length === 0) return <Empty>This job has no versions at its destination yet.</Empty>
  return (
    <>
      <p className="text-sm" data-testid="retention-summary">
        {preview.deleted > 0 ? (
          <>
            Keeps <strong>{plural(preview.kept, 'version')}</strong> and deletes <strong>{plural(preview.deleted, 'version')}</strong> (frees{' '}
            <strong>{bytes(preview.frees ?? 0)}</strong>) after the next successful backup; nothing is deleted before then.
          </>
        ) : preview.kept === 1 ? (
          'Keeps the only version.'
        ) : (
          <>
            Keeps all <strong>{plural(preview.kept, 'version')}</strong>.
          </>
        )}
      </p>
      <div className="max-h-72 overflow-y-auto rounded-md border border-slate-200 dark:border-slate-700">
        <table className="reflow w-full text-left text-sm">
          <caption className="sr-only">Versions and what the rule does with each</caption>
          <thead className="sticky top-0 bg-slate-50 text-xs uppercase text-slate-500 dark:bg-slate-900 dark:text-slate-400">
            <tr>
              <th scope="col" className="px-3 py-2">Version</th>
              <th scope="col" className="px-3 py-2">Made</th>
              <th scope="col" className="px-3 py-2 text-right">Size</th>
              <th scope="col" className="px-3 py-2">Verdict</th>
              <th scope="col" className="px-3 py-2">Why</th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
            {versions.map((v) => (
              <tr key={v.name} data-version={v.name} data-keep={v.keep}>
                <td data-label="Version" className="px-3 py-1.5 font-mono text-xs">{v.name}</td>
                <td data-label="Made" className="whitespace-nowrap px-3 py-1.5">{dateTime(v.created)}</td>
                <td data-label="Size" className="whitespace-nowrap px-3 py-1.5 text-right">
                  {bytes(v.bytes)}
                  {v.files > 0 && <span className="block text-xs text-slate-500 dark:text-slate-400">{plural(v.files, 'file')}</span>}
                </td>
                <td data-label="Verdict" className="px-3 py-1.5">
                  {v.keep ? (
                    <Badge tone="green">Kept</Badge>
                  ) : (
                    <>
                      <Badge tone="red">Deleted</Badge>
                      <span className="block whitespace-nowrap text-xs text-slate-500 dark:text-slate-400">frees {bytes(v.frees ?? 0)}</span>
                    </>
                  )}
                </td>
                <td data-label="Why" className="px-3 py-1.5 text-slate-600 dark:text-slate-300">{v.reason}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </div>
    </>
  )
}
