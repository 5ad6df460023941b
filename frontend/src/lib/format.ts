// Formatting of sizes, durations, speeds and dates as a person reads them.

const units = ['B', 'KB', 'MB', 'GB', 'TB', 'PB']

// bytes formats a size with decimal units: 1500000 → "1.5 MB".
export function bytes(n: number | undefined | null): string {
  if (n == null || !Number.isFinite(n)) return '—'
  if (n < 1000) return `${n} B`
  let i = 0
  let v = n
  while (v >= 1000 && i < units.length - 1) {
    v /= 1000
    i++
  }
  return `${v < 10 ? v.toFixed(1) : Math.round(v)} ${units[i]}`
}

// speed formats bytes per second.
export function speed(bps: number): string {
  return bps > 0 ? `${bytes(bps)}/s` : '—'
}

// duration formats seconds: 3725 → "1 h 2 min", 42 → "42 s".
export function duration(seconds: number | undefined | null): string {
  if (seconds == null || !Number.isFinite(seconds) || seconds < 0) return '—'
  const s = Math.round(seconds)
  if (s < 60) return `${s} s`
  const m = Math.floor(s / 60)
  if (m < 60) return `${m} min ${s % 60 ? `${s % 60} s` : ''}`.trim()
  const h = Math.floor(m / 60)
  if (h < 48) return `${h} h${m % 60 ? ` ${m % 60} min` : ''}`
  return `${Math.floor(h / 24)} days`
}

// runSeconds is how long a run took (or has taken so far).
export function runSeconds(startedAt: string, completedAt?: string | null, now = Date.now()): number {
  const end = completedAt ? Date.parse(completedAt) : now
  return Math.max(0, (end - Date.parse(startedAt)) / 1000)
}

// dateTime formats a time in the person's locale; "—" when there is none.
export function dateTime(t: string | undefined | null): string {
  if (!t) return '—'
  const d = new Date(t)
  if (Number.isNaN(d.getTime())) return '—'
  return d.toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' })
}

// ago says how long ago t was: "5 min ago", "3 days ago".
export function ago(t: string | undefined | null, now = Date.now()): string {
  if (!t) return 'never'
  const s = (now - Date.parse(t)) / 1000
  if (!Number.isFinite(s)) return 'never'
  if (s < 0) return `in ${duration(-s)}`
  if (s < 60) return 'just now'
  return `${duration(s)} ago`
}

// count formats a number with the locale's grouping: 12345 → "12,345".
export function count(n: number | undefined | null): string {
  return n == null ? '—' : n.toLocaleString()
}

// plural picks a word for n: plural(1, 'file') → "1 file", plural(2, 'file') → "2 files".
export function plural(n: number, word: string, many = word + 's'): string {
  return `${count(n)} ${n === 1 ? word : many}`
}

// elapsed says how long it has been since t: "2 days", "41 h 11 min".
export function elapsed(t: string, now = Date.now()): string {
  return duration((now - Date.parse(t)) / 1000)
}
