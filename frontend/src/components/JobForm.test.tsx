import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen, waitFor } from '@testing-library/react'
import { JobForm } from './JobForm'
import { api, emit, resetApi } from '../test/fakeApi'
import type { Job, Task } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const defaults: Job = {
  id: '',
  name: '',
  sourcePath: '',
  destinationId: '',
  schedule: '0 2 * * *',
  retentionType: 'VERSION_COUNT',
  retentionCount: 7,
  namePattern: '{job}-{date}',
  enabled: true,
  catchUp: true,
  incremental: true,
  verifyUnchangedByHash: false,
  onNoChange: 'newVersion',
  useDefaultExcludes: true,
  createdAt: '0001-01-01T00:00:00Z',
  updatedAt: '0001-01-01T00:00:00Z',
}
const dests = [
  { id: 'd1', name: 'USB disk', kind: 'local', remoteId: '/media/usb', createdAt: '', updatedAt: '' },
  { id: 'd2', name: 'Wasabi', kind: 's3', remoteId: 'backups', createdAt: '', updatedAt: '' },
  { id: 'd3', name: 'Drive', kind: 'gdrive', remoteId: 'root', createdAt: '', updatedAt: '' },
]
const saved: Job = { ...defaults, id: 'j1', name: 'Photos', sourcePath: 'photos', destinationId: 'd2', createdAt: '2026-03-01T00:00:00Z', updatedAt: '2026-03-01T00:00:00Z' }
const radio = (name: RegExp) => screen.getByRole('radio', { name }) as HTMLInputElement
const currentHistory = () => radio(/^Current \+ history/)
const fullCopies = () => radio(/^Full copies/)

beforeEach(() => {
  resetApi()
  api.describeSchedule.mockImplementation(async (expr: string) =>
    expr === 'nonsense'
      ? Promise.reject('expected 5 fields, found 1')
      : expr === '0 3 * * 0'
        ? { description: 'every Sunday at 03:00', next: ['2026-11-29T03:00:00+01:00', '2026-12-06T03:00:00+01:00', '2026-12-13T03:00:00+01:00'] }
        : { description: 'every day at 02:00', next: [] },
  )
})

