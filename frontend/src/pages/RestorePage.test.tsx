import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import RestorePage from './RestorePage'
import { api, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

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
  it('opens the version a run made, browses it and restores one file', async () => {
    api.restoreVersion.mockResolvedValue({ files: 1, bytes: 1024, filesFailed: 0 })
    render(<RestorePage arg="j1/Photos-1" />)
    expect(await screen.findByText('notes.txt')).toBeTruthy()
    expect(api.listVersionFiles).toHaveBeenCalledWith('j1', 'Photos-1', '')
    fireEvent.click(screen.getByRole('button', { name: '2024' }))
    fireEvent.click(await screen.findByRole('button', { name: 'Restore a.jpg' }))
    const dialog = screen.getByRole('dialog', { name: 'Restore "a.jpg"' })
    fireEvent.change(within(dialog).getByLabelText('Restore into'), { target: { value: '/home/ana/Restored' } })
    fireEvent.click(within(dialog).getByLabelText('Replace files that already exist there'))
    fireEvent.click(within(dialog).getByRole('button', { name: 'Restore' }))
    expect((await within(dialog).findByText(/Restored 1 file \(1\.0 KB\) into/)).textContent).toContain('/home/ana/Restored')
    expect(api.restoreVersion).toHaveBeenCalledWith({ jobId: 'j1', version: 'Photos-1', path: '2024/a.jpg', toDir: '/home/ana/Restored', overwrite: true, intoSource: false })
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
