import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen } from '@testing-library/react'
import DashboardPage from './DashboardPage'
import { api, emit, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const job = (id: string, name: string) => ({
  id,
  name,
  sourcePath: 'photos',
  destinationId: 'd1',
  schedule: '0 2 * * *',
  retentionType: 'VERSION_COUNT',
  namePattern: '{job}-{date}',
  enabled: true,
  catchUp: true,
  incremental: true,
  verifyUnchangedByHash: false,
  onNoChange: 'newVersion',
  useDefaultExcludes: true,
  lastRunAt: '2026-11-25T02:00:00Z',
  createdAt: '',
  updatedAt: '',
})
const run = (id: string, jobId: string, status: string, extra = {}) => ({
  id,
  jobId,
  jobName: jobId === 'j1' ? 'Photos' : 'Documents',
  status,
  trigger: 'schedule',
  startedAt: '2026-11-25T02:00:00Z',
  completedAt: '2026-11-25T02:10:00Z',
  filesScanned: 10,
  filesUploaded: 10,
  filesCopied: 0,
  filesSkipped: 0,
  filesFailed: 0,
  bytesScanned: 1000,
  bytesUploaded: 1000,
  bytesCopied: 0,
  ...extra,
})

beforeEach(() => {
  resetApi()
  api.listJobs.mockResolvedValue([job('j1', 'Photos'), job('j2', 'Documents')])
  api.listHistory.mockResolvedValue({ items: [run('r2', 'j2', 'FAILED', { errorMessage: 'the destination folder is not mounted' }), run('r1', 'j1', 'SUCCESS')], total: 2, limit: 100, offset: 0 })
  api.activeRuns.mockResolvedValue([])
  api.queueStats.mockResolvedValue({ waiting: 0, active: 0, completed: 5, failed: 1, timestamp: 0 })
  api.staleJobs.mockResolvedValue([{ jobId: 'j1', jobName: 'Photos', lastSuccess: '2026-11-01T02:00:00Z', since: '2026-11-03T02:00:00Z' }])
  api.overview.mockResolvedValue({ running: 0, waiting: 0, percent: -1, paused: false, jobs: [] })
  api.cancelRun.mockResolvedValue(undefined)
})

describe('DashboardPage', () => {
  it('puts failures and overdue backups first, in words', async () => {
    render(<DashboardPage />)
    const alerts = await screen.findAllByRole('alert')
    expect(alerts.map((a) => a.textContent).join('\n')).toMatch(/Documents: the last backup failed.*the destination folder is not mounted/)
    expect(alerts.map((a) => a.textContent).join('\n')).toMatch(/Photos: no successful backup since/)
    expect(screen.getByText('Succeeded')).toBeTruthy()
  })

  it('shows a live progress card from events and cancels it by run id', async () => {
    render(<DashboardPage />)
    await screen.findByText('Succeeded')
    act(() =>
      emit('backup:progress', {
        jobId: 'j1',
        historyId: 'r9',
        status: 'UPLOADING',
        filesScanned: 100,
        bytesScanned: 1000,
        scanDone: true,
        filesUploaded: 40,
        filesCopied: 0,
        filesFailed: 0,
        bytesUploaded: 400,
        bytesDone: 400,
        currentFile: 'a.jpg',
        uploadSpeed: 100,
        estimatedTimeRemaining: 6,
        timestamp: 0,
      }),
    )
    expect(await screen.findByRole('article', { name: 'Backup of Photos' })).toBeTruthy()
    expect(screen.getByText('40 of 100')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the backup of Photos' }))
    expect(api.cancelRun).toHaveBeenCalledWith('r9')
    act(() => emit('backup:status', { jobId: 'j1', historyId: 'r9', status: 'CANCELLED', message: '', timestamp: 0 }))
    await vi.waitFor(() => expect(screen.queryByRole('article')).toBeNull())
  })

  it('follows the queue', async () => {
    render(<DashboardPage />)
    const queue = await screen.findByTestId('queue')
    expect(queue.textContent).toContain('Finished5')
    act(() => emit('queue:stats', { waiting: 3, active: 2, completed: 6, failed: 1, timestamp: 0 }))
    expect(screen.getByTestId('queue').textContent).toContain('Waiting3')
  })
})
