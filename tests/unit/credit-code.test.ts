import { describe, it, expect } from 'vitest'
import { creditCodeCheck, creditCodeProblem } from '../../src/core/credit-code.js'

describe('unified social credit code', () => {
  it.each(['91110000802100433B', '11100000000013127D'])('when %s (published codes) is checked, then it is valid', (code) => {
    expect(creditCodeProblem(code)).toBeNull()
  })

  it.each([
    ['9111000080210043', '18 位'],
    ['91110000802100433b', '大写字母'],
    ['9111000080210O433B', '不含 I、O'],
    ['91110000802100433C', '校验位'],
  ])('when %s is checked, then the problem says %s', (code, word) => {
    expect(creditCodeProblem(code)).toContain(word)
  })

  it('when the first 17 characters hold a letter not allowed, then there is no check character', () => {
    expect(creditCodeCheck('9111000080210043I')).toBeNull()
  })
})
