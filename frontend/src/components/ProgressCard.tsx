import type { ReactNode } from 'react'
import type { Progress } from '../api'
import { bytes, count, duration, speed } from '../lib/format'
import { Button, ProgressBar, StatusBadge } from './ui'

// ProgressCard shows a run while it goes: how much is done of how much,
// how fast, how long it may still take, the file at hand, and Cancel.
export function ProgressCard({ p, jobName, onCancel, cancelling }: { p: Progress; jobName: string; onCancel: () => void; cancelling: boolean }) {
  const filesDone = p.filesUploaded + p.filesCopied + p.filesFailed
  const total = p.scanDone ? p.bytesScanned : 0
  const waiting = p.status === 'PENDING'
  return (
    <article aria-label={`Backup of ${jobName}`} className="rounded-xl border border-sky-200 bg-white p-4 shadow-sm dark:border-sky-800 dark:bg-slate-800" data-progress={p.jobId}>
      <div className="mb-3 flex flex-wrap items-center gap-2">
        <h3 className="flex-1 font-semibold">{jobName}</h3>
        <span aria-live="polite">
          <StatusBadge status={p.status} />
        </span>
        <Button variant="secondary" onClick={onCancel} busy={cancelling} aria-label={`Cancel the backup of ${jobName}`}>
          Cancel
        </Button>
      </div>
      {waiting ? (
        <p className="text-sm text-slate-500 dark:text-slate-400">Waiting for a free slot (Settings: backups at the same time).</p>
      ) : (
        <>
          <ProgressBar value={p.bytesDone} max={total} label={`Progress of ${jobName}`} />
          <dl className="mt-3 grid grid-cols-2 gap-x-4 gap-y-1 text-sm sm:grid-cols-4">
            <Stat label="Files">
              {count(filesDone)} of {count(p.filesScanned)}
              {!p.scanDone && '+'}
            </Stat>
            <Stat label="Data">
              {bytes(p.bytesDone)} of {p.scanDone ? bytes(p.bytesScanned) : `${bytes(p.bytesScanned)}+`}
            </Stat>
            <Stat label="Speed">{speed(p.uploadSpeed)}</Stat>
            <Stat label="Time left">{p.estimatedTimeRemaining >= 0 ? duration(p.estimatedTimeRemaining) : p.scanDone ? 'estimating…' : 'counting files…'}</Stat>
          </dl>
          {p.filesFailed > 0 && <p className="mt-2 text-sm text-red-700 dark:text-red-300">{count(p.filesFailed)} files could not be read or sent so far.</p>}
          {p.currentFile && (
            <p className="mt-2 truncate font-mono text-xs text-slate-500 dark:text-slate-400" title={p.currentFile}>
              {p.currentFile}
            </p>
          )}
        </>
      )}
    </article>
  )
}

function Stat({ label, children }: { label: string; children: ReactNode }) {
  return (
    <div>
      <dt className="text-xs text-slate-500 dark:text-slate-400">{label}</dt>
      <dd className="tabular-nums">{children}</dd>
    </div>
  )
}
