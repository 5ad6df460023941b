import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen, waitFor, within } from '@testing-library/react'
import RestorePage from './RestorePage'
import { api, emit, resetApi } from '../test/fakeApi'
import type { Task } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

// task is the restore the page starts, as task:update carries it.
const task = (over: Partial<Task> = {}): Task => ({
  id: 't1',
  kind: 'restore',
  title: 'Restore Photos Photos-1 to /home/ana/Restored',
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

const version = (name: string) => ({ name, owner: { jobId: 'j1', runId: 'r1' }, created: '2026-11-20T02:00:00Z', files: 2, bytes: 2048 })

beforeEach(() => {
  resetApi()
  api.listJobs.mockResolvedValue([{ id: 'j1', name: 'Photos' }])
  api.listVersions.mockResolvedValue([version('Photos-2'), version('Photos-1')])
  api.listVersionFiles.mockImplementation(async (_j: string, _v: string, dir: string) =>
    dir === ''
      ? [
          { name: '2024', path: '2024', type: 'directory', size: 1024, files: 1 },
          { name: 'notes.txt', path: 'notes.txt', type: 'file', size: 1024, modified: '2026-11-19T10:00:00Z' },
        ]
      : [{ name: 'a.jpg', path: '2024/a.jpg', type: 'file', size: 1024, modified: '2026-11-19T10:00:00Z' }],
  )
})

describe('RestorePage', () => {
  it('opens the version a run made, browses it and restores one file as a task it follows to the end', async () => {
    api.startRestore.mockResolvedValue(task({ filesTotal: 1, bytesTotal: 1024 }))
    render(<RestorePage arg="j1/Photos-1" />)
    expect(await screen.findByText('notes.txt')).toBeTruthy()
    expect(api.listVersionFiles).toHaveBeenCalledWith('j1', 'Photos-1', '')
    fireEvent.click(screen.getByRole('button', { name: '2024' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Restore a.jpg' }))
    const dialog = screen.getByRole('dialog', { name: 'Restore "a.jpg"' })
    fireEvent.change(within(dialog).getByLabelText('Restore into'), { target: { value: '/home/ana/Restored' } })
    fireEvent.click(within(dialog).getByLabelText('Replace files that already exist there'))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }))
    expect(await within(dialog).findByRole('progressbar')).toBeTruthy()
    expect(api.startRestore).toHaveBeenCalledWith({ jobId: 'j1', version: 'Photos-1', path: '2024/a.jpg', toDir: '/home/ana/Restored', overwrite: true, intoSource: false })

    act(() => emit('task:update', task({ filesTotal: 1, bytesTotal: 1024, bytesDone: 512, etaSeconds: 3, currentFile: '2024/a.jpg' })))
    expect(within(dialog).getByRole('progressbar').getAttribute('aria-valuenow')).toBe('512')
    expect(within(dialog).getByText('0 of 1 files · 512 B of 1.0 KB · about 3 s left')).toBeTruthy()
    const note = '2024/a.jpg: flagged by Google Drive as malware or spam; downloaded with acknowledgeAbuse, byte for byte as backed up'
    act(() => emit('task:update', task({ status: 'SUCCESS', filesDone: 1, filesTotal: 1, bytesDone: 1024, bytesTotal: 1024, restore: { files: 1, bytes: 1024, filesFailed: 0, notes: [note] } })))
    expect((await within(dialog).findByText(/Restored 1 file \(1\.0 KB\) into/)).textContent).toContain('/home/ana/Restored')
    expect(within(dialog).getByRole('list', { name: 'Notes' }).textContent).toBe(note)
    expect(within(dialog).queryByRole('progressbar')).toBeNull()
    expect(api.restoreVersion).not.toHaveBeenCalled()
  })

  it('cancels a restore under way and says every file left is whole', async () => {
    api.startRestore.mockResolvedValue(task({ filesTotal: 2, bytesTotal: 2048 }))
    api.cancelTask.mockResolvedValue(undefined)
    render(<RestorePage arg="j1/Photos-1" />)
    fireEvent.click(await screen.findByRole('button', { name: 'Restore everything…' }))
    const dialog = screen.getByRole('dialog', { name: 'Restore the whole version' })
    fireEvent.change(within(dialog).getByLabelText('Restore into'), { target: { value: '/home/ana/Restored' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }))
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Cancel: Restore Photos Photos-1 to /home/ana/Restored' }))
    await waitFor(() => expect(api.cancelTask).toHaveBeenCalledWith('t1'))
    act(() => emit('task:update', task({ status: 'CANCELLED', filesDone: 1, filesTotal: 2, restore: { files: 1, bytes: 1024, filesFailed: 0 } })))
    expect((await within(dialog).findByText(/The restore was cancelled after 1 file/)).textContent).toContain('every file in /home/ana/Restored is whole')
  })

  it('says at once why a restore cannot start, and starts none', async () => {
    api.startRestore.mockRejectedValue('files already exist: 1 of the files to restore already exist in /home/ana (notes.txt)')
    render(<RestorePage arg="j1/Photos-1" />)
    fireEvent.click(await screen.findByRole('button', { name: 'Restore notes.txt' }))
    const dialog = screen.getByRole('dialog', { name: 'Restore "notes.txt"' })
    fireEvent.change(within(dialog).getByLabelText('Restore into'), { target: { value: '/home/ana' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }))
    expect(await within(dialog).findByText(/already exist in \/home\/ana/)).toBeTruthy()
    expect(within(dialog).getByText('The restore cannot start')).toBeTruthy()
    expect(within(dialog).getByLabelText('Restore into')).toBeTruthy() // the form stays, to choose again
    expect(within(dialog).queryByRole('progressbar')).toBeNull()
  })

  it('shows what each version holds alone, how it is kept, and what the job stores in all', async () => {
    api.jobStorage.mockResolvedValue({
      versions: [
        { name: 'Photos-2', layout: 'current+history', only: 1_500_000 },
        { name: 'Photos-1', layout: 'full', only: 2048 },
      ],
      stored: 3_600_000,
    })
    render(<RestorePage arg="j1" />)
    expect((await screen.findByTestId('job-stored')).textContent).toBe('Stored at the destination: 3.6 MB for 2 versions.')
    expect(api.jobStorage).toHaveBeenCalledWith('j1')
    const [newest, oldest] = screen.getAllByRole('listitem')
    expect(within(newest).getByText('1.5 MB only in it · kept as current + history')).toBeTruthy()
    expect(within(oldest).getByText('2.0 KB only in it · kept as full copy')).toBeTruthy()
  })

  it('still lists the versions when their sizes cannot be worked out', async () => {
    api.jobStorage.mockRejectedValue('reading the commit records: connection reset')
    render(<RestorePage arg="j1" />)
    expect(await screen.findByText('The space each version takes could not be worked out: reading the commit records: connection reset')).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Open Photos-2' })).toBeTruthy()
    expect(screen.getByRole('button', { name: 'Open Photos-1' })).toBeTruthy()
    expect(screen.queryByText(/only in it/)).toBeNull()
  })

  it('says so when the version is gone', async () => {
    render(<RestorePage arg="j1/Photos-0" />)
    expect((await screen.findByText(/Photos-0 is no longer at the destination/)).getAttribute('role')).toBe('status')
    expect(screen.getByRole('button', { name: 'Open Photos-2' })).toBeTruthy()
  })
})
