import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { DestinationForm } from './DestinationForm'
import { api, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

// A kind's field that declares an option, as DestinationKinds sends it.
const opt = (o: Record<string, unknown> & { key: string; label: string; help: string; type: string }) => ({
  key: o.key,
  label: o.label,
  help: o.help,
  required: false,
  secret: false,
  option: o,
})

// The kinds as the Go side declares them (job.DestinationOptions), but for
// "objectLock", which no form code knows: the form must render it anyway.
const kinds = [
  {
    name: 'local',
    title: 'Local folder',
    description: '',
    fields: [{ key: 'root', label: 'Folder', required: true, secret: false }, opt({ key: 'encrypt', label: 'Encrypt before upload', help: 'Encrypts.', type: 'bool' })],
  },
  {
    name: 's3',
    title: 'S3',
    description: '',
    fields: [
      { key: 'bucket', label: 'Bucket', required: false, secret: false },
      { key: 'secretAccessKey', label: 'Secret access key', required: true, secret: true },
      opt({ key: 'endpoint', label: 'Endpoint URL', help: 'The address of an S3-compatible store.', type: 'text', example: 'https://s3.example.com' }),
      opt({ key: 'region', label: 'Region', help: 'The region the bucket is in.', type: 'text', default: 'us-east-1' }),
      opt({
        key: 'sse',
        label: 'Server-side encryption',
        help: 'How the store encrypts the objects it keeps.',
        type: 'choice',
        default: "the bucket's default",
        choices: [
          { value: 'AES256', label: 'AES256 (keys managed by the store)' },
          { value: 'aws:kms', label: 'aws:kms (keys in AWS KMS)' },
        ],
      }),
      opt({ key: 'sseKmsKeyId', label: 'KMS key ID', help: 'The AWS KMS key.', type: 'text', when: { key: 'sse', value: 'aws:kms' } }),
      opt({ key: 'pathStyle', label: 'Path-style addressing', help: 'Puts the bucket in the path.', type: 'bool' }),
      opt({ key: 'objectLock', label: 'Object lock days', help: 'Keeps objects locked.', type: 'int', min: 1, max: 365 }),
      opt({ key: 'md5Pass', label: 'Store the MD5 of large files', help: 'Reads files twice.', type: 'bool', advanced: true }),
      opt({ key: 'partSizeMiB', label: 'Part size (MiB)', help: 'Parts of this size.', type: 'int', default: '16', example: '64', min: 5, max: 5120, advanced: true }),
      opt({ key: 'caPem', label: 'Extra CA certificate (PEM)', help: 'A private CA.', type: 'lines', advanced: true }),
    ],
  },
  {
    name: 'gdrive',
    title: 'Google Drive',
    description: '',
    fields: [{ key: 'root', label: 'Drive or folder', required: true, secret: false }, opt({ key: 'trash', label: 'Move old versions to the trash', help: 'Uses the trash.', type: 'bool' })],
  },
]

const input = (label: string) => screen.getByLabelText(label) as HTMLInputElement

beforeEach(() => {
  resetApi()
  api.destinationKinds.mockResolvedValue(kinds)
  api.listCredentials.mockResolvedValue([{ id: 'c1', name: 'B2 key', provider: 's3', metadata: { accessKeyId: 'K00…WXYZ' }, status: 'ok', createdAt: '', updatedAt: '' }])
})

async function chooseKind(name: string) {
  const kind = await screen.findByLabelText('Kind')
  await within(kind).findByText('S3')
  fireEvent.change(kind, { target: { value: name } })
}

describe('DestinationForm', () => {
  it('renders the options a kind declares, each by its type, and no others', async () => {
    render(<DestinationForm onDone={() => {}} />)
    await chooseKind('s3')
    expect(input('Endpoint URL').placeholder).toBe('e.g. https://s3.example.com')
    expect(screen.getByText('The region the bucket is in. Empty means us-east-1.')).toBeTruthy()
    const sse = screen.getByLabelText('Server-side encryption')
    expect(within(sse).getAllByRole('option').map((o) => o.textContent)).toEqual(["The bucket's default", 'AES256 (keys managed by the store)', 'aws:kms (keys in AWS KMS)'])
    expect(input('Path-style addressing').type).toBe('checkbox')
    expect(input('Object lock days').inputMode).toBe('numeric')
    // Rarely needed options are folded away under "More options".
    const more = screen.getByText('More options').closest('details') as HTMLElement
    expect(within(more).getByLabelText('Store the MD5 of large files')).toBeTruthy()
    expect(within(more).getByLabelText('Part size (MiB)')).toBeTruthy()
    expect(within(more).getByLabelText('Extra CA certificate (PEM)').tagName).toBe('TEXTAREA')
    expect(within(more).queryByLabelText('Endpoint URL')).toBeNull()
    // Fields that are not options (the bucket has its own input, secrets come from the credential) are not rendered as options.
    expect(screen.queryByLabelText('Secret access key')).toBeNull()
    expect(screen.queryByLabelText('Move old versions to the trash')).toBeNull()

    await chooseKind('gdrive')
    expect(input('Move old versions to the trash').type).toBe('checkbox')
    expect(screen.queryByLabelText('Endpoint URL')).toBeNull()

    await chooseKind('local')
    // Only "Encrypt before upload", which every kind has in its own section.
    expect(screen.getAllByRole('checkbox').map((c) => c.closest('[data-testid]')?.getAttribute('data-testid'))).toEqual(['encryption'])
    expect(screen.queryByText('More options')).toBeNull()
  })

  it("says what a drive.file sign-in cannot see, and only for such an account", async () => {
    const cred = (id: string, name: string, scopes: string) => ({ id, name, provider: 'gdrive', metadata: { scopes }, status: 'ok', createdAt: '', updatedAt: '' })
    api.listCredentials.mockResolvedValue([
      cred('g1', 'Files only', 'openid email https://www.googleapis.com/auth/drive.file'),
      cred('g2', 'Whole drive', 'openid email https://www.googleapis.com/auth/drive'),
    ])
    render(<DestinationForm onDone={() => {}} />)
    await chooseKind('gdrive')
    const account = screen.getByLabelText('Google account')
    await within(account).findByText('Files only')
    expect(screen.queryByTestId('drive-file-scope')).toBeNull()
    fireEvent.change(account, { target: { value: 'g1' } })
    expect(screen.getByTestId('drive-file-scope').textContent).toMatch(/folder ID you paste.*invisible/)
    fireEvent.change(account, { target: { value: 'g2' } })
    expect(screen.queryByTestId('drive-file-scope')).toBeNull()
  })

  it('shows an option only when it applies, and leaves it out once it no longer does', async () => {
    const done = vi.fn()
    api.createDestination.mockImplementation(async (d: unknown) => ({ ...(d as object), id: 'd1' }))
    render(<DestinationForm onDone={done} />)
    await chooseKind('s3')
    fireEvent.change(input('Name'), { target: { value: 'Bucket' } })
    fireEvent.change(await screen.findByLabelText('Access key'), { target: { value: 'c1' } })
    fireEvent.change(input('Bucket'), { target: { value: 'photos' } })
    expect(screen.queryByLabelText('KMS key ID')).toBeNull()
    fireEvent.change(screen.getByLabelText('Server-side encryption'), { target: { value: 'aws:kms' } })
    fireEvent.change(input('KMS key ID'), { target: { value: 'key-1' } })
    fireEvent.change(screen.getByLabelText('Server-side encryption'), { target: { value: 'AES256' } })
    expect(screen.queryByLabelText('KMS key ID')).toBeNull()
    fireEvent.click(input('Store the MD5 of large files'))
    fireEvent.change(input('Part size (MiB)'), { target: { value: '64' } })
    fireEvent.change(input('Object lock days'), { target: { value: '30' } })
    fireEvent.click(input('Path-style addressing'))
    fireEvent.click(input('Path-style addressing'))
    fireEvent.click(screen.getByRole('button', { name: 'Add destination' }))
    await vi.waitFor(() => expect(done).toHaveBeenCalled())
    expect(api.createDestination).toHaveBeenCalledWith(
      expect.objectContaining({
        kind: 's3',
        remoteId: 'photos',
        credentialId: 'c1',
        options: { region: 'us-east-1', sse: 'AES256', md5Pass: 'true', partSizeMiB: '64', objectLock: '30' },
      }),
    )
  })

  it('shows the options a saved destination has', async () => {
    render(
      <DestinationForm
        initial={{ id: 'd1', name: 'B2', kind: 's3', remoteId: 'photos', credentialId: 'c1', options: { md5Pass: 'true', partSizeMiB: '32', sse: 'aws:kms', sseKmsKeyId: 'key-9' }, createdAt: '', updatedAt: '' }}
        onDone={() => {}}
      />,
    )
    expect((await screen.findByLabelText('Store the MD5 of large files') as HTMLInputElement).checked).toBe(true)
    expect(input('Part size (MiB)').value).toBe('32')
    expect(input('KMS key ID').value).toBe('key-9')
    expect(input('Path-style addressing').checked).toBe(false)
  })

  it('asks for the encryption passwords and a confirmed warning before saving, and sends them once', async () => {
    api.createDestination.mockResolvedValue({ id: 'd9', name: 'Safe', kind: 'local', remoteId: '/mnt/usb', options: {}, createdAt: '', updatedAt: '' })
    render(<DestinationForm onDone={() => {}} />)
    await screen.findByLabelText('Kind')
    fireEvent.change(await screen.findByLabelText('Name'), { target: { value: 'Safe' } })
    expect(screen.getAllByLabelText('Encrypt before upload')).toHaveLength(1) // its own section, not the generic option too
    expect(screen.queryByLabelText('Encryption password')).toBeNull()
    fireEvent.click(input('Encrypt before upload'))
    expect(screen.getByRole('alert').textContent).toContain('A lost password means lost backups')
    fireEvent.change(input('Encryption password'), { target: { value: 'correct horse' } })
    fireEvent.change(input('Password again'), { target: { value: 'correct hors' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add destination' }))
    expect(await screen.findByText('The two passwords differ.')).toBeTruthy()
    fireEvent.change(input('Password again'), { target: { value: 'correct horse' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add destination' }))
    expect(await screen.findByText('Confirm that you understand a lost password means lost backups.')).toBeTruthy()
    expect(api.createDestination).not.toHaveBeenCalled()
    fireEvent.click(input('I understand that a lost password means lost backups'))
    fireEvent.change(input('Salt password (optional)'), { target: { value: 'pepper' } })
    fireEvent.click(screen.getByRole('button', { name: 'Add destination' }))
    await vi.waitFor(() => expect(api.createDestination).toHaveBeenCalledTimes(1))
    expect(api.createDestination.mock.calls[0][0].options).toEqual({ encrypt: 'true', encryptPassword: 'correct horse', encryptSalt: 'pepper' })
  })

  it('keeps the sealed passwords of an encrypted destination unless new ones are entered', async () => {
    api.updateDestination.mockResolvedValue({ id: 'd1', name: 'Safe', kind: 'local', remoteId: '/mnt/usb', options: {}, createdAt: '', updatedAt: '' })
    const initial = { id: 'd1', name: 'Safe', kind: 'local', remoteId: '/mnt/usb', options: { encrypt: 'true', encryptionKey: 'c2VhbGVk' }, createdAt: '', updatedAt: '' }
    render(<DestinationForm initial={initial} onDone={() => {}} />)
    expect((await screen.findByLabelText('Encrypt before upload') as HTMLInputElement).checked).toBe(true)
    expect(screen.queryByLabelText('Encryption password')).toBeNull()
    expect(screen.getByText(/never shown again/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Save changes' }))
    await vi.waitFor(() => expect(api.updateDestination).toHaveBeenCalledTimes(1))
    expect(api.updateDestination.mock.calls[0][0].options).toEqual({ encrypt: 'true', encryptionKey: 'c2VhbGVk' })
  })
})