describe('JobForm', () => {
  it('reads the schedule as the scheduler does and lists the next runs', async () => {
    render(<JobForm initial={defaults} destinations={dests} onDone={() => {}} />)
    fireEvent.change(screen.getByLabelText('Schedule'), { target: { value: '0 3 * * 0' } })
    expect((await screen.findByTestId('schedule-reading')).textContent).toMatch(/Runs every Sunday at 03:00\..*Next: .*2026/)
    expect(api.describeSchedule).toHaveBeenLastCalledWith('0 3 * * 0', 3)
    fireEvent.change(screen.getByLabelText('Cron expression'), { target: { value: 'nonsense' } })
    expect((await screen.findByText('expected 5 fields, found 1')).getAttribute('role')).toBe('alert')
  })

  it('previews what would be backed up as a task: the count as it walks, Cancel, then the summary', async () => {
    const walking = (over: Partial<Task>): Task => ({
      id: 'p1',
      kind: 'preview',
      title: 'Preview of Photos',
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
    api.startPreview.mockResolvedValue(walking({}))
    api.cancelTask.mockResolvedValue(undefined)
    render(<JobForm initial={saved} destinations={dests} onDone={() => {}} />)
    fireEvent.click(screen.getByRole('button', { name: 'Preview what would be backed up' }))
    expect(await screen.findByRole('progressbar')).toBeTruthy()
    expect((api.startPreview.mock.calls[0] as unknown as [Job])[0].sourcePath).toBe('photos')
    act(() => emit('task:update', walking({ filesDone: 1200, bytesDone: 3_000_000 })))
    expect(screen.getByText('1,200 files · 3.0 MB')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Cancel: Preview of Photos' }))
    await waitFor(() => expect(api.cancelTask).toHaveBeenCalledWith('p1'))
    act(() => emit('task:update', walking({ status: 'CANCELLED', filesDone: 1300 })))
    expect(await screen.findByText('The preview was cancelled.')).toBeTruthy()

    api.startPreview.mockResolvedValue(walking({ id: 'p2' }))
    fireEvent.click(screen.getByRole('button', { name: 'Preview what would be backed up' }))
    await waitFor(() => expect(api.startPreview).toHaveBeenCalledTimes(2))
    act(() => emit('task:update', walking({ id: 'p2', status: 'SUCCESS', filesDone: 2, bytesDone: 5, preview: { files: 2, bytes: 5, excluded: 1, skipped: 0, failed: 0, folders: 3, symlinks: 1, symlinkPaths: [{ path: 'docs/link', target: '../a.txt' }] } })))
    expect((await screen.findByText(/A backup now would take/)).textContent).toBe(
      'A backup now would take 2 files (5 B) in 3 folders, record 1 symbolic link (never followed), leave out 1 path by the rules.',
    )
    expect(screen.getByText('docs/link → ../a.txt')).toBeTruthy()
    expect(screen.queryByText('The preview was cancelled.')).toBeNull()
  })

  it('shows a live example of the version name', () => {
    render(<JobForm initial={defaults} destinations={dests} onDone={() => {}} />)
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Family: photos' } })
    const today = new Date()
    const date = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
    expect(screen.getByText(`Family- photos-${date}`)).toBeTruthy()
  })

  it('sends lists one pattern per line and leaves out retention fields the rule does not use', async () => {
    const done = vi.fn()
    api.createJob.mockImplementation(async (j: Job) => ({ ...j, id: 'j1' }))
    render(<JobForm initial={defaults} destinations={dests} onDone={done} />)
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Photos' } })
    fireEvent.change(screen.getByLabelText('NAS folder'), { target: { value: 'photos' } })
    fireEvent.change(screen.getByLabelText('Destination'), { target: { value: 'd1' } })
    fireEvent.change(screen.getByLabelText('Exclude (optional)'), { target: { value: '*.tmp\n\n  cache/  \n' } })
    fireEvent.click(screen.getByLabelText(/Versions from the last days/))
    fireEvent.change(screen.getByLabelText('Days to keep versions'), { target: { value: '90' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }))
    await vi.waitFor(() => expect(done).toHaveBeenCalled())
    expect(api.createJob).toHaveBeenCalledWith(
      expect.objectContaining({ name: 'Photos', sourcePath: 'photos', destinationId: 'd1', excludes: ['*.tmp', 'cache/'], includes: [], retentionType: 'DAYS', retentionDays: 90, retentionCount: 0, layout: 'FULL' }),
    )
  })

  it('keeps the form open and says why when saving fails', async () => {
    api.createJob.mockRejectedValue('set the NAS root in Settings before adding a job')
    const done = vi.fn()
    render(<JobForm initial={defaults} destinations={dests} onDone={done} />)
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }))
    expect((await screen.findByText('set the NAS root in Settings before adding a job')).closest('[role="alert"]')).toBeTruthy()
    expect(done).not.toHaveBeenCalled()
  })

  it('picks the folder from the NAS', async () => {
    api.browseNAS.mockImplementation(async (p: string) => ({
      path: p,
      root: '/mnt/nas',
      items: p === '/' ? [{ name: 'photos', path: '/photos', type: 'directory', modified: '' }, { name: 'a.txt', path: '/a.txt', type: 'file', modified: '' }] : [],
    }))
    render(<JobForm initial={defaults} destinations={dests} onDone={() => {}} />)
    fireEvent.click(screen.getByRole('button', { name: 'Choose…' }))
    fireEvent.click(await screen.findByRole('button', { name: /photos/ }))
    fireEvent.click(await screen.findByRole('button', { name: 'Back up "photos"' }))
    expect((screen.getByLabelText('NAS folder') as HTMLInputElement).value).toBe('photos')
    expect((screen.getByLabelText('Name') as HTMLInputElement).value).toBe('photos')
  })

  it("keeps a new job's versions the way its destination's kind suggests, until the person picks", async () => {
    const done = vi.fn()
    api.createJob.mockImplementation(async (j: Job) => ({ ...j, id: 'j1' }))
    render(<JobForm initial={defaults} destinations={dests} onDone={done} />)
    expect(screen.getByRole('group', { name: 'Versions kept as' })).toBeTruthy()
    expect(currentHistory().checked || fullCopies().checked).toBe(false)
    const destination = screen.getByLabelText('Destination')
    fireEvent.change(destination, { target: { value: 'd2' } })
    expect(currentHistory().checked).toBe(true)
    fireEvent.change(destination, { target: { value: 'd1' } })
    expect(fullCopies().checked).toBe(true)
    expect(screen.queryByLabelText('Folder at the destination')).toBeNull()
    fireEvent.change(destination, { target: { value: 'd3' } })
    expect(currentHistory().checked).toBe(true)

    fireEvent.click(fullCopies())
    fireEvent.change(destination, { target: { value: 'd2' } })
    expect(fullCopies().checked).toBe(true)
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }))
    await vi.waitFor(() => expect(done).toHaveBeenCalled())
    expect(api.createJob).toHaveBeenCalledWith(expect.objectContaining({ destinationId: 'd2', layout: 'FULL' }))
  })

  it('names the current + history folder after the job unless told otherwise', async () => {
    const done = vi.fn()
    api.createJob.mockImplementation(async (j: Job) => ({ ...j, id: 'j1' }))
    render(<JobForm initial={defaults} destinations={dests} onDone={done} />)
    fireEvent.change(screen.getByLabelText('Name'), { target: { value: 'Photos' } })
    fireEvent.change(screen.getByLabelText('Destination'), { target: { value: 'd2' } })
    const folder = screen.getByLabelText('Folder at the destination') as HTMLInputElement
    expect(folder.placeholder).toBe('Photos')
    expect(folder.disabled).toBe(false)
    fireEvent.change(folder, { target: { value: '  Family photos ' } })
    fireEvent.click(screen.getByRole('button', { name: 'Create job' }))
    await vi.waitFor(() => expect(done).toHaveBeenCalled())
    expect(api.createJob).toHaveBeenCalledWith(expect.objectContaining({ layout: 'CURRENT_HISTORY', folder: 'Family photos' }))
  })

  it('keeps the folder of a job that has run, and says why', () => {
    const ran: Job = { ...saved, layout: 'CURRENT_HISTORY', folder: 'Photos', lastRunAt: '2026-03-02T02:00:00Z' }
    render(<JobForm initial={ran} destinations={dests} onDone={() => {}} />)
    const folder = screen.getByLabelText('Folder at the destination') as HTMLInputElement
    expect(folder.value).toBe('Photos')
    expect(folder.disabled).toBe(true)
    expect(screen.getByText(/The job has run, so its current copy and history are in this folder; it cannot change now/)).toBeTruthy()
  })

  it("keeps a saved job's layout and says what switching does to the versions made so far", async () => {
    const done = vi.fn()
    api.updateJob.mockImplementation(async (j: Job) => j)
    // Saved before layouts existed: full copies, whatever the destination.
    render(<JobForm initial={{ ...saved, lastRunAt: '2026-03-02T02:00:00Z' }} destinations={dests} onDone={done} />)
    expect(fullCopies().checked).toBe(true)
    expect(screen.queryByRole('note')).toBeNull()
    fireEvent.click(currentHistory())
    expect(screen.getByRole('note').textContent).toBe(
      'New versions will be kept as current + history (changes only). The versions made so far stay listed, restorable and under retention.',
    )
    expect((screen.getByLabelText('Folder at the destination') as HTMLInputElement).disabled).toBe(false)
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await vi.waitFor(() => expect(done).toHaveBeenCalled())
    expect(api.updateJob).toHaveBeenCalledWith(expect.objectContaining({ id: 'j1', layout: 'CURRENT_HISTORY' }))
  })
})
