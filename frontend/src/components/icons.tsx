// Small inline icons; decorative, so screen readers skip them. Emoji are
// avoided: many Linux systems have no emoji font.
const base = 'inline-block h-4 w-4 shrink-0 align-[-2px]'

export function FolderIcon({ className = '' }: { className?: string }) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="currentColor" className={`${base} text-amber-500 ${className}`}>
      <path d="M2 5a2 2 0 0 1 2-2h4l2 2h6a2 2 0 0 1 2 2v8a2 2 0 0 1-2 2H4a2 2 0 0 1-2-2V5z" />
    </svg>
  )
}

export function FileIcon({ className = '' }: { className?: string }) {
  return (
    <svg aria-hidden viewBox="0 0 20 20" fill="none" stroke="currentColor" strokeWidth={1.5} className={`${base} text-slate-400 ${className}`}>
      <path d="M5 2.75h6.5L15.25 6.5v10.75H5z M11.5 2.75V6.5h3.75" strokeLinejoin="round" />
    </svg>
  )
}
