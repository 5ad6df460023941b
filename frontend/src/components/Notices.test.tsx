import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest'
import { act, fireEvent, render, screen } from '@testing-library/react'
import { dismissAll, maxPassing, maxShown, noticeTimeout, Notices, notify } from './Notices'
import { emit, resetApi } from '../test/fakeApi'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const texts = () => [...document.querySelectorAll('[data-kind]')].map((n) => n.textContent ?? '')

beforeEach(() => {
  resetApi()
  vi.useFakeTimers()
  act(() => dismissAll())
})

afterEach(() => {
  vi.useRealTimers()
})

describe('Notices', () => {
  it('shows a promise rejection nobody handled, so nothing fails silently', () => {
    render(<Notices />)
    const ev = new Event('unhandledrejection') as PromiseRejectionEvent
    Object.assign(ev, { reason: 'the database is locked' })
    act(() => {
      window.dispatchEvent(ev)
    })
    expect(screen.getByRole('alert').textContent).toContain('the database is locked')
  })

  it('lets a confirmation leave after a few seconds', () => {
    render(<Notices />)
    act(() => notify('Saved the job "Photos".', 'success'))
    expect(screen.getByRole('status').textContent).toContain('Saved the job')
    act(() => vi.advanceTimersByTime(noticeTimeout - 1))
    expect(texts()).toHaveLength(1)
    act(() => vi.advanceTimersByTime(1))
    expect(texts()).toHaveLength(0)
  })

  it('keeps an error until it is dismissed', () => {
    render(<Notices />)
    act(() => notify('Something went wrong: the disk is full', 'error'))
    act(() => vi.advanceTimersByTime(10 * 60_000))
    expect(screen.getByRole('alert').textContent).toContain('the disk is full')
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss' }))
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('does not pile up the confirmations of a first job, and all of them leave', () => {
    render(<Notices />)
    act(() => {
      notify('Saved the access key "aws".', 'success')
      vi.advanceTimersByTime(1000)
      notify('Saved the destination "Bucket".', 'success')
      vi.advanceTimersByTime(1000)
      notify('Saved the job "Photos".', 'success')
      vi.advanceTimersByTime(1000)
      notify('Backup of "Photos" queued. Follow it on the dashboard.', 'success')
    })
    expect(texts()).toHaveLength(maxPassing)
    expect(texts().at(-1)).toContain('queued')
    act(() => vi.advanceTimersByTime(noticeTimeout))
    expect(texts()).toHaveLength(0)
  })

  it('does not stack the same message, and never pushes an error out', () => {
    render(<Notices />)
    act(() => {
      notify('The backup failed to start', 'error')
      for (let i = 0; i < 5; i++) notify('Settings saved.', 'success')
      notify('The backup failed to start', 'error')
    })
    expect(texts()).toEqual([expect.stringContaining('Settings saved.'), expect.stringContaining('The backup failed to start')])
  })

  it('keeps a confirmation under the pointer, then gives it its full time again', () => {
    render(<Notices />)
    act(() => notify('Settings saved.', 'success'))
    const toast = screen.getByRole('status')
    act(() => vi.advanceTimersByTime(noticeTimeout - 100))
    fireEvent.mouseEnter(toast)
    act(() => vi.advanceTimersByTime(noticeTimeout * 3))
    expect(texts()).toHaveLength(1)
    fireEvent.mouseLeave(toast)
    act(() => vi.advanceTimersByTime(noticeTimeout - 1))
    expect(texts()).toHaveLength(1)
    act(() => vi.advanceTimersByTime(1))
    expect(texts()).toHaveLength(0)
  })

  it('tells of a failed or incomplete run on any page until dismissed, with a link to it', () => {
    render(<Notices />)
    act(() => {
      emit('backup:notice', { jobId: 'j1', historyId: 'r1', status: 'FAILED', title: 'Backup failed: Photos', body: 'the destination is full', timestamp: 0 })
      emit('backup:notice', {
        jobId: 'j2',
        historyId: 'r2',
        status: 'PARTIAL_SUCCESS',
        title: 'Backup incomplete: Documents',
        body: '117 files backed up; 2 files could not be backed up.',
        timestamp: 0,
      })
    })
    act(() => vi.advanceTimersByTime(10 * 60_000))
    const failed = screen.getByRole('alert')
    expect(failed.textContent).toContain('Backup failed: Photos')
    expect(failed.textContent).toContain('the destination is full')
    expect(failed.getAttribute('data-kind')).toBe('error')
    const partial = document.querySelector('[data-kind="warning"]')!
    expect(partial.textContent).toContain('Backup incomplete: Documents')
    const link = screen.getAllByRole('link', { name: 'Show details' })
    expect(link.map((a) => a.getAttribute('href'))).toEqual(['#/history/r1', '#/history/r2'])
    fireEvent.click(link[0])
    expect(screen.queryByRole('alert')).toBeNull()
  })

  it('shows the newest errors and counts the older ones', () => {
    render(<Notices />)
    act(() => {
      for (let i = 1; i <= maxShown + 2; i++) notify(`Backup failed: Job ${i}`, 'error')
    })
    expect(screen.getAllByRole('alert')).toHaveLength(maxShown)
    expect(screen.getByText('2 older notices not shown')).toBeTruthy()
    expect(texts()[0]).toContain('Job 3')
    fireEvent.click(screen.getByRole('button', { name: 'Dismiss all' }))
    expect(texts()).toHaveLength(0)
  })
})
