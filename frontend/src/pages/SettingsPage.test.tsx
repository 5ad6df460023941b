import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/react'
import SettingsPage from './SettingsPage'
import { api, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const settings = {
  nasRoot: '/mnt/nas',
  workerConcurrency: 2,
  transfersPerRun: 4,
  uploadLimit: 0,
  keySource: 'keyring',
  notifications: 'failures',
  startHidden: false,
  googleClientSecretSet: false,
  schedulesPaused: false,
  launchAtLogin: false,
}

beforeEach(() => {
  resetApi()
  api.getSettings.mockResolvedValue(settings)
  api.status.mockResolvedValue({ version: '1', dataDir: '/d', trayHost: true, platform: 'linux/amd64', keySource: 'keyring' })
})

describe('SettingsPage', () => {
  it('sets an upload limit in Mbit/s and saves it in bytes per second', async () => {
    api.updateSettings.mockImplementation(async (s: typeof settings) => s)
    render(<SettingsPage />)
    const field = (await screen.findByLabelText('Upload limit (Mbit/s)')) as HTMLInputElement
    expect(field.value).toBe('0')
    expect(screen.getByText(/Now: no limit\./)).toBeTruthy()
    fireEvent.change(field, { target: { value: '20' } })
    expect(screen.getByText(/Now: 20 Mbit\/s, which is 2\.5 MB\/s\./)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }))
    await vi.waitFor(() => expect(api.updateSettings).toHaveBeenCalled())
    expect(api.updateSettings.mock.calls[0][0].uploadLimit).toBe(2_500_000)
  })

  it('shows a limit set elsewhere in Mbit/s, and a refusal where it happened', async () => {
    api.getSettings.mockResolvedValue({ ...settings, uploadLimit: 2 << 20 }) // 2 MiB/s from the command line
    api.updateSettings.mockRejectedValue('uploadLimit: must be 0 (no limit) or between 8 KiB/s and 10 GiB/s')
    render(<SettingsPage />)
    const field = (await screen.findByLabelText('Upload limit (Mbit/s)')) as HTMLInputElement
    expect(field.value).toBe('16.78')
    fireEvent.change(field, { target: { value: '0.01' } })
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }))
    expect((await screen.findByRole('alert')).textContent).toContain('between 8 KiB/s and 10 GiB/s')
  })
})
