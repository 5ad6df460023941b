import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/react'
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
    expect(navClasses).toEqual(expect.arrayContaining(['md:self-stretch', 'md:shrink-0', 'bg-white', 'md:border-r']))
    // A rail one window high would stop short of the bottom of a longer page.
    expect(navClasses.some((c) => c.endsWith('h-screen'))).toBe(false)
    expect(navClasses.some((c) => c.endsWith('sticky'))).toBe(false)
    const rail = screen.getByTestId('rail')
    expect(rail.parentElement).toBe(nav)
    expect(rail.className.split(' ')).toEqual(expect.arrayContaining(['md:sticky', 'md:top-0', 'md:h-screen', 'md:overflow-y-auto']))
    expect(screen.getByRole('link', { name: 'History' }).getAttribute('aria-current')).toBe('page')
  })
})

// On a phone the navigation is a menu: hidden until the Menu button opens
// it (md:block keeps it a rail on wider screens), closed by choosing a page.
describe('App on a narrow screen', () => {
  it('opens and closes the navigation with the Menu button', () => {
    render(<App />)
    const nav = screen.getByRole('navigation', { name: 'Main' })
    const button = screen.getByRole('button', { name: 'Menu' })
    expect(nav.className.split(' ')).toEqual(expect.arrayContaining(['hidden', 'md:block']))
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(button.getAttribute('aria-controls')).toBe(nav.id)
    fireEvent.click(button)
    expect(button.getAttribute('aria-expanded')).toBe('true')
    expect(nav.className.split(' ')).toContain('block')
    expect(nav.className.split(' ')).not.toContain('hidden')
    fireEvent.click(screen.getByRole('link', { name: 'Jobs' }))
    expect(button.getAttribute('aria-expanded')).toBe('false')
    expect(button.closest('header')!.className.split(' ')).toContain('md:hidden')
  })
})
