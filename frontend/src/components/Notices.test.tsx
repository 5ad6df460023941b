import { describe, expect, it } from 'vitest'
import { act, render, screen } from '@testing-library/react'
import { Notices } from './Notices'

describe('Notices', () => {
  it('shows a promise rejection nobody handled, so nothing fails silently', async () => {
    render(<Notices />)
    const ev = new Event('unhandledrejection') as PromiseRejectionEvent
    Object.assign(ev, { reason: 'the database is locked' })
    act(() => {
      window.dispatchEvent(ev)
    })
    expect((await screen.findByRole('alert')).textContent).toContain('the database is locked')
  })
})
