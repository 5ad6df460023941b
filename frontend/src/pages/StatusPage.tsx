import { useEffect, useState } from 'react'
import { api, type Status } from '../api'
import { ErrorBox } from '../components/ErrorBox'

// StatusPage shows what this copy of Avault is and where it keeps its data.
export default function StatusPage() {
  const [status, setStatus] = useState<Status | null>(null)
  const [error, setError] = useState<string | null>(null)

  useEffect(() => {
    api.status().then(setStatus, (e: unknown) => setError(String(e)))
  }, [])

  if (error) return <ErrorBox title="Could not read Avault's status" message={error} />
  if (!status) return <p className="text-slate-500">Loading…</p>

  const rows: [string, string][] = [
    ['Version', status.version],
    ['Data folder', status.dataDir],
    ['Tray', status.trayHost ? 'Tray host found: Avault keeps running when the window is closed' : 'No tray host: closing the window quits Avault'],
    ['Platform', status.platform],
  ]
  return (
    <dl className="grid max-w-2xl grid-cols-[10rem_1fr] gap-x-6 gap-y-3 rounded-xl border border-slate-200 bg-white p-6 shadow-sm dark:border-slate-700 dark:bg-slate-800">
      {rows.map(([k, v]) => (
        <div key={k} className="contents">
          <dt className="font-medium text-slate-500 dark:text-slate-400">{k}</dt>
          <dd className="break-all" data-testid={`status-${k.toLowerCase().replace(' ', '-')}`}>
            {v}
          </dd>
        </div>
      ))}
    </dl>
  )
}
