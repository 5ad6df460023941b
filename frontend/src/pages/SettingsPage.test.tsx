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

  it('says what starting in the tray does, and saves the choice', async () => {
    api.updateSettings.mockImplementation(async (s: typeof settings) => s)
    render(<SettingsPage />)
    const box = (await screen.findByLabelText('Start in the tray')) as HTMLInputElement
    const hint = document.getElementById(box.getAttribute('aria-describedby')!)!.textContent
    expect(hint).toMatch(/Every time Avault starts, it shows only its tray icon/)
    expect(hint).toMatch(/as it does when it starts at login/)
    expect(hint).not.toMatch(/No tray is available/)
    expect(screen.getByLabelText('Start Avault when I log in').getAttribute('aria-describedby')).toBeTruthy()
    fireEvent.click(box)
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }))
    await vi.waitFor(() => expect(api.updateSettings).toHaveBeenCalled())
    expect(api.updateSettings.mock.calls[0][0].startHidden).toBe(true)
  })

  it('says the window opens anyway where no tray can be shown', async () => {
    api.status.mockResolvedValue({ version: '1', dataDir: '/d', trayHost: false, platform: 'linux/amd64', keySource: 'keyring' })
    render(<SettingsPage />)
    const box = await screen.findByLabelText('Start in the tray')
    await vi.waitFor(() => expect(document.getElementById(box.getAttribute('aria-describedby')!)!.textContent).toMatch(/No tray is available on this desktop now, so the window opens anyway\./))
  })

  it('says what launching at login does', async () => {
    render(<SettingsPage />)
    const box = await screen.findByLabelText('Start Avault when I log in')
    expect(document.getElementById(box.getAttribute('aria-describedby')!)!.textContent).toMatch(/starts at login in the tray, with its window closed/)
  })
})

describe('SettingsPage metrics', () => {
  it('saves a metrics port and says where the metrics are', async () => {
    api.updateSettings.mockImplementation(async (s: typeof settings) => s)
    render(<SettingsPage />)
    const field = (await screen.findByLabelText('Metrics port')) as HTMLInputElement
    expect(field.value).toBe('0')
    fireEvent.change(field, { target: { value: '9842' } })
    expect(document.getElementById(field.getAttribute('aria-describedby')!)!.textContent).toContain('http://127.0.0.1:9842/metrics')
    fireEvent.click(screen.getByRole('button', { name: 'Save settings' }))
    await vi.waitFor(() => expect(api.updateSettings).toHaveBeenCalled())
    expect(api.updateSettings.mock.calls[0][0].metricsPort).toBe(9842)
  })
})
