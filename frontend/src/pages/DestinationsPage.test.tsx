import { beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen, within } from '@testing-library/react'
import DestinationsPage from './DestinationsPage'
import { api, emit, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

// The form renders a kind's options from the fields that declare them.
const option = (key: string, label: string) => ({ key, label, help: '', required: false, secret: false, option: { key, label, help: '', type: 'text' } })
const kinds = [
  { name: 'local', title: 'Local folder', description: 'A folder on another disk', fields: [] },
  { name: 's3', title: 'S3', description: 'Amazon S3 and compatible stores', fields: [option('endpoint', 'Endpoint URL'), option('region', 'Region')] },
  { name: 'gdrive', title: 'Google Drive', description: '', fields: [] },
]

beforeEach(() => {
  resetApi()
  api.listDestinations.mockResolvedValue([])
  api.listCredentials.mockResolvedValue([
    { id: 'c1', name: 'B2 key', provider: 's3', metadata: { accessKeyId: 'K00…WXYZ' }, status: 'ok', createdAt: '', updatedAt: '' },
    { id: 'c2', name: 'Drive', provider: 'gdrive', metadata: { email: 'ana@example.com' }, status: 'reauth', createdAt: '', updatedAt: '' },
  ])
  api.destinationKinds.mockResolvedValue(kinds)
})

describe('DestinationsPage', () => {
  it('says plainly when an account must sign in again', async () => {
    render(<DestinationsPage />)
    expect((await screen.findAllByText('Sign in again')).length).toBeGreaterThan(0)
    expect(screen.getByText(/Google no longer accepts this sign-in/)).toBeTruthy()
    expect(screen.getByText(/No destinations yet/)).toBeTruthy()
  })

  it('signs a Google account in again in place, as a task it can stop', async () => {
    const task = { id: 't1', kind: 'signin', title: 'Sign in to Google for Drive', jobId: '', status: 'RUNNING', filesDone: 0, filesTotal: 0, bytesDone: 0, bytesTotal: 0, etaSeconds: -1, startedAt: '' }
    api.startConnectGoogle.mockResolvedValue(task)
    render(<DestinationsPage />)
    fireEvent.click(await screen.findByRole('button', { name: 'Sign Drive in again' }))
    const dialog = screen.getByRole('dialog')
    expect(within(dialog).queryByLabelText('Name')).toBeNull()
    fireEvent.click(within(dialog).getByRole('button', { name: 'Sign in with Google' }))
    await vi.waitFor(() => expect(api.startConnectGoogle).toHaveBeenCalledWith(expect.objectContaining({ credentialId: 'c2', name: 'Drive' })))
    // While Google's page waits, the wait can be stopped.
    fireEvent.click(await within(dialog).findByRole('button', { name: 'Stop waiting' }))
    expect(api.cancelTask).toHaveBeenCalledWith('t1')
    // The task ends with the account: the dialog closes.
    act(() =>
      emit('task:update', {
        ...task,
        status: 'SUCCESS',
        credential: { id: 'c2', name: 'Drive', provider: 'gdrive', metadata: {}, status: 'ok', createdAt: '', updatedAt: '' },
      } as never),
    )
    await vi.waitFor(() => expect(screen.queryByRole('dialog')).toBeNull())
    // S3 keys cannot sign in to Google.
    expect(screen.queryByRole('button', { name: 'Sign B2 key in again' })).toBeNull()
  })

  it('fills endpoint, region and addressing from a provider preset and tests before saving', async () => {
    api.testDestination.mockRejectedValue('the bucket "photos" does not exist')
    render(<DestinationsPage />)
    fireEvent.click(await screen.findByRole('button', { name: 'Add destination' }))
    const dialog = screen.getByRole('dialog')
    const kind = await within(dialog).findByLabelText('Kind')
    await within(kind).findByText('S3')
    fireEvent.change(kind, { target: { value: 's3' } })
    fireEvent.change(within(dialog).getByLabelText('Provider'), { target: { value: 'b2' } })
    expect((within(dialog).getByLabelText('Endpoint URL') as HTMLInputElement).value).toBe('https://s3.us-west-004.backblazeb2.com')
    fireEvent.change(within(dialog).getByLabelText('Region'), { target: { value: 'eu-central-003' } })
    expect((within(dialog).getByLabelText('Endpoint URL') as HTMLInputElement).value).toBe('https://s3.eu-central-003.backblazeb2.com')
    // Only S3 keys are offered for an S3 destination.
    const keys = within(dialog).getByLabelText('Access key')
    expect(within(keys).queryByText(/Drive/)).toBeNull()
    fireEvent.change(keys, { target: { value: 'c1' } })
    fireEvent.change(within(dialog).getByLabelText('Name'), { target: { value: 'B2' } })
    fireEvent.change(within(dialog).getByLabelText('Bucket'), { target: { value: 'photos' } })
    fireEvent.click(within(dialog).getByRole('button', { name: 'Test connection' }))
    expect((await within(dialog).findByRole('alert')).textContent).toContain('the bucket "photos" does not exist')
    expect(api.testDestination).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 's3',
        name: 'B2',
        remoteId: 'photos',
        credentialId: 'c1',
        options: { region: 'eu-central-003', endpoint: 'https://s3.eu-central-003.backblazeb2.com', checksumCompat: 'true' },
      }),
    )
    expect(api.createDestination).not.toHaveBeenCalled()
  })

  it('shows why a deletion was refused', async () => {
    api.listDestinations.mockResolvedValue([{ id: 'd1', name: 'USB disk', kind: 'local', remoteId: '/media/usb', createdAt: '', updatedAt: '' }])
    api.deleteDestination.mockRejectedValue('the destination is used by the job "Photos"')
    render(<DestinationsPage />)
    fireEvent.click(await screen.findByRole('button', { name: 'Delete USB disk' }))
    fireEvent.click(within(screen.getByRole('dialog')).getByRole('button', { name: 'Delete' }))
    expect((await screen.findByText(/used by the job "Photos"/)).textContent).toBeTruthy()
    expect(screen.getByRole('dialog')).toBeTruthy()
  })

  it('offers the rclone lines of an encrypted destination, and only of one', async () => {
    api.listDestinations.mockResolvedValue([
      { id: 'd1', name: 'Safe', kind: 'local', remoteId: '/mnt/usb', options: { encrypt: 'true', encryptionKey: 'c2VhbGVk' }, createdAt: '', updatedAt: '' },
      { id: 'd2', name: 'Plain', kind: 'local', remoteId: '/mnt/other', options: {}, createdAt: '', updatedAt: '' },
    ])
    api.rcloneConfig.mockResolvedValue('[safe-crypt]\ntype = crypt\nremote = /mnt/usb\npassword = b2JzY3VyZWQ\n')
    render(<DestinationsPage />)
    fireEvent.click(await screen.findByRole('button', { name: 'rclone configuration for Safe' }))
    expect(screen.queryByRole('button', { name: 'rclone configuration for Plain' })).toBeNull()
    expect((await screen.findByTestId('rclone-config')).textContent).toContain('type = crypt')
    expect(api.rcloneConfig).toHaveBeenCalledWith('d1')
    expect(within(screen.getByRole('dialog')).getByText(/obscured, not encrypted/)).toBeTruthy()
  })
})
