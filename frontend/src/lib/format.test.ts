import { describe, expect, it } from 'vitest'
import { ago, bytes, duration, plural } from './format'
import { renderPattern, safeJobName } from './pattern'

describe('format', () => {
  it.each([
    [0, '0 B'],
    [999, '999 B'],
    [1500, '1.5 KB'],
    [2_000_000_000, '2.0 GB'],
    [123_456_789_012, '123 GB'],
  ])('bytes(%d) = %s', (n, want) => expect(bytes(n)).toBe(want))

  it.each([
    [42, '42 s'],
    [125, '2 min 5 s'],
    [3725, '1 h 2 min'],
    [-1, '—'],
  ])('duration(%d) = %s', (n, want) => expect(duration(n)).toBe(want))

  it('says how long ago', () => {
    const now = Date.parse('2026-11-26T12:00:00Z')
    expect(ago('2026-11-26T11:55:00Z', now)).toBe('5 min ago')
    expect(ago(undefined, now)).toBe('never')
  })

  it('counts in words', () => {
    expect(plural(1, 'file')).toBe('1 file')
    expect(plural(1500, 'file')).toBe('1,500 files')
  })
})

describe('version name pattern', () => {
  const t = new Date(2026, 0, 12, 2, 3, 4)
  it('fills in the tokens as the Go side does', () => {
    expect(renderPattern('{job}-{datetime}', 'Photos', t)).toBe('Photos-2026-01-12_02-03-04')
    expect(renderPattern('Backup {date} {time}', 'x', t)).toBe('Backup 2026-01-12 02-03-04')
  })
  it('makes the job name safe', () => {
    expect(safeJobName(' a/b:c*? ')).toBe('a-b-c--')
    expect(safeJobName('...')).toBe('job')
    expect(new TextEncoder().encode(safeJobName('é'.repeat(40))).length).toBeLessThanOrEqual(64)
  })
})
