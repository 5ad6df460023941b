import { beforeEach, describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen, within } from '@testing-library/react'
import { TrendCharts } from './TrendCharts'
import { api, resetApi } from '../test/fakeApi'
import { href } from '../lib/route'

vi.mock('../api', async () => (await import('../test/fakeApi')).module)

const day = 24 * 3600 * 1000
const today = new Date()
today.setHours(0, 0, 0, 0)
const iso = (ms: number) => new Date(ms).toISOString()
const since = today.getTime() - 29 * day

function trend(days: number) {
  const buckets = Array.from({ length: 30 }, (_, i) => ({
    start: iso(since + i * day),
    end: iso(since + (i + 1) * day),
    runs: 0,
    succeeded: 0,
    partial: 0,
    failed: 0,
    cancelled: 0,
  }))
  buckets[27] = { ...buckets[27], runs: 2, succeeded: 1, failed: 1 }
  return {
    jobId: 'j1',
    days,
    since: iso(since),
    points: [
      { runId: 'r1', startedAt: iso(since + 27 * day + 2 * 3600e3), status: 'FAILED', seconds: 5, bytesScanned: 1000, bytesUploaded: 0, bytesCopied: 0, filesFailed: 0 },
      { runId: 'r2', startedAt: iso(since + 27 * day + 3 * 3600e3), status: 'SUCCESS', seconds: 120, bytesScanned: 2000, bytesUploaded: 500, bytesCopied: 0, filesFailed: 0 },
    ],
    buckets,
  }
}

beforeEach(() => {
  resetApi()
  api.jobTrend.mockImplementation(async (_id: string, days: number) => trend(days))
})

describe('TrendCharts', () => {
  it('links every point to its run and lists the runs of a chosen day', async () => {
    render(<TrendCharts jobId="j1" />)
    const size = await screen.findByRole('img', { name: /Size backed up over 2 runs: latest 2\.0 KB/ })
    const links = size.querySelectorAll('a')
    expect(links.length).toBe(2)
    expect(links[0].getAttribute('href')).toBe(href('history', 'r1'))
    expect(screen.getByRole('img', { name: /50% of 2 runs succeeded in the last 30 days/ })).toBeTruthy()
    const bar = screen.getByRole('button', { name: /: 1 of 2 runs succeeded/ })
    fireEvent.click(bar)
    const listed = screen.getAllByRole('link').filter((a) => a.closest('ul'))
    expect(listed.map((a) => a.getAttribute('href'))).toEqual([href('history', 'r1'), href('history', 'r2')])
    expect(within(listed[1].closest('li')!).getByText(/succeeded, 2 min, 500 B sent/)).toBeTruthy()
  })

  it('asks for 90 and 365 days', async () => {
    render(<TrendCharts jobId="j1" />)
    await screen.findByRole('img', { name: /Duration/ })
    expect(api.jobTrend).toHaveBeenLastCalledWith('j1', 30)
    fireEvent.click(screen.getByRole('button', { name: '90 days' }))
    await vi.waitFor(() => expect(api.jobTrend).toHaveBeenLastCalledWith('j1', 90))
    expect(screen.getByRole('button', { name: '90 days' }).getAttribute('aria-pressed')).toBe('true')
    fireEvent.click(screen.getByRole('button', { name: '365 days' }))
    await vi.waitFor(() => expect(api.jobTrend).toHaveBeenLastCalledWith('j1', 365))
  })

  it('says so when the period has no runs', async () => {
    api.jobTrend.mockResolvedValue({ ...trend(30), points: [] })
    render(<TrendCharts jobId="j1" />)
    expect(await screen.findByText('No finished runs in the last 30 days.')).toBeTruthy()
  })
})
