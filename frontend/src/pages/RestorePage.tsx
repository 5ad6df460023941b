import { useEffect, useState, type FormEvent } from 'react'
import { api, type Task, type TreeEntry, type Usage, type VersionInfo, type VersionUsage } from '../api'
import { useAction, useQuery } from '../api/hooks'
import { FileIcon, FolderIcon } from '../components/icons'
import { TaskProgress } from '../components/Activity'
import { ErrorBox } from '../components/ErrorBox'
import { VerifyButtons } from '../components/VerifyButtons'
import { Button, Card, Checkbox, Empty, Field, inputClass, Loading, Modal } from '../components/ui'
import { bytes, count, dateTime, plural } from '../lib/format'
import { keptAs } from '../lib/layout'
import { useTask } from '../lib/tasks'
import type { PageProps } from '.'

// RestorePage brings files back: pick a job, one of its versions, a file
// or folder in it, and a folder to restore into.
export default function RestorePage({ arg }: PageProps) {
  // "#/restore/<job id>/<version>" opens that version (from a run's details).
  const [argJob, argVersion] = arg.split(/\/(.*)/s)
  const jobs = useQuery('jobs', api.listJobs, ['jobs'])
  const [jobId, setJobId] = useState(argJob ?? '')
  const [version, setVersion] = useState<VersionInfo | null>(null)
  const [wanted, setWanted] = useState(argVersion ?? '')
  return (
    <div className="max-w-5xl space-y-4">
      <Card>
        {jobs.error && <ErrorBox title="Could not list the jobs" message={jobs.error} onRetry={jobs.reload} />}
        <Field label="Job" className="max-w-sm">
          {(p) => (
            <select
              {...p}
              value={jobId}
              onChange={(e) => {
                setJobId(e.target.value)
                setVersion(null)
              }}
              className={inputClass}
            >
              <option value="">Choose the job to restore from…</option>
              {(jobs.data ?? []).map((j) => (
                <option key={j.id} value={j.id}>
                  {j.name}
                </option>
              ))}
            </select>
          )}
        </Field>
      </Card>
      {jobId && !version && (
        <Versions
          jobId={jobId}
          wanted={wanted}
          onPick={(v) => {
            setWanted('')
            setVersion(v)
          }}
        />
      )}
      {jobId && version && <Browser jobId={jobId} version={version} onBack={() => setVersion(null)} />}
    </div>
  )
}

function Versions({ jobId, wanted, onPick }: { jobId: string; wanted: string; onPick: (v: VersionInfo) => void }) {
  const q = useQuery(`versions:${jobId}`, () => api.listVersions(jobId), ['history'])
  // What each version holds alone is worked out apart: it reads more at the
  // destination, and the versions stay usable when it fails.
  const usage = useQuery(`usage:${jobId}`, () => api.jobStorage(jobId), ['history'])
  const held = new Map((usage.data?.versions ?? []).map((u) => [u.name, u]))
  const match = wanted ? q.data?.find((v) => v.name === wanted) : undefined
  useEffect(() => {
    if (match) onPick(match)
  }, [match, onPick])
  return (
    <Card title="Versions">
      {q.error && <ErrorBox title="Could not list the versions at the destination" message={q.error} onRetry={q.reload} />}
      {q.loading && <Loading what="Asking the destination for the versions" />}
      {q.data?.length === 0 && <Empty>This job has no complete versions at its destination yet.</Empty>}
      {wanted && q.data && !match && (
        <p role="status" className="mb-2 text-sm text-amber-800 dark:text-amber-200">
          The version {wanted} is no longer at the destination (retention may have removed it). Pick another.
        </p>
      )}
      {!!q.data?.length && (
        <>
          <StoredNote usage={usage.data} loading={usage.loading} error={usage.error} versions={q.data.length} />
          <ul className="divide-y divide-slate-200 dark:divide-slate-700">
            {q.data.map((v) => (
              <li key={v.name} className="flex flex-wrap items-center gap-3 py-2">
                <div className="flex-1">
                  <p className="font-mono text-sm">{v.name}</p>
                  <p className="text-xs text-slate-500 dark:text-slate-400">
                    {dateTime(v.created)} · {plural(v.files, 'file')} · {bytes(v.bytes)}
                  </p>
                  <HeldAlone usage={held.get(v.name)} />
                </div>
                <Button onClick={() => onPick(v)} aria-label={`Open ${v.name}`}>
                  Open
                </Button>
              </li>
            ))}
          </ul>
        </>
      )}
    </Card>
  )
}

