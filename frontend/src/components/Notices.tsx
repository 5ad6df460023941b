// Notices are messages about things that happened away from where the
// person is looking: a backup that failed, or an error nothing else caught.
// Nothing fails silently: an unhandled promise rejection lands here too.
import { useEffect, useState } from 'react'
import { errorMessage } from '../api'

export interface Notice {
  id: number
  kind: 'error' | 'info' | 'success'
  text: string
}

let next = 1
let notices: Notice[] = []
const listeners = new Set<(n: Notice[]) => void>()

function publish(n: Notice[]) {
  notices = n
  listeners.forEach((fn) => fn(notices))
}

// notify shows a message; info and success messages go away by themselves.
export function notify(text: string, kind: Notice['kind'] = 'info') {
  const n = { id: next++, kind, text }
  publish([...notices.slice(-4), n])
  if (kind !== 'error') setTimeout(() => dismiss(n.id), 6000)
}

export function dismiss(id: number) {
  publish(notices.filter((n) => n.id !== id))
}

export function Notices() {
  const [list, setList] = useState(notices)
  useEffect(() => {
    listeners.add(setList)
    const onRejection = (e: PromiseRejectionEvent) => {
      e.preventDefault()
      notify(`Something went wrong: ${errorMessage(e.reason)}`, 'error')
    }
    window.addEventListener('unhandledrejection', onRejection)
    return () => {
      listeners.delete(setList)
      window.removeEventListener('unhandledrejection', onRejection)
    }
  }, [])
  const tone = {
    error: 'border-red-300 bg-red-50 text-red-800 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
    info: 'border-slate-300 bg-white text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100',
    success: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
  }
  return (
    <div aria-live="polite" className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2">
      {list.map((n) => (
        <div key={n.id} role={n.kind === 'error' ? 'alert' : 'status'} className={`pointer-events-auto flex items-start gap-3 rounded-lg border p-3 text-sm shadow-lg ${tone[n.kind]}`}>
          <p className="flex-1 whitespace-pre-line">{n.text}</p>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)} className="rounded px-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
            ✕
          </button>
        </div>
      ))}
    </div>
  )
}
