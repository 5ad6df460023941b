// Sparkline draws a small line chart of a series (oldest first) as inline
// SVG, labelled for screen readers with its latest, lowest and highest values.
export function Sparkline({ label, values, format }: { label: string; values: number[]; format: (n: number) => string }) {
  const w = 220
  const h = 48
  const pad = 4
  if (values.length === 0) return null
  const min = Math.min(...values)
  const max = Math.max(...values)
  const span = max - min || 1
  const x = (i: number) => (values.length === 1 ? w / 2 : pad + (i * (w - 2 * pad)) / (values.length - 1))
  const y = (v: number) => h - pad - ((v - min) / span) * (h - 2 * pad)
  const points = values.map((v, i) => `${x(i).toFixed(1)},${y(v).toFixed(1)}`).join(' ')
  const latest = values[values.length - 1]
  const summary = `${label}: latest ${format(latest)}, lowest ${format(min)}, highest ${format(max)} over ${values.length} runs`
  return (
    <figure className="min-w-0">
      <figcaption className="flex items-baseline justify-between gap-2 text-xs text-slate-500 dark:text-slate-400">
        <span>{label}</span>
        <span className="font-medium text-slate-800 dark:text-slate-100">{format(latest)}</span>
      </figcaption>
      <svg role="img" aria-label={summary} viewBox={`0 0 ${w} ${h}`} className="h-12 w-full text-indigo-600 dark:text-indigo-400" preserveAspectRatio="none">
        <title>{summary}</title>
        <polyline points={points} fill="none" stroke="currentColor" strokeWidth={2} vectorEffect="non-scaling-stroke" />
        {values.map((v, i) => (
          <circle key={i} cx={x(i)} cy={y(v)} r={2} fill="currentColor" />
        ))}
      </svg>
    </figure>
  )
}
