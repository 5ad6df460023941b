import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { DestinationForm } from './DestinationForm'
import { ChoicePicker } from './ChoicePicker'
import { api, resetApi } from '../test/fakeApi'
import type { Choice, Destination } from '../api'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const kinds = [
  { name: 'local', title: 'Local folder', description: '', fields: [] },
  { name: 's3', title: 'S3', description: '', fields: [] },
  { name: 'gdrive', title: 'Google Drive', description: '', fields: [] },
]
const folder = (id: string, name: string, hasSub = true): Choice => ({ id, name, kind: 'folder', hasSub })

// What the Go side lists, by parent.
const listings: Record<string, Choice[]> = {
  '': [{ id: 'photos', name: 'photos', kind: 'bucket', hasSub: true }, { id: 'logs', name: 'logs', kind: 'bucket', hasSub: true }],
  photos: [folder('photos/nas', 'nas'), folder('photos/old', 'old')],
  'photos/nas': [],
  '/media': [folder('/media/backup', 'backup'), folder('/media/usb', 'usb')],
  '/media/backup': [folder('/media/backup/avault', 'avault')],
  drives: [
    { id: 'root', name: 'My Drive', kind: 'drive', hasSub: true },
    { id: '0ATeam', name: 'Team', kind: 'drive', hasSub: true },
  ],
  '0ATeam': [folder('f-archive', 'Archive')],
  'f-archive': [folder('f-2024', '2024', false)],
}

beforeEach(() => {
  resetApi()
  api.destinationKinds.mockResolvedValue(kinds)
  api.listCredentials.mockResolvedValue([
    { id: 'c1', name: 'B2 key', provider: 's3', metadata: { accessKeyId: 'K00…WXYZ' }, status: 'ok', createdAt: '', updatedAt: '' },
    { id: 'g1', name: 'Ana', provider: 'gdrive', metadata: {}, status: 'ok', createdAt: '', updatedAt: '' },
  ])
  api.listChoices.mockImplementation(async (d: Destination, parent: string) => {
    const l = listings[d.kind === 'gdrive' && parent === '' ? 'drives' : parent]
    if (!l) throw `folder ${parent} does not exist`
    return l
  })
})

async function form(initial?: Destination) {
  render(<DestinationForm initial={initial} onDone={() => {}} />)
  const f = screen.getByRole('form', { name: 'Destination' })
  await within(await within(f).findByLabelText('Kind')).findByText('S3')
  return f
}

