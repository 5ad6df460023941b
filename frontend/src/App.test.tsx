import { beforeEach, describe, expect, it, vi } from 'vitest'
import { render, screen } from '@testing-library/react'
import App from './App'
import { resetApi } from './test/fakeApi'

vi.mock('./api', async () => (await import('./test/fakeApi')).module)

beforeEach(() => {
  resetApi()
  window.location.hash = '#/history'
})

// jsdom lays nothing out, so this checks the classes that make the layout:
// the rail is a stretched flex item (as tall as the page, however long),
// and what it holds sticks to the top of the window, one window high.
describe('App layout', () => {
  it('makes the navigation rail reach the bottom of the window on a long page', () => {
    render(<App />)
    const nav = screen.getByRole('navigation', { name: 'Main' })
    const shell = nav.parentElement!
    expect(shell.className.split(' ')).toEqual(expect.arrayContaining(['flex', 'min-h-screen']))
    const navClasses = nav.className.split(' ')
    expect(navClasses).toEqual(expect.arrayContaining(['self-stretch', 'shrink-0', 'bg-white', 'border-r']))
    // A rail one window high would stop short of the bottom of a longer page.
    expect(navClasses).not.toContain('h-screen')
    expect(navClasses).not.toContain('sticky')
    const rail = screen.getByTestId('rail')
    expect(rail.parentElement).toBe(nav)
    expect(rail.className.split(' ')).toEqual(expect.arrayContaining(['sticky', 'top-0', 'h-screen', 'overflow-y-auto']))
    expect(screen.getByRole('link', { name: 'History' }).getAttribute('aria-current')).toBe('page')
  })
})
