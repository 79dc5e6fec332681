import { describe, it, expect } from 'vitest'
import { parseReport } from '../../src/core/parse.js'

describe('parseReport reads a campaign tag', () => {
  const cases: [string, string | null, string][] = [
    ['气瓶间没有报警器 专项:燃气', '燃气', '气瓶间没有报警器'],
    ['气瓶间没有报警器 专项：冬春防火 地点:后厨', '冬春防火', '气瓶间没有报警器'],
    ['专项行动:燃气 软管老化', '燃气', '软管老化'],
    ['软管老化', null, '软管老化'],
    // 专项 inside a description is not a tag
    ['专项检查时发现软管老化', null, '专项检查时发现软管老化'],
  ]
  it.each(cases)('when %s is reported, then the campaign word is %s', (text, campaign, description) => {
    const r = parseReport(text)
    expect(r.ok).toBe(true)
    if (r.ok) {
      expect(r.value.campaign ?? null).toBe(campaign)
      expect(r.value.description).toBe(description)
    }
  })
})
