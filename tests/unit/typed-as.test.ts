/** Issue 13 item 9: commands match on normalized text and store what people typed. */
import { describe, it, expect } from 'vitest'
import { normalize, typedAs } from '../../src/core/text.js'
import { parseReport } from '../../src/core/parse.js'

const body = (typed: string) => normalize(typed).replace(/^#\s*隐患\s*/, '')

describe('typedAs', () => {
  const cases: { typed: string; stored: string }[] = [
    { typed: '#隐患 ＜img src=x onerror=alert(1)＞后厨插线板老化', stored: '＜img src=x onerror=alert(1)＞后厨插线板老化' },
    { typed: '＃隐患　后厨燃气软管老化开裂（约１米）', stored: '后厨燃气软管老化开裂（约１米）' },
    { typed: '#隐患 安全出口被货物堵塞 地点:一楼', stored: '安全出口被货物堵塞' },
    { typed: '#隐患 灭火器\u200b过期  两个', stored: '灭火器\u200b过期  两个' },
  ]
  for (const c of cases) {
    it(`when “${c.typed}” is reported, then “${c.stored}” is what is stored`, () => {
      const parsed = parseReport(body(c.typed))
      expect(parsed.ok).toBe(true)
      if (!parsed.ok) return
      const stored = typedAs(parsed.value.description, c.typed)
      expect(stored).toBe(c.stored)
      expect(normalize(stored)).toBe(parsed.value.description)
    })
  }

  it('when the piece is not a stretch of the text, then the normalized piece is kept', () => {
    expect(typedAs('后厨 插线板', '后厨（地点:一楼）插线板')).toBe('后厨 插线板')
    expect(typedAs('', 'x')).toBe('')
  })
})
