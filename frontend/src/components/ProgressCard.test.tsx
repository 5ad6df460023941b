import { describe, expect, it, vi } from 'vitest'
import { fireEvent, render, screen } from '@testing-library/react'
import { ProgressCard } from './ProgressCard'
import type { Progress } from '../api'

const p: Progress = {
  jobId: 'j1',
  historyId: 'r1',
  status: 'UPLOADING',
  filesScanned: 1200,
  bytesScanned: 2_000_000_000,
  scanDone: true,
  filesUploaded: 300,
  filesCopied: 100,
  filesFailed: 2,
  bytesUploaded: 400_000_000,
  bytesDone: 500_000_000,
  currentFile: 'photos/2024/IMG_0001.jpg',
  uploadSpeed: 12_500_000,
  estimatedTimeRemaining: 125,
  timestamp: 0,
}

describe('ProgressCard', () => {
  it('shows what is done of how much, the speed, the time left and the file at hand', () => {
    const cancel = vi.fn()
    render(<ProgressCard p={p} jobName="Photos" onCancel={cancel} cancelling={false} />)
    const bar = screen.getByRole('progressbar', { name: 'Progress of Photos' })
    expect(bar.getAttribute('aria-valuenow')).toBe('500000000')
    expect(bar.getAttribute('aria-valuemax')).toBe('2000000000')
    expect(screen.getByText('402 of 1,200')).toBeTruthy()
    expect(screen.getByText('500 MB of 2.0 GB')).toBeTruthy()
    expect(screen.getByText('13 MB/s')).toBeTruthy()
    expect(screen.getByText('2 min 5 s')).toBeTruthy()
    expect(screen.getByText('photos/2024/IMG_0001.jpg')).toBeTruthy()
    expect(screen.getByText(/2 files could not be read/)).toBeTruthy()
    fireEvent.click(screen.getByRole('button', { name: 'Cancel the backup of Photos' }))
    expect(cancel).toHaveBeenCalled()
  })

  it('says the total is not known while the scan goes on', () => {
    render(<ProgressCard p={{ ...p, scanDone: false, estimatedTimeRemaining: -1 }} jobName="Photos" onCancel={() => {}} cancelling={false} />)
    expect(screen.getByRole('progressbar').getAttribute('aria-valuenow')).toBeNull()
    expect(screen.getByText('402 of 1,200+')).toBeTruthy()
    expect(screen.getByText('counting files…')).toBeTruthy()
  })
})
