// How a job keeps its versions at the destination (job.Layout on the Go side).

export type Layout = 'CURRENT_HISTORY' | 'FULL'

// layouts lists the layouts in the order a person picks them, each with
// its label (job.Layout.Label) and what it means.
export const layouts: { value: Layout; label: string; hint: string }[] = [
  {
    value: 'CURRENT_HISTORY',
    label: 'Current + history (changes only)',
    hint: 'one browsable folder with the newest version, plus dated history folders with what changed; a run costs only what changed',
  },
  {
    value: 'FULL',
    label: 'Full copies',
    hint: 'every version a complete folder; on S3 and Drive each unchanged file is copied again',
  },
]

// layoutLabel is the layout as a person reads it.
export function layoutLabel(l: Layout): string {
  return layouts.find((x) => x.value === l)?.label ?? l
}

// defaultLayout is the layout a new job on a destination of this kind gets
// (job.DefaultLayout): full copies on a local folder, where unchanged files
// are hard links that cost nothing, current + history elsewhere.
export function defaultLayout(kind: string): Layout {
  return kind === 'local' ? 'FULL' : 'CURRENT_HISTORY'
}

// jobLayout is a saved job's layout; jobs saved before layouts existed
// have none and keep full copies.
export function jobLayout(layout: string | undefined): Layout {
  return layout === 'CURRENT_HISTORY' ? 'CURRENT_HISTORY' : 'FULL'
}

// keptAs says how one version is kept, from engine.VersionUsage.layout
// ("current+history" or "full").
export function keptAs(usageLayout: string): string {
  return usageLayout === 'current+history' ? 'current + history' : 'full copy'
}
