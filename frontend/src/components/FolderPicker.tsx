import { useState } from 'react'
import { api } from '../api'
import { useQuery } from '../api/hooks'
import { ErrorBox } from './ErrorBox'
import { FolderIcon } from './icons'
import { Button, Loading } from './ui'

// FolderPicker browses the NAS under its root and picks a folder.
export function FolderPicker({ start, onPick, onCancel }: { start: string; onPick: (path: string) => void; onCancel: () => void }) {
  const [path, setPath] = useState(() => '/' + start.replace(/^\/+/, ''))
  const q = useQuery(`nas:${path}`, () => api.browseNAS(path))
  const parts = path.split('/').filter(Boolean)
  const dirs = (q.data?.items ?? []).filter((i) => i.type === 'directory')
  const files = (q.data?.items ?? []).length - dirs.length
  return (
    <div className="space-y-3">
      <nav aria-label="Folder path" className="flex flex-wrap items-center gap-1 text-sm">
        <Button variant="ghost" onClick={() => setPath('/')}>
          {q.data?.root ?? 'NAS'}
        </Button>
        {parts.map((p, i) => (
          <span key={i} className="flex items-center gap-1">
            <span aria-hidden>/</span>
            <Button variant="ghost" onClick={() => setPath('/' + parts.slice(0, i + 1).join('/'))} aria-current={i === parts.length - 1 ? 'location' : undefined}>
              {p}
            </Button>
          </span>
        ))}
      </nav>
      {q.error && <ErrorBox title="Could not open this folder" message={q.error} onRetry={q.reload} />}
      {q.loading && <Loading what="Reading the folder" />}
      {q.data && (
        <ul aria-label="Folders" className="max-h-72 divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-700 dark:border-slate-700">
          {parts.length > 0 && (
            <li>
              <button type="button" onClick={() => setPath('/' + parts.slice(0, -1).join('/'))} className="w-full px-3 py-2 text-left text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 dark:hover:bg-slate-700">
                Up one level
              </button>
            </li>
          )}
          {dirs.map((d) => (
            <li key={d.path}>
              <button
                type="button"
                disabled={!!d.error}
                title={d.error}
                onClick={() => setPath(d.path)}
                className="w-full px-3 py-2 text-left text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 disabled:text-slate-400 dark:hover:bg-slate-700"
              >
                <FolderIcon /> {d.name}
                {d.error && <span className="ml-2 text-xs text-red-700 dark:text-red-300">{d.error}</span>}
              </button>
            </li>
          ))}
          {dirs.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">No folders here.</li>}
        </ul>
      )}
      {q.data && <p className="text-xs text-slate-500 dark:text-slate-400">{files} files in this folder.</p>}
      <div className="flex gap-2">
        <Button variant="primary" onClick={() => onPick(path.replace(/^\/+/, ''))} disabled={!q.data}>
          Back up {path === '/' ? 'the whole NAS' : `"${parts[parts.length - 1]}"`}
        </Button>
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </div>
  )
}
