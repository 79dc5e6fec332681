import { describe, it, expect } from 'vitest'
import { drillDay, parseDrill } from '../../src/core/drills.js'

describe('#演练 as people write it', () => {
  it.each([
    ['疏散演练 参加12人', { kind: '疏散演练', participants: 12, date: null }],
    ['灭火演练 15人参加 11月18日', { kind: '灭火演练', participants: 15, date: '11-18' }],
    ['燃气泄漏处置演练 参演人数：二十 昨天', { kind: '燃气泄漏处置演练', participants: 20, date: 'yesterday' }],
    ['消防疏散演练 2026-10-09', { kind: '消防疏散演练', participants: null, date: '2026-10-09' }],
    ['疏散演练　参加１２人', { kind: '疏散演练', participants: 12, date: null }],
  ])('when %s is sent, then it reads %j', (text, value) => {
    expect(parseDrill(text)).toEqual({ ok: true, value })
  })

  it.each([[''], ['参加12人'], ['演']])('when %j is sent, then the answer asks for the drill’s name', (text) => {
    const r = parseDrill(text)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error).toContain('演练名称')
  })

  it.each([
    [null, '2026-11-20', '2026-11-20'],
    ['yesterday', '2026-03-01', '2026-02-28'],
    ['11-18', '2026-11-20', '2026-11-18'],
    ['12-01', '2026-11-20', null], // the future
    ['02-30', '2026-11-20', null],
  ] as const)('when the date word is %s on %s, then the drill is on %s', (w, today, day) => {
    expect(drillDay(w, today)).toBe(day)
  })
})
