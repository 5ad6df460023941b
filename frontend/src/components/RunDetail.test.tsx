import { describe, expect, it } from 'vitest'
import { render, screen } from '@testing-library/react'
import type { Run } from '../api'
import { RunFacts } from './RunDetail'

function run(over: Partial<Run>): Run {
  return {
    id: 'r1', jobId: 'j1', jobName: 'Photos', status: 'SUCCESS', trigger: 'manual',
    startedAt: '2026-03-01T02:00:00Z', completedAt: '2026-03-01T02:01:00Z',
    filesScanned: 3, filesUploaded: 3, filesCopied: 0, filesSkipped: 0, filesFailed: 0,
    bytesScanned: 30, bytesUploaded: 30, bytesCopied: 0, remotePath: 'Photos-2026-03-01_02-00-00',
    ...over,
  } as Run
}

describe('RunFacts', () => {
  it('says why a failed run failed', () => {
    render(<RunFacts run={run({ status: 'FAILED', errorMessage: 'destination full', remotePath: '' })} />)
    expect(screen.getByText('Why it failed')).toBeTruthy()
    expect(screen.getByText('destination full')).toBeTruthy()
  })

  it('does not call a complete backup with a retention note a failure', () => {
    render(<RunFacts run={run({ errorMessage: 'backup complete; retention failed: access denied' })} />)
    expect(screen.queryByText('Why it failed')).toBeNull()
    expect(screen.getByText('The backup is complete, but')).toBeTruthy()
    expect(screen.getByText(/access denied/)).toBeTruthy()
  })

  it('shows what the run decided on its own, such as a pause for the daily limit', () => {
    const note = 'Paused at Mon 14:02 until Tue 00:00 PST: the daily upload limit of this Google account is reached'
    render(<RunFacts run={run({ notes: [note] })} />)
    expect(screen.getByText('Notes')).toBeTruthy()
    expect(screen.getByTestId('run-notes').textContent).toBe(note)
  })

  it('lists what the last verification noted, such as files Drive flagged as malware', () => {
    const note = 'setup.exe: flagged by Google Drive as malware or spam; downloaded with acknowledgeAbuse, byte for byte as backed up'
    render(<RunFacts run={run({ verify: { mode: 'full', checkedAt: '2026-03-01T03:00:00Z', filesChecked: 3, missing: 0, mismatched: 0, notes: [note] } as Run['verify'] })} />)
    expect(screen.getByRole('list', { name: 'Verification notes' }).textContent).toBe(note)
  })

  it('has no notes section when the run made no decision worth telling', () => {
    render(<RunFacts run={run({})} />)
    expect(screen.queryByText('Notes')).toBeNull()
  })
})
