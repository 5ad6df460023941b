import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import HistoryPage from './HistoryPage'
import { api, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const run = (i: number, extra = {}) => ({
  id: `r${i}`,
  jobId: 'j1',
  jobName: 'Photos',
  status: 'SUCCESS',
  trigger: 'schedule',
  startedAt: new Date(Date.UTC(2026, 10, 1, 2) + i * 86400_000).toISOString(),
  completedAt: new Date(Date.UTC(2026, 10, 1, 2, 5) + i * 86400_000).toISOString(),
  filesScanned: 1000 + i,
  filesUploaded: 10,
  filesCopied: 990,
  filesSkipped: 0,
  filesFailed: 0,
  bytesScanned: 1e9 + i * 1e6,
  bytesUploaded: 1e7,
  bytesCopied: 9e8,
  remotePath: `Photos-2026-11-${i}`,
  ...extra,
})

beforeEach(() => {
  resetApi()
  api.listJobs.mockResolvedValue([{ id: 'j1', name: 'Photos' }])
  api.listHistory.mockImplementation(async (f: { offset: number; limit: number; jobId: string }) => ({
    items: Array.from({ length: f.limit === 30 ? 30 : 20 }, (_, i) => run(f.offset + i)),
    total: f.jobId ? 30 : 45,
    limit: f.limit,
    offset: f.offset,
  }))
})

describe('HistoryPage', () => {
  it('pages through the runs with the total in view', async () => {
    render(<HistoryPage arg="" />)
    expect((await screen.findByTestId('history-range')).textContent).toBe('1–20 of 45 runs')
    fireEvent.click(screen.getByRole('button', { name: 'Older →' }))
    await vi.waitFor(() => expect(screen.getByTestId('history-range').textContent).toBe('21–40 of 45 runs'))
    expect(api.listHistory).toHaveBeenLastCalledWith({ jobId: '', status: '', limit: 20, offset: 20 })
    expect(screen.getByText('Page 2 of 3')).toBeTruthy()
  })

  it('filters by job and status, and charts the job', async () => {
    render(<HistoryPage arg="" />)
    await screen.findByTestId('history-range')
    // The job list loads apart from the history: a select ignores a value
    // it has no option for, so wait for the job's option first.
    await screen.findByRole('option', { name: 'Photos' })
    fireEvent.change(screen.getByLabelText('Job'), { target: { value: 'j1' } })
    fireEvent.change(screen.getByLabelText('Result'), { target: { value: 'FAILED' } })
    expect(api.listHistory).toHaveBeenLastCalledWith({ jobId: 'j1', status: 'FAILED', limit: 20, offset: 0 })
    expect(await screen.findByRole('img', { name: /Size: latest 1\.0 GB/ })).toBeTruthy()
    expect(screen.getByRole('img', { name: /Duration: latest 5 min/ })).toBeTruthy()
  })

  it('shows a run with its failed files and its version', async () => {
    api.getRun.mockResolvedValue(
      run(3, { status: 'PARTIAL_SUCCESS', filesFailed: 1, failures: [{ path: 'photos/locked.jpg', reason: 'permission denied' }] }),
    )
    render(<HistoryPage arg="r3" />)
    const dialog = await screen.findByRole('dialog', { name: 'Backup run' })
    expect(await within(dialog).findByText('photos/locked.jpg')).toBeTruthy()
    expect(within(dialog).getByText('permission denied')).toBeTruthy()
    expect(within(dialog).getByText('Photos-2026-11-3')).toBeTruthy()
    expect(within(dialog).getByRole('button', { name: 'Verify quickly' })).toBeTruthy()
  })
})
