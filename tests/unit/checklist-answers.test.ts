import { describe, it, expect } from 'vitest'
import { parseChecklistAnswer, looksLikeChecklistAnswer } from '../../src/core/checklist-answers.js'

const N = 11

/** [what the business typed, failed items, missing items] — complete answers have no missing items. */
const ANSWERED: [string, number[], number[]][] = [
  ['全部合格', [], []],
  ['都合格', [], []],
  ['全合格', [], []],
  ['均合格', [], []],
  ['全部是', [], []],
  ['都是', [], []],
  ['所有项都合格', [], []],
  ['各项都符合', [], []],
  ['都没问题', [], []],
  ['没问题。', [], []],
  ['一切正常', [], []],
  ['全部合格！', [], []],
  ['全部不合格', [1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11], []],
  ['3、5不合格', [3, 5], []],
  ['3,5 不合格 其余合格', [3, 5], []],
  ['3，5不合格，其他都合格', [3, 5], []],
  ['第3项不合格', [3], []],
  ['第三项不合格', [3], []],
  ['三、五不合格', [3, 5], []],
  ['第3、第5项不合格', [3, 5], []],
  ['3和5不合格', [3, 5], []],
  ['３、５不合格', [3, 5], []],
  ['除3、5外都合格', [3, 5], []],
  ['除了第3项其余都合格', [3], []],
  ['3-5不合格', [3, 4, 5], []],
  ['3到5不合格 其余合格', [3, 4, 5], []],
  ['35不合格', [3, 5], []],
  ['3不合格，其他都是', [3], []],
  ['10、11不合格', [10, 11], []],
  ['第十项不合格', [10], []],
  ['1是2是3否', [3], [4, 5, 6, 7, 8, 9, 10, 11]],
  ['1.是 2.否', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['1、是 2、是', [], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['1:合格 2:不合格', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['１是２否', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['一是 二否 三是', [2], [4, 5, 6, 7, 8, 9, 10, 11]],
  ['1√2×3√', [2], [4, 5, 6, 7, 8, 9, 10, 11]],
  ['1对 2错', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['1有 2无', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['1是2是3是4是5是6是7是8是9是10是11否', [11], []],
  ['1是 2是 3否 其余合格', [3], []],
  ['1 是；2 是；3 不是', [3], [4, 5, 6, 7, 8, 9, 10, 11]],
  ['1-10合格 11不合格', [11], []],
  ['1合格 2合格 3有问题', [3], [4, 5, 6, 7, 8, 9, 10, 11]],
  ['2,4 不合格，其余均合格', [2, 4], []],
  ['1y 2n', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['1 ok 2 no', [2], [3, 4, 5, 6, 7, 8, 9, 10, 11]],
  ['3否 其余都是', [3], []],
]

/** [what the business typed, part of the Chinese error] */
const BROKEN: [string, string][] = [
  ['3是3否', '第3项既答了合格又答了不合格'],
  ['3不合格 3合格', '第3项既答了合格又答了不合格'],
  ['1是 2否 3', '第3项没写合格还是不合格'],
  ['12不合格 3', '第3项没写合格还是不合格'],
  ['第15项不合格', '没有第15项（共11项）'],
  ['0不合格', '没有第0项'],
  ['好的', '没看懂这个回答'],
  ['其余合格', '请先写明哪几项'],
  ['', '没有收到回答'],
  ['5-3不合格', '没看懂'],
  ['除3外都合格 其余不合格', '“其余”既答了合格又答了不合格'],
]

describe('checklist answers (what businesses type after 自查)', () => {
  it.each(ANSWERED)('when a business answers “%s”, then it is read item by item', (text, failed, missing) => {
    const r = parseChecklistAnswer(text, N)
    expect(r.ok, JSON.stringify(r)).toBe(true)
    if (!r.ok) return
    expect(r.failed).toEqual(failed)
    expect(r.missing).toEqual(missing)
    expect(r.complete).toBe(missing.length === 0)
  })

  it.each(BROKEN)('when a business answers “%s”, then it is told what is wrong and how to answer', (text, error) => {
    const r = parseChecklistAnswer(text, N)
    expect(r.ok).toBe(false)
    if (r.ok) return
    expect(r.error).toContain(error)
    if (text) expect(r.error).toContain('全部合格')
  })

  it('when a partial answer is followed by the rest, then both count and the rest may say 其余合格', () => {
    const first = parseChecklistAnswer('1是2是3否', N)
    expect(first.ok && first.complete).toBe(false)
    const prev = first.ok ? first.answers : {}
    const second = parseChecklistAnswer('5不合格 其余合格', N, prev)
    expect(second).toMatchObject({ ok: true, complete: true, failed: [3, 5] })
    expect(parseChecklistAnswer('全部合格', N, prev)).toMatchObject({ ok: true, complete: true, failed: [3] })
    expect(parseChecklistAnswer('剩下的都合格', N, prev)).toMatchObject({ ok: true, complete: true, failed: [3] })
    const third = parseChecklistAnswer('4是5是', N, prev)
    expect(third).toMatchObject({ ok: true, complete: false, missing: [6, 7, 8, 9, 10, 11] })
  })

  it('when the checklist is short, then digits run together are split only where they name items', () => {
    expect(parseChecklistAnswer('12不合格', 6)).toMatchObject({ ok: true, failed: [1, 2] })
    expect(parseChecklistAnswer('12不合格', 12)).toMatchObject({ ok: true, failed: [12] })
    expect(parseChecklistAnswer('19不合格', 6)).toMatchObject({ ok: false })
  })

  it('when chatter passes by, then only answer-shaped texts are tried', () => {
    for (const t of ['全部合格', '3、5不合格', '1是2否', '第三项不合格', '除3外都合格', '都没问题', '其余都合格', '剩下的都合格']) expect(looksLikeChecklistAnswer(t), t).toBe(true)
    for (const t of ['好的', '收到', '今天几点开会', '谢谢李科长', '明天下午检查']) expect(looksLikeChecklistAnswer(t), t).toBe(false)
  })
})
