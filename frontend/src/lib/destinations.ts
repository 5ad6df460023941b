import type { Destination } from '../api'

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
