import { describe, it, expect } from 'vitest'
import { sizeText, checkText, checkImageSize, limitsOf } from '../../src/chat/limits.js'
import { loadConfig, ConfigError, testConfig } from '../../src/config.js'

describe('chat limits', () => {
  it.each([
    [12 * 1024 * 1024, '12MB'],
    [2.5 * 1024 * 1024, '2.5MB'],
    [800 * 1024, '800KB'],
    [5000, '4.9KB'],
  ])('when a size is %d bytes, then it reads %s', (bytes, text) => {
    expect(sizeText(bytes)).toBe(text)
  })

  it('when text is at the limit it passes, one character more (counted as characters, not UTF-16 units) it is refused', () => {
    const l = limitsOf(testConfig({ TEXT_MAX_CHARS: 50 }))
    expect(checkText('隐'.repeat(50), l)).toBeNull()
    expect(checkText('😀'.repeat(50), l)).toBeNull()
    expect(checkText('隐'.repeat(51), l)).toMatchObject({ kind: 'text_length' })
    expect(checkImageSize(10 * 1024 * 1024, limitsOf(testConfig()))).toBeNull()
    expect(checkImageSize(10 * 1024 * 1024 + 1, limitsOf(testConfig()))?.reply).toContain('上限10MB')
  })

  it('when a limit is set to nonsense, then start-up stops naming the variable', () => {
    expect(() => loadConfig({ TEXT_MAX_CHARS: '10' })).toThrow(ConfigError)
    expect(() => loadConfig({ IMAGE_MAX_MB: '-1' })).toThrow(/IMAGE_MAX_MB/)
    expect(loadConfig({ ATTACHMENTS_MAX_TOTAL_MB: '0' }).ATTACHMENTS_MAX_TOTAL_MB).toBe(0)
  })
})
