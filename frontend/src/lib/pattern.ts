// renderPattern shows what a version name pattern makes, for the live
// example next to the field. It follows backend/job/pattern.go's Render;
// the Go side validates the pattern when the job is saved.
const forbidden = /[/\\:*?"<>|\p{Cc}]/gu

function pad(n: number): string {
  return String(n).padStart(2, '0')
}

export function safeJobName(name: string): string {
  let s = name.replace(forbidden, '-').replace(/^[ .]+|[ .]+$/g, '')
  const bytes = new TextEncoder().encode(s)
  if (bytes.length > 64) {
    let cut = 64
    while (cut > 0 && (bytes[cut] & 0xc0) === 0x80) cut--
    s = new TextDecoder().decode(bytes.slice(0, cut)).replace(/[ .]+$/, '')
  }
  return s || 'job'
}

export function renderPattern(pattern: string, jobName: string, t: Date): string {
  const date = `${t.getFullYear()}-${pad(t.getMonth() + 1)}-${pad(t.getDate())}`
  const time = `${pad(t.getHours())}-${pad(t.getMinutes())}-${pad(t.getSeconds())}`
  return pattern.replace(/\{(date|time|datetime|job)\}/g, (_, tok: string) => {
    switch (tok) {
      case 'date':
        return date
      case 'time':
        return time
      case 'datetime':
        return `${date}_${time}`
      default:
        return safeJobName(jobName)
    }
  })
}
