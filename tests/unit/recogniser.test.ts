import { describe, it, expect } from 'vitest'
import { defaultLexicon, itemWords } from '../../db/lexicon.js'
import { checklistByWord } from '../../db/checklists/index.js'
import { recognise, categoryOf, parseLexicon, namesSomething } from '../../src/core/recogniser.js'
import { readChecklistAnswer, looksLikeChecklistAnswer } from '../../src/core/checklist-answers.js'
import { parseReport } from '../../src/core/parse.js'
import { plainIntent } from '../../src/core/plain-intents.js'

const lex = defaultLexicon()

describe('hazard recogniser', () => {
  it.each([
    ['后厨那根燃气管子一直有股味儿', 'gas', 'gas'],
    ['@安全助手 楼梯口堆满了装修垃圾', 'fire', null],
    ['插线板串着插线板，都烫手了', 'electrical', null],
    ['厨房烟道积油没清理', 'fire', null],
    ['卸油区有司机抽烟', 'hazardous', null],
    ['装修用的泡沫板不阻燃', 'fire', null],
    ['电梯卡住了 里面有人', 'special_equipment', 'lift'],
    ['配电箱冒火花了', 'electrical', 'electric'],
    ['柴油漏了一地', 'hazardous', 'spill'],
    ['仓库房顶塌下来了', 'building', 'collapse'],
    ['后厨着火了', 'fire', 'fire'],
  ] as const)('when %j is said, then it is a %s hazard (urgent: %s)', (text, category, urgent) => {
    const r = recognise(text, lex)
    expect(r.hazard).toBe(true)
    expect(r.category).toBe(category)
    expect(r.urgent).toBe(urgent)
  })

  it.each([
    ['大家早上好', null],
    ['收到', null],
    ['👍👍', null],
    ['明天下午三点开会 请准时参加', 'notice'],
    ['专业疏通烟道 电话13900000000', 'ad'],
    ['灭火器多少钱一个', 'price'],
    ['请问燃气报警器去哪里买', 'question'],
    ['听说外地有个饭店燃气爆炸了', 'news'],
    ['软管已经换过了', 'done'],
    ['漏气那块师傅修好了', 'done'],
    ['举报电话12345', null],
  ] as const)('when %j is said, then it stays silent (%s)', (text, chatter) => {
    const r = recognise(text, lex)
    expect(r.hazard).toBe(false)
    expect(r.urgent).toBe(null)
    if (chatter) expect(r.chatter).toBe(chatter)
  })

  it('when a fix is negated, then it is still a hazard: 还没修好', () => {
    expect(recognise('燃气软管老化了还没修好', lex).hazard).toBe(true)
  })

  it('when a hazard names its place, then the place and a 重大 hint come back', () => {
    const r = recognise('三楼东侧安全出口上锁了', lex)
    expect(r).toMatchObject({ hazard: true, category: 'fire', place: '安全出口', major: true })
    expect(recognise('二楼包间插座烧黑了 冒火花', lex)).toMatchObject({ place: '二楼包间', urgent: 'electric', major: true })
  })

  it('when #隐患 is typed with the same words, then it lands in the same category', () => {
    for (const [t, c] of [
      ['厨房烟道积油没清理', 'fire'],
      ['卸油区有司机抽烟', 'hazardous'],
      ['装修用的泡沫板不阻燃', 'fire'],
    ] as const) {
      const p = parseReport(t)
      expect(p.ok && p.value.category, t).toBe(c)
      expect(categoryOf(t, lex)).toBe(c)
    }
  })

  it('when the bureau adds a word in a data file, then the word counts, with its comment ignored', () => {
    const own = parseLexicon({ fire: '# 消防\n孔明灯 3  # 放孔明灯\n', problems: '乱放\n' })
    expect(recognise('有人在仓库门口乱放孔明灯', own)).toMatchObject({ hazard: true, category: 'fire' })
    expect(recognise('有人在仓库门口乱放孔明灯', parseLexicon({}))).toMatchObject({ hazard: false })
  })

  it('when 不准 ends a clause, then it says “inaccurate”; 不准 before a verb stays a notice', () => {
    expect(recognise('扶梯平层不准 老差一截', lex)).toMatchObject({ hazard: true, category: 'special_equipment', chatter: null })
    expect(recognise('后厨不准私拉电线，请各商户自查', lex)).toMatchObject({ hazard: false, chatter: 'notice' })
    const own = parseLexicon({ 'special-equipment': '电梯 3\n', problems: '不准$\n', chatter: '[ignore]\n不准$\n[notice]\n不准\n' })
    expect(recognise('电梯平层不准。', own)).toMatchObject({ hazard: true })
    expect(recognise('电梯里不准抽烟', own)).toMatchObject({ hazard: false, chatter: 'notice' })
  })

  it('when a problem phrase holds a thing\'s word, then the thing\'s category still counts', () => {
    const own = parseLexicon({ electrical: '充电 2\n电瓶车 1\n', problems: '楼道里充电\n' })
    expect(recognise('电瓶车推楼道里充电', own)).toMatchObject({ hazard: true, category: 'electrical' })
  })

  it.each([
    ['烟感让人用袋子罩着', 'fire'],
    ['消防水带不见了', 'fire'],
    ['配电箱里空开熏黑了', 'electrical'],
    ['油罐液位仪啥也不显示', 'hazardous'],
    ['消控室值班的在睡觉', 'fire'],
  ] as const)('when a state is told without a defect word (%j), then it is still a %s hazard', (text, category) => {
    expect(recognise(text, lex)).toMatchObject({ hazard: true, category, urgent: null })
  })

  it('when a fire is only supposed (要是着火), then no urgent guidance goes out', () => {
    expect(recognise('员工没培训过 要是着火了都不知道往哪跑', lex)).toMatchObject({ urgent: null, category: 'other' })
    expect(recognise('后厨着火了', lex).urgent).toBe('fire')
  })

  it('when the same text comes twice, then the answer is the same (deterministic)', () => {
    expect(recognise('后厨燃气软管老化开裂', lex)).toEqual(recognise('后厨燃气软管老化开裂', lex))
  })
})

