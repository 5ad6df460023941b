import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { ChannelsCard } from './ChannelsCard'
import { api, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const slack = {
  id: 'c1',
  name: 'Family chat',
  kind: 'slack',
  disabled: false,
  when: ['failed', 'stale'],
  urlHost: 'https://hooks.slack.com',
  passwordSet: false,
  tokenSet: false,
  lastError: 'Slack to https://hooks.slack.com answered 404 Not Found: no_service',
  lastErrorAt: new Date(Date.now() - 5 * 60_000).toISOString(),
}

beforeEach(() => {
  resetApi()
  api.listChannels.mockResolvedValue([slack])
})

describe('ChannelsCard', () => {
  it('shows a channel with its last error, and sends a test', async () => {
    api.testChannel.mockRejectedValueOnce('Family chat: Slack to https://hooks.slack.com answered 404 Not Found')
    render(<ChannelsCard />)
    const row = await screen.findByRole('listitem', { name: 'Family chat' })
    expect(row.textContent).toContain('https://hooks.slack.com')
    expect(row.textContent).toContain('when a backup failed, a backup is overdue')
    expect(within(row).getByRole('status').textContent).toMatch(/Last delivery failed .*404 Not Found: no_service/)
    fireEvent.click(within(row).getByRole('button', { name: 'Send a test' }))
    await vi.waitFor(() => expect(api.testChannel).toHaveBeenCalledWith('c1'))
    expect((await within(row).findByRole('alert')).textContent).toContain('answered 404')
  })

  it('adds an email channel with its password and occasions', async () => {
    api.listChannels.mockResolvedValue([])
    api.saveChannel.mockImplementation(async (c: unknown) => c)
    render(<ChannelsCard />)
    expect(await screen.findByText(/No channels yet/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Add a channel' }))
    const form = screen.getByRole('form', { name: 'Notification channel' })
    fireEvent.change(within(form).getByLabelText('Name'), { target: { value: 'Mail' } })
    fireEvent.change(within(form).getByLabelText('Mail server'), { target: { value: 'smtp.example.com' } })
    fireEvent.change(within(form).getByLabelText('Security'), { target: { value: 'tls' } })
    fireEvent.change(within(form).getByLabelText('User name'), { target: { value: 'me' } })
    fireEvent.change(within(form).getByLabelText('Password'), { target: { value: 'pw' } })
    fireEvent.change(within(form).getByLabelText('From'), { target: { value: 'avault@example.com' } })
    fireEvent.change(within(form).getByLabelText('To'), { target: { value: 'me@example.com, you@example.com' } })
    fireEvent.click(within(form).getByLabelText('A backup succeeded'))
    fireEvent.click(within(form).getByLabelText('A backup is overdue'))
    fireEvent.click(within(form).getByRole('button', { name: 'Add channel' }))
    await vi.waitFor(() => expect(api.saveChannel).toHaveBeenCalled())
    const saved = api.saveChannel.mock.calls[0][0]
    expect(saved).toMatchObject({
      id: '',
      name: 'Mail',
      kind: 'email',
      smtpHost: 'smtp.example.com',
      smtpSecurity: 'tls',
      username: 'me',
      password: 'pw',
      from: 'avault@example.com',
      to: ['me@example.com, you@example.com'],
      when: ['failed', 'partial', 'succeeded'],
    })
  })

  it('keeps a stored URL when it is left empty, and says where it points', async () => {
    api.saveChannel.mockImplementation(async (c: unknown) => c)
    render(<ChannelsCard />)
    const row = await screen.findByRole('listitem', { name: 'Family chat' })
    fireEvent.click(within(row).getByRole('button', { name: 'Edit' }))
    const form = screen.getByRole('form', { name: 'Notification channel' })
    const url = within(form).getByLabelText('URL') as HTMLInputElement
    expect(url.value).toBe('')
    expect(document.getElementById(url.getAttribute('aria-describedby')!)!.textContent).toContain('pointing at https://hooks.slack.com')
    fireEvent.click(within(form).getByRole('button', { name: 'Save channel' }))
    await vi.waitFor(() => expect(api.saveChannel).toHaveBeenCalled())
    expect(api.saveChannel.mock.calls[0][0]).toMatchObject({ id: 'c1', url: '' })
  })
})