describe('ChoicePicker in the destination form', () => {
  it('picks a bucket and a folder in it for S3', async () => {
    const f = await form()
    fireEvent.change(within(f).getByLabelText('Kind'), { target: { value: 's3' } })
    await within(within(f).getByLabelText('Access key')).findByText(/B2 key/)
    fireEvent.change(within(f).getByLabelText('Access key'), { target: { value: 'c1' } })
    fireEvent.click(within(f).getByRole('button', { name: 'Browse…' }))
    const picker = screen.getByRole('dialog', { name: 'Choose the bucket' })
    const top = await within(picker).findByRole('list', { name: 'In All buckets' })
    expect(within(top).getAllByRole('listitem').map((li) => li.getAttribute('data-choice'))).toEqual(['photos', 'logs'])
    expect(api.listChoices).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 's3', credentialId: 'c1', remoteId: '' }), '')
    fireEvent.click(within(picker).getByRole('button', { name: 'Open photos' }))
    await within(picker).findByRole('list', { name: 'In photos' })
    fireEvent.click(within(picker).getByRole('button', { name: 'Choose nas' }))
    expect(screen.queryByRole('dialog', { name: 'Choose the bucket' })).toBeNull()
    expect((within(f).getByLabelText('Bucket') as HTMLInputElement).value).toBe('photos')
    expect((within(f).getByLabelText('Folder in the bucket (optional)') as HTMLInputElement).value).toBe('nas')
  })

  it('opens a local folder picker where the field points, and goes up from there', async () => {
    const f = await form()
    fireEvent.change(within(f).getByLabelText('Folder'), { target: { value: '/media/backup' } })
    fireEvent.click(within(f).getByRole('button', { name: 'Browse…' }))
    const picker = screen.getByRole('dialog', { name: 'Choose the folder' })
    await within(picker).findByRole('list', { name: 'In backup' })
    expect(api.listChoices).toHaveBeenLastCalledWith(expect.objectContaining({ kind: 'local' }), '/media/backup')
    const crumbs = within(picker).getByRole('navigation', { name: 'Where you are' })
    expect(within(crumbs).getAllByRole('button').map((b) => b.textContent)).toEqual(['This computer', 'media', 'backup'])
    fireEvent.click(within(picker).getByRole('button', { name: 'Up one level' }))
    await within(picker).findByRole('list', { name: 'In media' })
    fireEvent.click(within(picker).getByRole('button', { name: 'Choose usb' }))
    expect((within(f).getByLabelText('Folder') as HTMLInputElement).value).toBe('/media/usb')
  })

  it('picks a folder inside a shared drive and names the drive', async () => {
    const f = await form()
    fireEvent.change(within(f).getByLabelText('Kind'), { target: { value: 'gdrive' } })
    await within(within(f).getByLabelText('Google account')).findByText('Ana')
    fireEvent.change(within(f).getByLabelText('Google account'), { target: { value: 'g1' } })
    fireEvent.click(within(f).getByRole('button', { name: 'Browse…' }))
    const picker = screen.getByRole('dialog', { name: 'Choose the drive and folder' })
    fireEvent.click(await within(picker).findByRole('button', { name: 'Open Team' }))
    fireEvent.click(await within(picker).findByRole('button', { name: 'Open Archive' }))
    await within(picker).findByRole('list', { name: 'In Archive' })
    fireEvent.click(within(picker).getByRole('button', { name: 'Choose “Archive”' }))
    expect((within(f).getByLabelText('Shared drive ID') as HTMLInputElement).value).toBe('0ATeam')
    expect((within(f).getByLabelText('Folder (optional)') as HTMLInputElement).value).toBe('Archive')
    expect(within(f).getByText('The shared drive "Team".')).toBeTruthy()
  })
})

describe('ChoicePicker', () => {
  const d: Destination = { id: '', name: '', kind: 's3', credentialId: 'c1', remoteId: '', createdAt: '', updatedAt: '' }

  it('moves between entries with the arrow keys and opens one with Enter', async () => {
    render(<ChoicePicker destination={d} top="All buckets" onPick={() => {}} onCancel={() => {}} />)
    const list = await screen.findByRole('list', { name: 'In All buckets' })
    const photos = screen.getByRole('button', { name: 'Open photos' })
    photos.focus()
    fireEvent.keyDown(list, { key: 'ArrowDown' })
    expect(document.activeElement).toBe(screen.getByRole('button', { name: 'Open logs' }))
    fireEvent.keyDown(list, { key: 'Home' })
    expect(document.activeElement).toBe(photos)
    fireEvent.keyDown(list, { key: 'ArrowUp' })
    expect(document.activeElement).toBe(photos)
    fireEvent.click(document.activeElement as HTMLElement) // Enter on a button clicks it
    await screen.findByRole('list', { name: 'In photos' })
    expect(api.listChoices).toHaveBeenLastCalledWith(d, 'photos')
  })

  it('says in words why nothing could be listed, and can go back', async () => {
    api.listChoices.mockRejectedValueOnce('choose the access key first: the buckets listed are those it can see')
    const onCancel = vi.fn()
    render(<ChoicePicker destination={d} top="All buckets" onPick={() => {}} onCancel={onCancel} />)
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('Could not list what is in All buckets')
    expect(alert.textContent).toContain('choose the access key first')
    fireEvent.click(within(alert).getByRole('button', { name: 'Try again' }))
    await screen.findByRole('list', { name: 'In All buckets' })
    fireEvent.click(screen.getByRole('button', { name: 'Cancel' }))
    expect(onCancel).toHaveBeenCalled()
  })

  it('says so when there is nothing inside', async () => {
    const onPick = vi.fn()
    render(<ChoicePicker destination={d} top="All buckets" start={[{ id: 'photos', name: 'photos', kind: 'bucket', hasSub: true }, folder('photos/nas', 'nas')]} onPick={onPick} onCancel={() => {}} />)
    expect(await screen.findByText('Nothing to choose from here.')).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Choose “nas”' }))
    expect(onPick).toHaveBeenCalledWith([expect.objectContaining({ id: 'photos' }), expect.objectContaining({ id: 'photos/nas' })])
  })
})