describe('free answers to a self-check', () => {
  const special = checklistByWord('特种设备')!
  const opts = { itemWords: itemWords(special.key, special.items), namesThing: (c: string) => namesSomething(c, lex) }
  const read = (t: string) => readChecklistAnswer(t, special.items.length, opts)

  it.each([
    ['都正常，一切都好', [], []],
    ['第二项没达到', [2], []],
    ['行', [], []],
    ['电梯年检过期了其他都好', [2], []],
    ['2号不行 别的都行', [2], []],
    ['1到4合格 5 6不合格', [5, 6], []],
    ['1 4 不合格', [1, 4], []],
    ['最后一项不合格', [6], []],
    ['前两项合格', [], [3, 4, 5, 6]],
  ] as const)('when the owner answers %j, then failed %j and still open %j', (t, failed, missing) => {
    const r = read(t)
    expect(r).toMatchObject({ ok: true, failed, missing })
  })

  it('when a problem no item covers is named, then it is kept to be filed from the words', () => {
    expect(read('楼道灯坏了 其他都好')).toMatchObject({ ok: true, failed: [], missing: [], extra: '楼道灯坏了' })
  })

  it.each(['不合格', '有两项不合格', '等我看看', '7不合格', '好的'])('when the answer %j cannot be read, then a short question comes back, never a guess', (t) => {
    const r = read(t)
    expect(r.ok).toBe(false)
    if (!r.ok) expect(r.error.split('\n')[0].length).toBeLessThan(40)
  })

  it('when chatter passes by, then only answer-shaped texts are tried', () => {
    for (const t of ['行', '都正常，一切都好', '2号不行 别的都行', '电梯年检过期了其他都好']) expect(looksLikeChecklistAnswer(t), t).toBe(true)
    for (const t of ['好的', '收到', '今天几点开会']) expect(looksLikeChecklistAnswer(t), t).toBe(false)
  })
})

describe('what owners say besides hazards (plainIntent)', () => {
  it.each([
    ['你好', 'greeting'],
    ['在吗？', 'greeting'],
    ['谢谢您！', 'thanks'],
    ['辛苦了', 'thanks'],
    ['隐患怎么报啊', 'howto'],
    ['请问咋上报', 'howto'],
    ['我报的隐患咋样了', 'mine'],
    ['我们店的隐患处理了吗', 'mine'],
    ['灭火器已经换好了', 'done'],
    ['烟道清理好了', 'done'],
    ['我要报个隐患', 'howto'],
    ['Y12怎么样了', 'query'],
    ['1', 'nothingOpen'],
    ['这个灭火器还能用吗', 'question'],
    ['消防检查什么时候来？', 'question'],
    ['在吗？', 'greeting'],
    ['我报的隐患咋样了？', 'mine'],
  ] as const)('when %j is said, then it reads as %s', (text, intent) => {
    expect(plainIntent(text)).toBe(intent)
  })

  it.each(['后厨燃气软管老化了', '1 4 不合格', '好的', '嗯嗯', '随便说点什么'])('when %j is said, then it is none of them', (text) => {
    expect(plainIntent(text)).toBeNull()
  })
})
