import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/react'
import { AuthGate } from './AuthGate'
import { module } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

type Session = typeof module.session & { mode: string }
const session = module.session as Session

beforeEach(() => {
  let listener: ((s: string) => void) | null = null
  Object.assign(session, {
    mode: 'web',
    state: () => 'checking',
    check: vi.fn(async () => 'password'),
    subscribe: (fn: (s: string) => void) => {
      listener = fn
      return () => {}
    },
    login: vi.fn(async (pw: string) => {
      if (pw !== 'right') throw 'wrong password'
      listener?.('ok')
    }),
  })
})

describe('AuthGate', () => {
  it('asks for the password, says when it is wrong, and opens the app when it is right', async () => {
    render(
      <AuthGate>
        <p>the app</p>
      </AuthGate>,
    )
    fireEvent.change(await screen.findByLabelText('Password'), { target: { value: 'nope' } })
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('wrong password')).toBeTruthy()
    expect(screen.queryByText('the app')).toBeNull()
    fireEvent.change(screen.getByLabelText('Password'), { target: { value: 'right' } })
    fireEvent.click(screen.getByRole('button', { name: 'Sign in' }))
    expect(await screen.findByText('the app')).toBeTruthy()
  })

  it('explains how to open Avault when the link is missing', async () => {
    session.check = vi.fn(async () => 'token')
    render(
      <AuthGate>
        <p>the app</p>
      </AuthGate>,
    )
    expect((await screen.findByRole('alert')).textContent).toContain('Open Avault with its link')
  })

  it('in the window, offers to restart a background process of another build', async () => {
    const restart = vi.fn(async () => {})
    Object.assign(session, {
      mode: 'desktop',
      check: vi.fn(async () => 'mismatch'),
      mismatch: () => "Avault's background process is build v1 (protocol 1) and this is build v2 (protocol 1)",
      restartBackground: restart,
    })
    render(
      <AuthGate>
        <p>the app</p>
      </AuthGate>,
    )
    const alert = await screen.findByRole('alert')
    expect(alert.textContent).toContain('updated while it was running')
    expect(alert.textContent).toContain('build v1')
    expect(screen.queryByText('the app')).toBeNull()
    fireEvent.click(screen.getByRole('button', { name: 'Restart Avault' }))
    expect(restart).toHaveBeenCalledOnce()
  })
})
