import { useRef, useState, type KeyboardEvent } from 'react'
import { api, type Choice, type Destination } from '../api'
import { useQuery } from '../api/hooks'
import { ErrorBox } from './ErrorBox'
import { FolderIcon } from './icons'
import { Button, Loading } from './ui'

// ChoicePicker browses what a destination can point to (buckets and their
// folders, drives and their folders, the folders of the computer) as the
// Go side lists them for the destination being edited, and picks one.
// onPick gets the trail from the top: [bucket, folder, subfolder...].
//
// Keyboard: Tab moves between the controls; in the list, the arrow keys,
// Home and End move between the entries.
export function ChoicePicker({
  destination,
  top,
  start = [],
  onPick,
  onCancel,
}: {
  destination: Destination
  top: string // the top level's name: "All buckets", "This computer"
  start?: Choice[]
  onPick: (trail: Choice[]) => void
  onCancel: () => void
}) {
  const [trail, setTrail] = useState<Choice[]>(start)
  const parent = trail.length ? trail[trail.length - 1].id : ''
  const q = useQuery(`choices:${parent}`, () => api.listChoices(destination, parent))
  const list = useRef<HTMLUListElement>(null)
  const here = trail.length ? trail[trail.length - 1].name : top
  const items = q.data ?? []

  const open = (c: Choice) => setTrail([...trail, c])
  const onKey = (e: KeyboardEvent<HTMLUListElement>) => {
    const buttons = [...(list.current?.querySelectorAll<HTMLButtonElement>('button[data-entry]') ?? [])]
    const at = buttons.indexOf(document.activeElement as HTMLButtonElement)
    const to = { ArrowDown: at + 1, ArrowUp: at - 1, Home: 0, End: buttons.length - 1 }[e.key]
    if (to === undefined || buttons.length === 0) return
    e.preventDefault()
    buttons[Math.max(0, Math.min(buttons.length - 1, to))].focus()
  }

  return (
    <div className="space-y-3">
      <nav aria-label="Where you are" className="flex flex-wrap items-center gap-1 text-sm">
        <Button variant="ghost" onClick={() => setTrail([])} aria-current={trail.length === 0 ? 'location' : undefined}>
          {top}
        </Button>
        {trail.map((c, i) => (
          <span key={c.id} className="flex items-center gap-1">
            <span aria-hidden>›</span>
            <Button variant="ghost" onClick={() => setTrail(trail.slice(0, i + 1))} aria-current={i === trail.length - 1 ? 'location' : undefined}>
              {c.name}
            </Button>
          </span>
        ))}
      </nav>
      {q.error && <ErrorBox title={`Could not list what is in ${here}`} message={q.error} onRetry={q.reload} />}
      {q.loading && <Loading what={`Listing ${here}`} />}
      {q.data && (
        <ul
          ref={list}
          aria-label={`In ${here}`}
          onKeyDown={onKey}
          className="max-h-72 divide-y divide-slate-200 overflow-y-auto rounded-md border border-slate-200 dark:divide-slate-700 dark:border-slate-700"
        >
          {trail.length > 0 && (
            <li>
              <button type="button" data-entry onClick={() => setTrail(trail.slice(0, -1))} className={rowClass}>
                Up one level
              </button>
            </li>
          )}
          {items.map((c) => (
            <li key={c.id} className="flex items-center gap-2 pr-2" data-choice={c.name}>
              <button
                type="button"
                data-entry
                onClick={() => (c.hasSub ? open(c) : onPick([...trail, c]))}
                aria-label={c.hasSub ? `Open ${c.name}` : `Choose ${c.name}`}
                className={rowClass}
              >
                <FolderIcon /> {c.name}
                {c.kind !== 'folder' && <span className="ml-2 text-xs text-slate-500 dark:text-slate-400">{c.kind}</span>}
              </button>
              {c.hasSub && (
                <Button variant="ghost" onClick={() => onPick([...trail, c])} aria-label={`Choose ${c.name}`}>
                  Choose
                </Button>
              )}
            </li>
          ))}
          {items.length === 0 && <li className="px-3 py-2 text-sm text-slate-500">Nothing to choose from here.</li>}
        </ul>
      )}
      <div className="flex flex-wrap gap-2">
        {trail.length > 0 && (
          <Button variant="primary" onClick={() => onPick(trail)}>
            Choose “{here}”
          </Button>
        )}
        <Button onClick={onCancel}>Cancel</Button>
      </div>
    </div>
  )
}

const rowClass =
  'min-w-0 flex-1 truncate px-3 py-2 text-left text-sm hover:bg-slate-50 focus:outline-none focus-visible:ring-2 focus-visible:ring-inset focus-visible:ring-indigo-500 dark:hover:bg-slate-700'
