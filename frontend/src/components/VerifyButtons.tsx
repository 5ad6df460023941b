import { api, type VerifyReport } from '../api'
import { useAction } from '../api/hooks'
import { count, dateTime } from '../lib/format'
import { ErrorBox } from './ErrorBox'
import { Button } from './ui'

// VerifyButtons checks a version against its manifest: quickly (sizes and
// the destination's own checksums) or fully (every file read back).
export function VerifyButtons({ jobId, version }: { jobId: string; version: string }) {
  const verify = useAction((deep: boolean) => api.verifyVersion(jobId, version, deep, 0))
  const last = verify.lastValue
  return (
    <div className="space-y-2">
      <div className="flex flex-wrap gap-2">
        <Button onClick={() => void verify.run(false)} busy={verify.busy}>
          Verify quickly
        </Button>
        <Button onClick={() => void verify.run(true)} busy={verify.busy}>
          Verify by reading every file back
        </Button>
      </div>
      <p className="text-xs text-slate-500 dark:text-slate-400">A full check downloads the whole version: on a cloud destination that takes as long as a restore and may cost download fees.</p>
      {verify.busy && <p role="status">Verifying…</p>}
      {verify.error && <ErrorBox title="Verification failed to run" message={verify.error} />}
      {last && !verify.busy && <VerifySummary r={last} />}
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
