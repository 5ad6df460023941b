import { beforeAll, describe, expect, it, vi } from 'vitest'
import type { Destination, Job } from '.'

// The desktop window: Wails has injected the bound methods. The api module
// hands them the same JSON the Go side reads.
const App = {
  PreviewRetention: vi.fn(async () => ({ policy: { type: 'VERSION_COUNT', count: 2 }, now: '2026-03-05T02:00:00Z', versions: [], kept: 0, deleted: 0 })),
  ListChoices: vi.fn(async () => [{ id: 'photos', name: 'photos', kind: 'bucket', hasSub: true }]),
  JobStorage: vi.fn(async () => ({ versions: [{ name: 'Photos-2', layout: 'current+history', only: 1200 }], stored: 5000 })),
}
let api: typeof import('.').api

beforeAll(async () => {
  window.go = { main: { App: App as unknown as Record<string, (...args: unknown[]) => Promise<unknown>> } }
  window.runtime = { EventsOnMultiple: () => () => {} }
  api = (await import('.')).api
})

const draft: Job = {
  id: 'j1',
  name: 'Photos',
  sourcePath: 'photos',
  destinationId: 'd1',
  schedule: '0 2 * * *',
  retentionType: 'VERSION_COUNT',
  retentionCount: 2,
  namePattern: '{job}-{datetime}',
  enabled: true,
  catchUp: true,
  incremental: true,
  verifyUnchangedByHash: false,
  onNoChange: 'newVersion',
  useDefaultExcludes: true,
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
  lastRunAt: '',
}

describe('api', () => {
  it('previewRetention sends the draft job, without empty times', async () => {
    const p = await api.previewRetention(draft)
    expect(p.policy).toEqual({ type: 'VERSION_COUNT', count: 2 })
    const sent = App.PreviewRetention.mock.calls[0] as unknown as [Record<string, unknown>]
    expect(sent[0]).toMatchObject({ id: 'j1', destinationId: 'd1', retentionType: 'VERSION_COUNT', retentionCount: 2 })
    expect('lastRunAt' in sent[0]).toBe(false)
  })

  it('listChoices sends the destination being edited and the parent', async () => {
    const d: Destination = { id: '', name: '', kind: 's3', credentialId: 'c1', remoteId: '', options: { endpoint: 'http://127.0.0.1:9000' }, createdAt: '', updatedAt: '' }
    expect(await api.listChoices(d, 'photos/2024')).toEqual([{ id: 'photos', name: 'photos', kind: 'bucket', hasSub: true }])
    const [sent, parent] = App.ListChoices.mock.calls[0] as unknown as [Record<string, unknown>, string]
    expect(sent).toMatchObject({ kind: 's3', credentialId: 'c1', remoteId: '', options: { endpoint: 'http://127.0.0.1:9000' } })
    expect('createdAt' in sent).toBe(false)
    expect(parent).toBe('photos/2024')
  })

  it("jobStorage asks for one job's usage at its destination", async () => {
    const u = await api.jobStorage('j1')
    expect(App.JobStorage).toHaveBeenCalledWith('j1')
    expect(u.stored).toBe(5000)
    expect(u.versions).toEqual([{ name: 'Photos-2', layout: 'current+history', only: 1200 }])
  })
})
