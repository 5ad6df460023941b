import type { Choice, Destination } from '../api'

const kindLabels: Record<string, string> = { local: 'Local folder', s3: 'S3', gdrive: 'Google Drive' }

export function kindLabel(kind: string): string {
  return kindLabels[kind] ?? kind
}

// where says in one line where a destination writes.
export function where(d: Destination): string {
  const sub = d.folderPath ? `/${d.folderPath}` : ''
  switch (d.kind) {
    case 's3': {
      const host = d.options?.endpoint ? ` at ${d.options.endpoint.replace(/^https?:\/\//, '')}` : ''
      return `s3://${d.remoteId}${sub}${host}`
    }
    case 'gdrive':
      return `${d.remoteId === 'root' ? 'My Drive' : `shared drive ${d.remoteId}`}${sub}`
    default:
      return `${d.remoteId}${sub}`
  }
}

// localTrail turns an absolute folder path into the trail that leads to
// it, so the picker opens where the field points: "/media/backup" →
// [/media, /media/backup]; "E:\Backups" → [E:\, E:\Backups].
export function localTrail(path: string): Choice[] {
  const drive = /^([A-Za-z]:)[\\/]/.exec(path)
  if (!drive && !path.startsWith('/')) return []
  const sep = drive ? '\\' : '/'
  const out: Choice[] = []
  let at = ''
  if (drive) {
    at = drive[1].toUpperCase() + sep
    out.push({ id: at, name: at, kind: 'drive', hasSub: true })
  }
  for (const p of path.slice(drive ? 3 : 0).split(/[\\/]+/).filter(Boolean)) {
    at = at.endsWith(sep) ? at + p : at + sep + p
    out.push({ id: at, name: p, kind: 'folder', hasSub: true })
  }
  return out
}

// bucketTrail is the trail to an S3 bucket and a folder in it, the ids as
// the Go side lists them ("bucket", "bucket/a", "bucket/a/b").
export function bucketTrail(bucket: string, folder = ''): Choice[] {
  if (!bucket) return []
  const out: Choice[] = [{ id: bucket, name: bucket, kind: 'bucket', hasSub: true }]
  let at = bucket
  for (const p of folder.split('/').filter(Boolean)) {
    at += '/' + p
    out.push({ id: at, name: p, kind: 'folder', hasSub: true })
  }
  return out
}

// picked says which fields a choice from ChoicePicker fills: a local
// folder's path; a bucket or drive, and the folder path below it when a
// folder was chosen (choosing only a bucket or drive keeps the folder).
export function picked(kind: string, trail: Choice[]): Partial<Destination> {
  if (trail.length === 0) return {}
  if (kind === 'local') return { remoteId: trail[trail.length - 1].id }
  const out: Partial<Destination> = { remoteId: trail[0].id }
  if (trail.length > 1)
    out.folderPath = trail
      .slice(1)
      .map((c) => c.name)
      .join('/')
  return out
}
