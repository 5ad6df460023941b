// Notices are messages about things that happened away from where the
// person is looking: a backup that failed or left files out (on whatever
// page is open), a confirmation, or an error nothing else caught. Nothing
// fails silently: an unhandled promise rejection lands here too.
//
// Confirmations (success, info) leave by themselves after noticeTimeout,
// and no more than maxPassing of them show at once; errors and warnings
// stay until dismissed. A confirmation under the pointer or holding the
// focus does not leave until they move away.
import { useEffect, useSyncExternalStore } from 'react'
import { errorMessage, type RunStatus } from '../api'
import { useEvent } from '../api/hooks'
import { href } from '../lib/route'

// RunNotice is the payload of backup:notice (backend/events.Notice): a run
// that failed or left files out, in the words of the desktop notification.
export interface RunNotice {
  jobId: string
  historyId: string
  status: RunStatus
  title: string
  body: string
  timestamp: number
}

// backup:notice is declared here, beside its only listener.
declare module '../api' {
  interface EventMap {
    'backup:notice': RunNotice
  }
}

export interface Notice {
  id: number
  kind: 'error' | 'warning' | 'info' | 'success'
  title?: string
  text: string
  link?: { href: string; label: string }
}

// noticeTimeout is how long a confirmation stays, in milliseconds.
export const noticeTimeout = 5000
// maxPassing is how many confirmations show at once; a new one sends the
// oldest away early.
export const maxPassing = 2
// maxShown is how many errors and warnings show at once; older ones wait
// behind a line that counts them.
export const maxShown = 4

let next = 1
let notices: Notice[] = []
const listeners = new Set<() => void>()
const timers = new Map<number, ReturnType<typeof setTimeout>>()
const held = new Set<number>() // under the pointer or holding the focus

const passes = (n: Notice) => n.kind === 'success' || n.kind === 'info'

function publish(n: Notice[]) {
  notices = n
  listeners.forEach((fn) => fn())
}

function subscribe(fn: () => void) {
  listeners.add(fn)
  return () => {
    listeners.delete(fn)
  }
}

const snapshot = () => notices

function schedule(n: Notice) {
  if (!passes(n) || held.has(n.id)) return
  clearTimeout(timers.get(n.id))
  timers.set(
    n.id,
    setTimeout(() => dismiss(n.id), noticeTimeout),
  )
}

// notify shows a message. The same message shown again replaces the
// earlier one rather than stacking.
export function notify(text: string, kind: Notice['kind'] = 'info', link?: Notice['link']) {
  show({ kind, text, link })
}

function show(fields: Omit<Notice, 'id'>) {
  const n: Notice = { id: next++, ...fields }
  const gone = new Set(notices.filter((o) => o.kind === n.kind && o.title === n.title && o.text === n.text).map((o) => o.id))
  let list = [...notices.filter((o) => !gone.has(o.id)), n]
  const passing = list.filter(passes)
  passing.slice(0, Math.max(0, passing.length - maxPassing)).forEach((o) => gone.add(o.id))
  gone.forEach(forget)
  list = list.filter((o) => !gone.has(o.id))
  publish(list)
  schedule(n)
}

function forget(id: number) {
  clearTimeout(timers.get(id))
  timers.delete(id)
  held.delete(id)
}

export function dismiss(id: number) {
  forget(id)
  publish(notices.filter((n) => n.id !== id))
}

// dismissAll removes every notice.
export function dismissAll() {
  timers.forEach((t) => clearTimeout(t))
  timers.clear()
  held.clear()
  publish([])
}

// hold keeps a confirmation while the person reads it; release gives it
// its full time again.
function hold(id: number) {
  held.add(id)
  clearTimeout(timers.get(id))
  timers.delete(id)
}

function release(id: number) {
  held.delete(id)
  const n = notices.find((o) => o.id === id)
  if (n) schedule(n)
}

// noticeOfRun turns backup:notice into a notice that stays until dismissed.
export function noticeOfRun(r: RunNotice) {
  show({
    kind: r.status === 'FAILED' ? 'error' : 'warning',
    title: r.title,
    text: r.body,
    link: { href: href('history', r.historyId), label: 'Show details' },
  })
}

const tone: Record<Notice['kind'], string> = {
  error: 'border-red-300 bg-red-50 text-red-800 dark:border-red-700 dark:bg-red-950 dark:text-red-100',
  warning: 'border-amber-300 bg-amber-50 text-amber-900 dark:border-amber-700 dark:bg-amber-950 dark:text-amber-100',
  info: 'border-slate-300 bg-white text-slate-800 dark:border-slate-600 dark:bg-slate-800 dark:text-slate-100',
  success: 'border-emerald-300 bg-emerald-50 text-emerald-900 dark:border-emerald-700 dark:bg-emerald-950 dark:text-emerald-100',
}

const linkClass = 'font-medium underline underline-offset-2 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500'

export function Notices() {
  const list = useSyncExternalStore(subscribe, snapshot)
  useEffect(() => {
    const onRejection = (e: PromiseRejectionEvent) => {
      e.preventDefault()
      notify(`Something went wrong: ${errorMessage(e.reason)}`, 'error')
    }
    window.addEventListener('unhandledrejection', onRejection)
    return () => window.removeEventListener('unhandledrejection', onRejection)
  }, [])
  useEvent('backup:notice', noticeOfRun)

  const staying = list.filter((n) => !passes(n))
  const waiting = Math.max(0, staying.length - maxShown)
  const hidden = new Set(staying.slice(0, waiting).map((n) => n.id))
  const shown = list.filter((n) => !hidden.has(n.id))
  return (
    <div
      aria-live="polite"
      className="pointer-events-none fixed bottom-4 right-4 z-50 flex w-96 max-w-[calc(100vw-2rem)] flex-col gap-2"
    >
      {waiting > 0 && (
        <div className="pointer-events-auto flex items-center justify-between gap-3 rounded-lg border border-slate-300 bg-white p-2 text-xs text-slate-700 shadow dark:border-slate-600 dark:bg-slate-800 dark:text-slate-200">
          <span>
            {waiting} older {waiting === 1 ? 'notice' : 'notices'} not shown
          </span>
          <button type="button" onClick={dismissAll} className={`rounded px-1 ${linkClass}`}>
            Dismiss all
          </button>
        </div>
      )}
      {shown.map((n) => (
        <div
          key={n.id}
          role={n.kind === 'error' ? 'alert' : 'status'}
          data-kind={n.kind}
          onMouseEnter={() => hold(n.id)}
          onMouseLeave={() => release(n.id)}
          onFocus={() => hold(n.id)}
          onBlur={(e) => {
            if (!e.currentTarget.contains(e.relatedTarget as Node | null)) release(n.id)
          }}
          className={`pointer-events-auto flex items-start gap-3 rounded-lg border p-3 text-sm shadow-lg ${tone[n.kind]}`}
        >
          <div className="min-w-0 flex-1">
            {n.title && <p className="font-semibold">{n.title}</p>}
            <p className="whitespace-pre-line break-words">{n.text}</p>
            {n.link && (
              <a href={n.link.href} onClick={() => dismiss(n.id)} className={`mt-1 inline-block ${linkClass}`}>
                {n.link.label}
              </a>
            )}
          </div>
          <button type="button" aria-label="Dismiss" onClick={() => dismiss(n.id)} className="rounded px-1 focus:outline-none focus-visible:ring-2 focus-visible:ring-indigo-500">
            ✕
          </button>
        </div>
      ))}
    </div>
  )
}
