import { describe, expect, it, vi } from 'vitest'
import { render, screen } from '@testing-library/react'
import StatusPage from './StatusPage'
import { api } from '../api'

vi.mock('../api', () => ({ api: { status: vi.fn() } }))

describe('StatusPage', () => {
  it('shows the version, data folder and tray state', async () => {
    vi.mocked(api.status).mockResolvedValue({
      version: '1.2.3',
      dataDir: '/home/ana/.config/avault',
      trayHost: true,
      platform: 'linux/amd64',
    } as Awaited<ReturnType<typeof api.status>>)
    render(<StatusPage />)
    expect(await screen.findByText('1.2.3')).toBeTruthy()
    expect(screen.getByText('/home/ana/.config/avault')).toBeTruthy()
    expect(screen.getByText(/Tray host found/)).toBeTruthy()
  })

  it('shows an error where it happened', async () => {
    vi.mocked(api.status).mockRejectedValue('database locked')
    render(<StatusPage />)
    expect((await screen.findByRole('alert')).textContent).toContain('database locked')
  })
})
