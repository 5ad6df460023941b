import { describe, expect, it } from 'vitest'
import { bucketTrail, localTrail, picked } from './destinations'

const ids = (t: { id: string }[]) => t.map((c) => c.id)

describe('trails for the destination picker', () => {
  it('leads to a local folder on Unix and on Windows', () => {
    expect(ids(localTrail('/media/backup/'))).toEqual(['/media', '/media/backup'])
    expect(ids(localTrail('e:\\Backups\\NAS'))).toEqual(['E:\\', 'E:\\Backups', 'E:\\Backups\\NAS'])
    expect(localTrail('relative/path')).toEqual([])
    expect(localTrail('')).toEqual([])
  })

  it('leads to a bucket and a folder in it', () => {
    expect(ids(bucketTrail('photos', '/backups/nas/'))).toEqual(['photos', 'photos/backups', 'photos/backups/nas'])
    expect(bucketTrail('', 'x')).toEqual([])
  })

  it('fills the fields a pick decides', () => {
    const trail = [
      { id: '0ATeam', name: 'Team', kind: 'drive', hasSub: true },
      { id: 'f1', name: 'Archive', kind: 'folder', hasSub: true },
      { id: 'f2', name: '2024', kind: 'folder', hasSub: false },
    ]
    expect(picked('gdrive', trail)).toEqual({ remoteId: '0ATeam', folderPath: 'Archive/2024' })
    expect(picked('s3', trail.slice(0, 1))).toEqual({ remoteId: '0ATeam' })
    expect(picked('local', [{ id: '/media/usb', name: 'usb', kind: 'folder', hasSub: true }])).toEqual({ remoteId: '/media/usb' })
    expect(picked('local', [])).toEqual({})
  })
})
