import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { JobForm } from './JobForm'
import { RetentionPreview } from './RetentionPreview'
import { api, resetApi } from '../test/fakeApi'
import type { Job, RetentionPreview as Preview } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const saved: Job = {
  id: 'j1',
  name: 'Photos',
  sourcePath: 'photos',
  destinationId: 'd1',
  schedule: '0 2 * * *',
  retentionType: 'VERSION_COUNT',
  retentionCount: 7,
  namePattern: '{job}-{datetime}',
  enabled: true,
  catchUp: true,
  incremental: true,
  verifyUnchangedByHash: false,
  onNoChange: 'newVersion',
  useDefaultExcludes: true,
  createdAt: '2026-03-01T00:00:00Z',
  updatedAt: '2026-03-01T00:00:00Z',
}
const dests = [{ id: 'd1', name: 'USB disk', kind: 'local', remoteId: '/media/usb', createdAt: '', updatedAt: '' }]

// preview answers as the Go side would for three versions, the newest
// first; deleting one frees what no kept version shares with it.
const alone = [12_000_000, 3_000_000, 12_000_000]
function preview(j: Job): Preview {
  const n = j.retentionType === 'DAYS' ? 3 : Math.min(3, j.retentionCount ?? 0)
  const versions = ['Photos-2026-03-03', 'Photos-2026-03-02', 'Photos-2026-03-01'].map((name, i) => ({
    name,
    created: `2026-03-0${3 - i}T02:00:00Z`,
    files: 1500,
    bytes: 12_000_000,
    keep: i < n,
    reason: i === 0 ? 'the newest version' : i < n ? `one of the ${n} newest` : `not one of the ${n} newest`,
    frees: i < n ? undefined : alone[i],
  }))
  const frees = versions.reduce((t, v) => t + (v.frees ?? 0), 0)
  return { policy: { type: j.retentionType, count: j.retentionCount }, now: '2026-03-04T00:00:00Z', versions, kept: n, deleted: 3 - n, frees }
}

beforeEach(() => {
  resetApi()
  api.describeSchedule.mockResolvedValue({ description: 'every day at 02:00', next: [] })
  api.previewRetention.mockImplementation(async (j: Job) => preview(j))
})

describe('RetentionPreview', () => {
  it('explains that a new job has no versions, without asking', async () => {
    render(<RetentionPreview job={{ ...saved, id: '' }} />)
    expect(screen.getByText(/A new job has no versions yet/)).toBeTruthy()
    await new Promise((r) => setTimeout(r, 500))
    expect(api.previewRetention).not.toHaveBeenCalled()
  })

  it('marks each version Kept or Deleted, with the reason', async () => {
    render(<RetentionPreview job={{ ...saved, retentionCount: 2 }} />)
    const table = await screen.findByRole('table', { name: 'Versions and what the rule does with each' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(rows.map((r) => within(r).getByText(/Kept|Deleted/).textContent)).toEqual(['Kept', 'Kept', 'Deleted'])
    expect(within(rows[2]).getByText('not one of the 2 newest')).toBeTruthy()
    expect(within(rows[0]).getByText('1,500 files')).toBeTruthy()
    expect(screen.getByTestId('retention-summary').textContent).toBe(
      'Keeps 2 versions and deletes 1 version (frees 12 MB) after the next successful backup; nothing is deleted before then.',
    )
  })

  it('says what each deletion frees and what they free together', async () => {
    render(<RetentionPreview job={{ ...saved, retentionCount: 1 }} />)
    const table = await screen.findByRole('table', { name: 'Versions and what the rule does with each' })
    const rows = within(table).getAllByRole('row').slice(1)
    expect(within(rows[0]).queryByText(/frees/)).toBeNull()
    expect(within(rows[1]).getByText('frees 3.0 MB')).toBeTruthy()
    expect(within(rows[2]).getByText('frees 12 MB')).toBeTruthy()
    expect(screen.getByTestId('retention-summary').textContent).toBe(
      'Keeps 1 version and deletes 2 versions (frees 15 MB) after the next successful backup; nothing is deleted before then.',
    )
  })

  it('says so when the job has no versions, and shows errors in words', async () => {
    api.previewRetention.mockResolvedValueOnce({ policy: { type: 'VERSION_COUNT', count: 7 }, now: '', versions: [], kept: 0, deleted: 0, frees: 0 })
    const { rerender } = render(<RetentionPreview job={saved} />)
    expect(await screen.findByText('This job has no versions at its destination yet.')).toBeTruthy()
    api.previewRetention.mockRejectedValueOnce('destination folder /media/usb does not exist (is the disk mounted?)')
    rerender(<RetentionPreview job={{ ...saved, retentionCount: 3 }} />)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not preview the versions')
    expect(alert.textContent).toContain('is the disk mounted?')
  })

  it('asks once the editing pauses, with the policy being edited', async () => {
    render(<JobForm initial={saved} destinations={dests} onDone={() => {}} />)
    await screen.findByRole('table', { name: 'Versions and what the rule does with each' })
    expect(api.previewRetention).toHaveBeenCalledTimes(1)
    const count = screen.getByLabelText('Versions to keep')
    fireEvent.change(count, { target: { value: '1' } })
    fireEvent.change(count, { target: { value: '2' } })
    expect(await screen.findByText('not one of the 2 newest')).toBeTruthy()
    expect(api.previewRetention).toHaveBeenCalledTimes(2)
    expect(api.previewRetention).toHaveBeenLastCalledWith(expect.objectContaining({ id: 'j1', destinationId: 'd1', retentionType: 'VERSION_COUNT', retentionCount: 2, retentionDays: 0 }))

    fireEvent.click(screen.getByLabelText(/Versions from the last days/))
    await vi.waitFor(() => expect(api.previewRetention).toHaveBeenCalledTimes(3))
    expect(api.previewRetention).toHaveBeenLastCalledWith(expect.objectContaining({ retentionType: 'DAYS', retentionCount: 0, retentionDays: 30 }))
    await vi.waitFor(() => expect(screen.getByTestId('retention-summary').textContent).toBe('Keeps all 3 versions.'))
  })
})
