import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import App from '../App'
import { Activity } from './Activity'
import { api, emit, resetApi } from '../test/fakeApi'
import type { Task } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const task = (over: Partial<Task>): Task => ({
  id: 't1',
  kind: 'restore',
  title: 'Restore Photos Photos-1 to /home/ana/out',
  jobId: 'j1',
  status: 'RUNNING',
  filesDone: 0,
  filesTotal: 0,
  bytesDone: 0,
  bytesTotal: 0,
  etaSeconds: -1,
  startedAt: '2026-12-01T10:00:00Z',
  ...over,
})

const restore = task({ filesDone: 250, filesTotal: 1000, bytesDone: 2_500_000, bytesTotal: 10_000_000, etaSeconds: 90 })
const verified = task({
  id: 't0',
  kind: 'verify',
  title: 'Full check of Photos Photos-0',
  status: 'SUCCESS',
  filesDone: 10,
  filesTotal: 10,
  bytesDone: 1000,
  bytesTotal: 1000,
  startedAt: '2026-12-01T09:00:00Z',
  endedAt: '2026-12-01T09:01:00Z',
})

beforeEach(() => {
  resetApi()
  window.location.hash = '#/history'
})

describe('Activity', () => {
  it('shows nothing while no task ran', async () => {
    api.listTasks.mockResolvedValue([])
    const { container } = render(<Activity />)
    await waitFor(() => expect(api.listTasks).toHaveBeenCalled())
    expect(container.innerHTML).toBe('')
  })

  it('shows a running task with its progress and time left, and cancels it by id', async () => {
    api.listTasks.mockResolvedValue([verified, restore])
    api.cancelTask.mockResolvedValue(undefined)
    render(<Activity />)
    const region = await screen.findByRole('region', { name: 'Activity' })
    expect(within(region).getByText('· 1 running')).toBeTruthy()
    const running = within(region).getByRole('group', { name: restore.title })
    expect(within(running).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('2500000')
    expect(within(running).getByText('250 of 1,000 files · 2.5 MB of 10 MB · about 1 min 30 s left')).toBeTruthy()
    fireEvent.click(within(running).getByRole('button', { name: `Cancel: ${restore.title}` }))
    await waitFor(() => expect(api.cancelTask).toHaveBeenCalledWith('t1'))
    expect(within(region).getByText('Recently finished (1)')).toBeTruthy()
    expect(within(within(region).getByRole('group', { name: verified.title })).queryByRole('button', { name: /Cancel/ })).toBeNull()
  })

  it('follows task:update: a new task appears, its counts grow, and it moves to the finished ones when it ends', async () => {
    api.listTasks.mockResolvedValue([])
    render(<Activity />)
    await waitFor(() => expect(api.listTasks).toHaveBeenCalled())
    act(() => emit('task:update', task({ id: 't2', kind: 'preview', title: 'Preview of Photos', filesDone: 12, bytesDone: 3000 })))
    const region = screen.getByRole('region', { name: 'Activity' })
    expect(within(region).getByText('12 files · 3.0 KB')).toBeTruthy()
    act(() => emit('task:update', task({ id: 't2', kind: 'preview', title: 'Preview of Photos', filesDone: 40, bytesDone: 9000 })))
    expect(within(region).getByText('40 files · 9.0 KB')).toBeTruthy()
    act(() =>
      emit('task:update', task({ id: 't2', kind: 'preview', title: 'Preview of Photos', status: 'FAILED', error: 'the source folder does not exist', filesDone: 40, bytesDone: 9000, endedAt: '2026-12-01T10:00:05Z' })),
    )
    expect(within(region).queryByText(/running/)).toBeNull()
    expect(within(region).getByText('Recently finished (1)')).toBeTruthy()
    expect(within(region).getByText('the source folder does not exist')).toBeTruthy()
    fireEvent.click(within(region).getByRole('button', { name: 'Clear finished' }))
    expect(screen.queryByRole('region', { name: 'Activity' })).toBeNull()
  })

  it('is above every page of the window', async () => {
    api.listTasks.mockResolvedValue([restore])
    render(<App />)
    const region = await screen.findByRole('region', { name: 'Activity' })
    expect(region.closest('main')).toBeTruthy()
    expect(within(region).getByRole('group', { name: restore.title })).toBeTruthy()
  })
})
