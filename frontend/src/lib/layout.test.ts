import { describe, expect, it } from 'vitest'
import { defaultLayout, jobLayout, keptAs, layoutLabel } from './layout'

describe('layout', () => {
  it.each([
    ['local', 'FULL'],
    ['s3', 'CURRENT_HISTORY'],
    ['gdrive', 'CURRENT_HISTORY'],
  ])('a new job on a %s destination gets %s', (kind, want) => {
    expect(defaultLayout(kind)).toBe(want)
  })

  it.each([
    [undefined, 'FULL'],
    ['', 'FULL'],
    ['FULL', 'FULL'],
    ['CURRENT_HISTORY', 'CURRENT_HISTORY'],
  ])('a saved job with layout %j keeps %s', (saved, want) => {
    expect(jobLayout(saved)).toBe(want)
  })

  it('reads layouts and versions as a person does', () => {
    expect(layoutLabel('CURRENT_HISTORY')).toBe('Current + history (changes only)')
    expect(layoutLabel('FULL')).toBe('Full copies')
    expect(keptAs('current+history')).toBe('current + history')
    expect(keptAs('full')).toBe('full copy')
  })
})
