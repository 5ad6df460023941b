import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { VerifyButtons } from './VerifyButtons'
import { api, emit, resetApi } from '../test/fakeApi'
import type { Task } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const task = (over: Partial<Task>): Task => ({
  id: 'v1',
  kind: 'verify',
  title: 'Full check of Photos Photos-1',
  jobId: 'j1',
  status: 'RUNNING',
  filesDone: 0,
  filesTotal: 4,
  bytesDone: 0,
  bytesTotal: 4000,
  etaSeconds: -1,
  startedAt: '2026-12-01T10:00:00Z',
  ...over,
})

beforeEach(() => resetApi())

const flagged = 'tools/setup.exe: flagged by Google Drive as malware or spam; downloaded with acknowledgeAbuse, byte for byte as backed up'

describe('VerifyButtons', () => {
  it('runs a full check as a task, shows its progress and then what it found', async () => {
    api.startVerify.mockResolvedValue(task({}))
    render(<VerifyButtons jobId="j1" version="Photos-1" />)
    fireEvent.click(screen.getByRole('button', { name: 'Verify by reading every file back' }))
    expect(await screen.findByRole('progressbar')).toBeTruthy()
    expect(api.startVerify).toHaveBeenCalledWith('j1', 'Photos-1', true, 0)
    expect((screen.getByRole('button', { name: 'Verify quickly' }) as HTMLButtonElement).disabled).toBe(true)
    act(() => emit('task:update', task({ filesDone: 2, bytesDone: 2000 })))
    expect(screen.getByText('2 of 4 files · 2.0 KB of 4.0 KB · working out the time left')).toBeTruthy()
    act(() =>
      emit(
        'task:update',
        task({
          status: 'SUCCESS',
          filesDone: 4,
          bytesDone: 4000,
          verify: { mode: 'full', checkedAt: '2026-12-01T10:00:09Z', filesChecked: 4, missing: 1, mismatched: 0, extra: 0, problems: [{ path: 'a.jpg', reason: 'missing from the destination' }], notes: [flagged] },
        }),
      ),
    )
    expect(await screen.findByText('The version has problems.')).toBeTruthy()
    expect(screen.getByText('a.jpg: missing from the destination')).toBeTruthy()
    expect(screen.getByRole('list', { name: 'Notes' }).textContent).toBe(flagged)
    expect(screen.queryByRole('progressbar')).toBeNull()
    expect((screen.getByRole('button', { name: 'Verify quickly' }) as HTMLButtonElement).disabled).toBe(false)
  })

  it('cancels a check under way', async () => {
    api.startVerify.mockResolvedValue(task({}))
    api.cancelTask.mockResolvedValue(undefined)
    render(<VerifyButtons jobId="j1" version="Photos-1" />)
    fireEvent.click(screen.getByRole('button', { name: 'Verify by reading every file back' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Cancel: Full check of Photos Photos-1' }))
    await waitFor(() => expect(api.cancelTask).toHaveBeenCalledWith('v1'))
    act(() => emit('task:update', task({ status: 'CANCELLED', filesDone: 1 })))
    expect(await screen.findByText(/The check was cancelled/)).toBeTruthy()
  })

  it('keeps an update heard before the start was answered', async () => {
    let answer: (t: Task) => void = () => {}
    api.startVerify.mockReturnValue(new Promise<Task>((r) => (answer = r)))
    render(<VerifyButtons jobId="j1" version="Photos-1" />)
    fireEvent.click(screen.getByRole('button', { name: 'Verify quickly' }))
    const ended = task({ title: 'Quick check of Photos Photos-1', status: 'FAILED', error: 'cannot list the files of Photos-1: connection reset' })
    act(() => emit('task:update', ended))
    await act(async () => answer(task({ title: 'Quick check of Photos Photos-1' })))
    expect(await screen.findByText('cannot list the files of Photos-1: connection reset')).toBeTruthy()
    expect(screen.queryByRole('progressbar')).toBeNull()
  })
})
