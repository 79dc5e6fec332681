import { describe, it, expect } from 'vitest'
import { DANGER_KINDS, DEFAULT_NUMBERS, guidanceScript, numbersBody, parseNumbers } from '../../src/core/urgent-guidance.js'

describe('urgent guidance scripts', () => {
  it('when a danger is named, then its script is short enough for a phone and names the right number', () => {
    for (const k of DANGER_KINDS) {
      const s = guidanceScript(k, {})
      expect(s.length, k).toBeLessThanOrEqual(160)
      expect(s, k).not.toMatch(/\{\w+\}/)
    }
    expect(guidanceScript('gas', {})).toMatch(/关燃气总阀[\s\S]*开门开窗[\s\S]*不开关电器[\s\S]*燃气公司抢修电话或119/)
    expect(guidanceScript('fire', {})).toContain('马上打119')
    expect(guidanceScript('lift', {})).toMatch(/别扒门[\s\S]*96333/)
    expect(guidanceScript('electric', {})).toContain('拉闸断电')
  })

  it('when the bureau set its local numbers, then the script uses them and keeps the defaults for the rest', () => {
    const n = parseNumbers('燃气抢修：0421-6123456\n电梯困人: 0421-96333\n乱写一行\n\n未知：1')
    expect(n).toEqual({ gas: '0421-6123456', lift: '0421-96333' })
    expect(guidanceScript('gas', n)).toContain('到室外打0421-6123456或119')
    expect(guidanceScript('lift', n)).toContain('0421-96333')
  })

  it('when the shipped list is read back, then it gives the defaults', () => {
    expect(parseNumbers(numbersBody())).toEqual(DEFAULT_NUMBERS)
  })
})
