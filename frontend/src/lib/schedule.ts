// Schedule presets: common cron expressions with their plain reading.
export interface SchedulePreset {
  cron: string
  label: string
}

export const schedulePresets: SchedulePreset[] = [
  { cron: '0 2 * * *', label: 'Every day at 02:00' },
  { cron: '0 * * * *', label: 'Every hour, on the hour' },
  { cron: '0 */6 * * *', label: 'Every 6 hours (00:00, 06:00, 12:00, 18:00)' },
  { cron: '30 12 * * 1-5', label: 'Weekdays at 12:30' },
  { cron: '0 3 * * 0', label: 'Every Sunday at 03:00' },
  { cron: '0 3 1 * *', label: 'On the 1st of every month at 03:00' },
]

// presetLabel returns the plain reading of a preset expression, or "".
export function presetLabel(cron: string): string {
  const c = cron.trim().replace(/\s+/g, ' ')
  return schedulePresets.find((p) => p.cron === c)?.label ?? ''
}