// StoredNote says what the job keeps at its destination in all, or why
// that is not known.
function StoredNote({ usage, loading, error, versions }: { usage?: Usage; loading: boolean; error: string | null; versions: number }) {
  const muted = 'mb-2 text-xs text-slate-500 dark:text-slate-400'
  if (error) return <p className={muted}>The space each version takes could not be worked out: {error}</p>
  if (!usage) return loading ? <p className={muted}>Working out the space each version takes…</p> : null
  return (
    <p className="mb-2 text-sm" data-testid="job-stored">
      Stored at the destination: <strong>{bytes(usage.stored)}</strong> for {plural(versions, 'version')}.
    </p>
  )
}

// HeldAlone is what deleting one version alone would free, and how it is kept.
function HeldAlone({ usage }: { usage?: VersionUsage }) {
  if (!usage) return null
  return (
    <p className="text-xs text-slate-500 dark:text-slate-400">
      {bytes(usage.only)} only in it · kept as {keptAs(usage.layout)}
    </p>
  )
}

function Browser({ jobId, version, onBack }: { jobId: string; version: VersionInfo; onBack: () => void }) {
  const [dir, setDir] = useState('')
  const [target, setTarget] = useState<TreeEntry | 'all' | null>(null)
  const q = useQuery(`tree:${jobId}:${version.name}:${dir}`, () => api.listVersionFiles(jobId, version.name, dir))
  const parts = dir.split('/').filter(Boolean)
  return (
    <Card
      title={<span className="font-mono">{version.name}</span>}
      actions={
        <>
          <Button onClick={onBack}>← Versions</Button>
          <Button variant="primary" onClick={() => setTarget('all')}>
            Restore everything…
          </Button>
        </>
      }
    >
      <nav aria-label="Folder in the version" className="mb-2 flex flex-wrap items-center gap-1 text-sm">
        <Button variant="ghost" onClick={() => setDir('')}>
          All files
        </Button>
        {parts.map((p, i) => (
          <span key={i} className="flex items-center gap-1">
            <span aria-hidden>/</span>
            <Button variant="ghost" onClick={() => setDir(parts.slice(0, i + 1).join('/'))}>
              {p}
            </Button>
          </span>
        ))}
      </nav>
      {q.error && <ErrorBox title="Could not read the version's file list" message={q.error} onRetry={q.reload} />}
      {q.loading && <Loading what="Reading the file list" />}
      {q.data?.length === 0 && <Empty>This folder is empty.</Empty>}
      {!!q.data?.length && (
        <table className="reflow w-full text-left text-sm">
          <thead className="text-xs uppercase text-slate-500 dark:text-slate-400">
            <tr>
              <th scope="col" className="py-2 pr-3">Name</th>
              <th scope="col" className="py-2 pr-3 text-right">Size</th>
              <th scope="col" className="py-2 pr-3">Modified</th>
              <th scope="col" className="py-2"><span className="sr-only">Actions</span></th>
            </tr>
          </thead>
          <tbody className="divide-y divide-slate-200 dark:divide-slate-700">
            {q.data.map((e) => (
              <tr key={e.path}>
                <td data-label="Name" className="py-1.5 pr-3">
                  {e.type === 'directory' ? (
                    <button type="button" onClick={() => setDir(e.path.replace(/^\/+/, ''))} className="text-indigo-700 hover:underline focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500 dark:text-indigo-300">
                      <FolderIcon /> {e.name}
                    </button>
                  ) : (
                    <span><FileIcon /> {e.name}</span>
                  )}
                </td>
                <td data-label="Size" className="py-1.5 pr-3 text-right tabular-nums">
                  {bytes(e.size)}
                  {e.type === 'directory' && e.files ? <span className="text-xs text-slate-500"> · {count(e.files)} files</span> : null}
                </td>
                <td data-label="Modified" className="py-1.5 pr-3">{e.type === 'file' ? dateTime(e.modified) : ''}</td>
                <td data-actions className="py-1.5 text-right">
                  <Button onClick={() => setTarget(e)} aria-label={`Restore ${e.name}`}>
                    Restore…
                  </Button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <div className="mt-6 border-t border-slate-200 pt-4 dark:border-slate-700">
        <h3 className="mb-2 text-sm font-semibold">Check this version</h3>
        <VerifyButtons jobId={jobId} version={version.name} />
      </div>
      {target && <RestoreDialog jobId={jobId} version={version.name} entry={target === 'all' ? null : target} onClose={() => setTarget(null)} />}
    </Card>
  )
}

function RestoreDialog({ jobId, version, entry, onClose }: { jobId: string; version: string; entry: TreeEntry | null; onClose: () => void }) {
  const [toDir, setToDir] = useState('')
  const [overwrite, setOverwrite] = useState(false)
  const [intoSource, setIntoSource] = useState(false)
  const start = useAction(api.startRestore)
  const [started, setStarted] = useState<Task | null>(null)
  const task = useTask(started)
  const what = entry ? `"${entry.name}"` : 'the whole version'
  const submit = async (e: FormEvent) => {
    e.preventDefault()
    const r = await start.run({ jobId, version, path: entry ? entry.path.replace(/^\/+/, '') : '', toDir, overwrite, intoSource })
    if (r.ok) setStarted(r.value)
  }
  return (
    <Modal title={`Restore ${what}`} onClose={onClose}>
      {task ? (
        <RestoreOutcome task={task} toDir={toDir} onClose={onClose} />
      ) : (
        <form onSubmit={submit} className="space-y-4" aria-label="Restore">
          <Field label="Restore into" hint="An absolute folder on this computer, e.g. /home/ana/Restored. It is created when missing.">
            {(p) => <input {...p} value={toDir} onChange={(e) => setToDir(e.target.value)} spellCheck={false} className={inputClass} />}
          </Field>
          <Checkbox label="Replace files that already exist there" checked={overwrite} onChange={setOverwrite} hint="Otherwise an existing file stops the restore of that file and is reported." />
          <Checkbox label="Allow restoring into the job's own NAS folder" checked={intoSource} onChange={setIntoSource} hint="Off by default, so a restore never overwrites the live files by mistake." />
          {start.error && <ErrorBox title="The restore cannot start" message={start.error} />}
          {start.busy && <p role="status">Reading the version's file list…</p>}
          <div className="flex gap-2">
            <Button type="submit" variant="primary" busy={start.busy} disabled={!toDir}>
              Restore
            </Button>
            <Button onClick={onClose}>Cancel</Button>
          </div>
        </form>
      )}
    </Modal>
  )
}

// RestoreOutcome follows a restore that started: its progress with Cancel
// while it runs, then what it did.
function RestoreOutcome({ task, toDir, onClose }: { task: Task; toDir: string; onClose: () => void }) {
  const result = task.restore
  const failures = result?.failures ?? []
  return (
    <div className="space-y-3">
      {task.status === 'RUNNING' && (
        <>
          <TaskProgress task={task} />
          <p className="text-xs text-slate-500 dark:text-slate-400">You can close this window: the restore goes on, and Activity, above every page, shows it.</p>
        </>
      )}
      {task.status === 'SUCCESS' && result && (
        <p role="status" className="rounded-md bg-emerald-50 p-3 text-sm text-emerald-900 dark:bg-emerald-950 dark:text-emerald-100">
          Restored {plural(result.files, 'file')} ({bytes(result.bytes)}) into <code>{toDir}</code>. Every file was checked against its recorded SHA-256.
        </p>
      )}
      {!!result?.notes?.length && (
        <ul className="list-disc space-y-1 pl-5 text-sm" aria-label="Notes" data-testid="restore-notes">
          {result.notes.map((n, i) => (
            <li key={i}>{n}</li>
          ))}
        </ul>
      )}
      {task.status === 'FAILED' && <ErrorBox title="The restore failed" message={task.error ?? 'It stopped without saying why.'} />}
      {task.status === 'CANCELLED' && (
        <p role="status" className="rounded-md bg-slate-100 p-3 text-sm text-slate-800 dark:bg-slate-700 dark:text-slate-100">
          The restore was cancelled after {plural(result?.files ?? 0, 'file')}. A file it had not finished was not written, so every file in <code>{toDir}</code> is whole.
        </p>
      )}
      {failures.length > 0 && (
        <ul className="text-sm text-red-700 dark:text-red-300">
          {failures.map((f, i) => (
            <li key={i}>
              <code>{f.path}</code>: {f.reason}
            </li>
          ))}
        </ul>
      )}
      <Button onClick={onClose}>Close</Button>
    </div>
  )
}
