import { describe, it, expect } from 'vitest'
import { mulberry32 } from '../helpers/random.js'
import { classify } from '../../src/chat/router.js'
import { normalize } from '../../src/core/text.js'
import { CATEGORIES, INDUSTRIES } from '../../src/core/domain.js'
import { commands, matchCommand } from '../../commands/index.js'
import type { InboundMessage } from '../../src/channels/types.js'

const BOT = '安全助手'
const SEED = 0x5afe7
const MESSAGES = 100_000
/** A message that takes longer than this through the whole path points to runaway backtracking. */
const PER_MESSAGE_MS = 250

const VALID = [
  '#隐患 后厨燃气软管老化开裂 地点：一楼后厨',
  '#隐患 安全出口被货物堵塞 重大',
  '@安全助手 上报 电梯年检过期',
  '#举报 楼道里给电动车充电',
  '#报隐患 加油站油罐渗漏【重大】',
  '#隐患 类别：消防 灭火器过期',
  '#受理 Y12 7天',
  '#受理 Y12 十五天内 负责人：李明',
  '#受理 Y13 两周 单位：城关老街饭店',
  '#受理 Y13 2026-12-31',
  '#受理 Y13 12月31日前',
  '#整改 Y12 已更换燃气软管并加装报警器',
  '#整改完成 Y12 措施：已清理通道',
  '#验收 Y12 通过',
  '#验收 Y12 不通过 报警器未安装',
  '#移交 Y12 消防救援 通道堵塞',
  '#移交 Y15 市场监管 电梯年检过期',
  '#移交结果 Y12 消防大队已责令整改并复查合格',
  '#作废 Y7 重复上报',
  '#作废 Y9 误报，现场无此情况',
  '#查询 Y12',
  '#我的',
  '#逾期',
  '#本群',
  '#本群登记 城关街道 餐饮 成品油',
  '#绑定 382915',
  '#帮助',
  '/help',
  '#确认 N12',
  '@安全助手 确认收到 N3',
  '#完成 R7 已检查辖区加油站12家',
  '#办结 R8 办理情况：已全部整改到位',
  '#我的任务',
  '#预警 高温',
  '#预警 暴雨 城关街道',
  '#自查 燃气',
  '#自查 加油站',
  '#报名 P3',
  '#签到 P3 4821',
  '#签到 4821',
  '#责任制 已修订',
  '#责任制 核验 城关老街饭店',
  '#表扬 城关老街饭店 标题:先进单位',
]
const WORDS = commands.flatMap((c) => c.words)
const PHRASES = [
  '后厨', '燃气', '软管', '老化', '漏气', '灭火器', '过期', '安全出口', '堵塞', '电梯', '锅炉', '墙体', '裂缝', '油罐',
  '柴油', '电线', '私拉乱接', '充电', '重大', '重大隐患', '一般隐患', '地点:', '位置：', '类别:', '负责人:', '单位：',
  '期限', '限期', '七天', '十五天内', '两周', '一个月', '3日内', '12月31日', '2026-12-31', '半个月', '明天', '通过',
  '不通过', '合格', '退回', '消防救援', '住建', '市场监管', '应急', '公安', '环保局', '城关街道', '全市', '餐饮', '加油站',
  '城关老街饭店', '李明', '张老板', 'Y12', 'Ｙ１２', 'y7', 'Y0', 'Y999999999', 'Y1234567890', '编号', '【', '】', '（', '）',
  '，', '。', '：', '、', '；', '！', '？', '…', '~', '"', '“', '”', '#', '＃', '/', '@', '＠', '@安全助手', '@张老板',
]
const EMOJI = ['😀', '🔥', '👍', '👍🏽', '🙏', '⚠️', '🧯', '👨‍👩‍👧‍👦', '🏳️‍🌈', '🇨🇳', '1️⃣', '❤️', '🤔', '[微笑]', '/::)', '[OK]']
const INVISIBLE = ['\u200B', '\u200C', '\u200D', '\u200E', '\u200F', '\u2060', '\uFEFF', '\u202E', '\u2066', '\u00AD', '\u180E', '\u034F']
const CONTROL = ['\u0000', '\u0001', '\u0007', '\b', '\t', '\n', '\r', '\u000B', '\u000C', '\u001B', '\u007F', '\u0085', '\u009F', '\u2028', '\u2029']
const SPACES = [' ', '\u3000', '\u00A0', '\u2005', '\u2009', '\u202F', '  ']
const PREFIXES = ['', '#', '＃', '/', '##', '# ', '＃ ', '@安全助手 ', '@安全助手\u2005', '＠安全助手 ', '@小安 ', '\u200B#', ' #', '#/', '﹟', '＃\u3000']

function generator(seed: number) {
  const rnd = mulberry32(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]
  const cjk = () => String.fromCharCode(0x4e00 + int(0x9fa5 - 0x4e00))
  const anyCodeUnit = () => String.fromCharCode(int(0x10000)) // lone surrogates included on purpose
  const anyCodePoint = () => String.fromCodePoint(int(0x110000))
  const fullWidth = (s: string) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0)).replace(/ /g, '\u3000')

  function noise(): string {
    switch (int(8)) {
      case 0: return pick(EMOJI)
      case 1: return pick(INVISIBLE)
      case 2: return pick(CONTROL)
      case 3: return pick(SPACES)
      case 4: return anyCodeUnit()
      case 5: return anyCodePoint()
      case 6: return pick(PHRASES)
      default: return cjk()
    }
  }

  function mutate(s: string): string {
    let chars = Array.from(s)
    const n = 1 + int(4)
    for (let i = 0; i < n; i++) {
      const at = int(chars.length + 1)
      switch (int(10)) {
        case 0: chars.splice(at, 1); break // drop
        case 1: if (chars[at] !== undefined) chars.splice(at, 0, chars[at]); break // duplicate
        case 2: if (at + 1 < chars.length) [chars[at], chars[at + 1]] = [chars[at + 1], chars[at]]; break // swap
        case 3: chars.splice(at, 1, noise()); break // replace
        case 4: chars.splice(at, 0, noise()); break // insert
        case 5: chars = Array.from(fullWidth(chars.join(''))); break
        case 6: chars = Array.from(pick(PREFIXES) + chars.join('').replace(/^[#＃/]/, '')); break
        case 7: chars.splice(at, 0, pick(SPACES)); break
        case 8: chars = Array.from(rnd() < 0.5 ? chars.join('').toUpperCase() : chars.join('').toLowerCase()); break
        default: chars.push(pick(EMOJI)); break
      }
    }
    return chars.join('')
  }

  function composed(): string {
    const parts = [pick(PREFIXES) + pick(WORDS)]
    const k = int(6)
    for (let i = 0; i < k; i++) parts.push(rnd() < 0.7 ? pick(PHRASES) : noise())
    return parts.join(rnd() < 0.8 ? pick(SPACES) : '')
  }

  function chatter(): string {
    let s = ''
    const k = 1 + int(40)
    for (let i = 0; i < k; i++) s += rnd() < 0.6 ? cjk() : pick(PHRASES)
    return s
  }

  function junk(): string {
    let s = ''
    const k = int(80)
    for (let i = 0; i < k; i++) s += rnd() < 0.5 ? anyCodeUnit() : noise()
    return s
  }

  function emoji(): string {
    let s = rnd() < 0.3 ? pick(PREFIXES) : ''
    const k = 1 + int(20)
    for (let i = 0; i < k; i++) s += rnd() < 0.8 ? pick(EMOJI) : pick(INVISIBLE)
    return s
  }

  function longLine(): string {
    const unit = pick([
      () => cjk(),
      () => pick(PHRASES) + pick(SPACES),
      () => '地点:',
      () => 'Y1 ',
      () => '重大',
      () => '，',
      () => ' ',
      () => '单位:',
      () => '@' + cjk(),
      () => pick(INVISIBLE),
      () => noise(),
    ])
    let s = pick(PREFIXES) + pick(WORDS) + ' '
    while (s.length < 10_000) s += unit()
    return s.slice(0, 10_000)
  }

  return function next(i: number): string {
    if (i % 500 === 0) return longLine()
    const r = rnd()
    if (r < 0.15) return pick(VALID)
    if (r < 0.5) return mutate(pick(VALID))
    if (r < 0.65) return composed()
    if (r < 0.8) return chatter()
    if (r < 0.9) return junk()
    return emoji()
  }
}

function inbound(i: number, text: string, rnd: () => number): InboundMessage {
  const isGroup = rnd() < 0.85
  const r = rnd()
  return {
    channel: 'wechaty',
    account: 'bot',
    messageId: `m${i}`,
    chatId: isGroup ? 'g1' : 'owner',
    chatName: isGroup ? '城关商户安全群' : '张老板',
    isGroup,
    senderId: 'owner',
    senderName: '张老板',
    kind: r < 0.98 ? 'text' : r < 0.99 ? 'image' : 'other',
    text,
    mentionsBot: isGroup && rnd() < 0.1,
    sentAt: new Date('2026-11-20T02:00:00Z'),
  }
}

const CHINESE = /[\u4e00-\u9fa5]/
const CODE = /^Y\d{1,9}$/
const INDUSTRY_KEYS = Object.keys(INDUSTRIES)
const CATEGORY_KEYS = Object.keys(CATEGORIES)
const len = (s: string) => Array.from(s).length

/** What a successful parse must look like, per command; returns a complaint or null. */
function badValue(command: string, v: Record<string, unknown>): string | null {
  switch (command) {
    case 'report':
      if (typeof v.description !== 'string' || len(v.description) < 2 || len(v.description) > 500) return 'description'
      if (!CATEGORY_KEYS.includes(v.category as string)) return 'category'
      if (typeof v.major !== 'boolean' || typeof v.categoryGiven !== 'boolean') return 'flags'
      if (v.place !== null && (typeof v.place !== 'string' || !v.place)) return 'place'
      return null
    case 'accept': {
      if (!CODE.test(v.code as string)) return 'code'
      const d = v.deadline as { days?: number; date?: { month: number; day: number } } | null
      if (d && 'days' in d && !(Number.isInteger(d.days) && d.days! >= 0 && d.days! <= 3650)) return 'days'
      if (d && 'date' in d && !(d.date!.month >= 1 && d.date!.month <= 12 && d.date!.day >= 1 && d.date!.day <= 31)) return 'date'
      if (v.business !== null && (typeof v.business !== 'string' || !v.business)) return 'business'
      if (v.responsible !== null && (typeof v.responsible !== 'string' || !v.responsible)) return 'responsible'
      return null
    }
    case 'rectify':
      return !CODE.test(v.code as string) ? 'code' : len(v.measures as string) < 2 ? 'measures' : null
    case 'verify':
      if (!CODE.test(v.code as string)) return 'code'
      if (typeof v.passed !== 'boolean') return 'passed'
      return v.opinion === null || (typeof v.opinion === 'string' && v.opinion) ? null : 'opinion'
    case 'transfer':
      if (!CODE.test(v.code as string)) return 'code'
      return typeof v.department === 'string' && v.department && len(v.department) <= 30 ? null : 'department'
    case 'transfer_result':
      return !CODE.test(v.code as string) ? 'code' : len(v.result as string) < 2 ? 'result' : null
    case 'query':
      return CODE.test(v.code as string) ? null : 'code'
    case 'register_group':
      if (typeof v.township !== 'string' || !v.township) return 'township'
      return Array.isArray(v.industries) && v.industries.every((x) => INDUSTRY_KEYS.includes(x)) ? null : 'industries'
    case 'bind':
      return /^[A-Z0-9]{4,12}$/.test(v.code as string) ? null : 'code'
    case 'confirm':
      return /^N\d{1,9}$/.test(v.code as string) ? null : 'code'
    case 'complete_task':
      return !/^R\d{1,9}$/.test(v.code as string) ? 'code' : len(v.note as string) < 2 ? 'note' : null
    case 'warn':
      if (typeof v.alert !== 'string' || !/^[a-z_]+$/.test(v.alert)) return 'alert'
      return v.area === null || (typeof v.area === 'string' && v.area) ? null : 'area'
    default:
      return typeof v === 'object' && v !== null ? null : 'value'
  }
}

describe('robustness: random and mutated messages through classify → matchCommand → parse', () => {
  it(`when ${MESSAGES.toLocaleString()} seeded messages arrive, then none throws, every parse is ok or a Chinese error, and every addressed message has a route`, () => {
    const next = generator(SEED)
    const side = mulberry32(SEED ^ 0x9e3779b9)
    const failures: string[] = []
    const fail = (i: number, text: string, why: string) => {
      if (failures.length < 20) failures.push(`#${i} ${why}: ${JSON.stringify(text.length > 120 ? text.slice(0, 120) + '…' : text)}`)
    }
    const stats = { addressed: 0, ignored: 0, unknown: 0, long: 0, ok: new Map<string, number>(), error: new Map<string, number>() }
    const bump = (m: Map<string, number>, k: string) => m.set(k, (m.get(k) ?? 0) + 1)
    const started = performance.now()
    let slowest = 0

    for (let i = 0; i < MESSAGES; i++) {
      const text = next(i)
      const m = inbound(i, text, side)
      if (text.length >= 10_000) stats.long++
      const t0 = performance.now()
      try {
        const c = classify(m, BOT)
        if (typeof c.addressed !== 'boolean' || typeof c.body !== 'string') fail(i, text, 'classify shape')
        if (m.kind === 'text' && !m.isGroup && !c.addressed) fail(i, text, 'direct chat not addressed')
        if (m.kind !== 'text' && c.addressed) fail(i, text, 'non-text addressed')
        if (normalize(normalize(text)) !== normalize(text)) fail(i, text, 'normalize not idempotent')
        if (!c.addressed) {
          stats.ignored++
          continue
        }
        stats.addressed++
        const matched = matchCommand(c.body)
        if (matched === null) {
          stats.unknown++
          continue
        }
        if (!commands.includes(matched.command)) fail(i, text, 'route outside the command table')
        if (typeof matched.rest !== 'string' || matched.rest.length > c.body.length) fail(i, text, 'rest')
        const p = matched.command.parse(matched.rest as never) as { ok: boolean; value?: unknown; error?: unknown }
        if (p.ok === true) {
          const bad = badValue(matched.command.name, p.value as Record<string, unknown>)
          if (bad) fail(i, text, `${matched.command.name} value ${bad}: ${JSON.stringify(p.value)}`)
          bump(stats.ok, matched.command.name)
        } else if (p.ok === false) {
          if (typeof p.error !== 'string' || !p.error.trim() || !CHINESE.test(p.error)) fail(i, text, `error ${JSON.stringify(p.error)}`)
          bump(stats.error, matched.command.name)
        } else fail(i, text, `parse shape ${JSON.stringify(p)}`)
      } catch (e) {
        fail(i, text, `threw ${(e as Error)?.stack ?? String(e)}`)
      } finally {
        const dt = performance.now() - t0
        slowest = Math.max(slowest, dt)
        if (dt > PER_MESSAGE_MS) fail(i, text, `took ${dt.toFixed(0)} ms`)
      }
    }
    const elapsed = performance.now() - started

    expect(failures).toEqual([])
    // the generator must really exercise the path: both sides of classify, unknown words, every command parsed both ways
    expect(stats.addressed + stats.ignored).toBe(MESSAGES)
    expect(stats.addressed).toBeGreaterThan(MESSAGES / 4)
    expect(stats.ignored).toBeGreaterThan(MESSAGES / 10)
    expect(stats.unknown).toBeGreaterThan(1000)
    expect(stats.long).toBe(MESSAGES / 500)
    for (const c of commands) expect(stats.ok.get(c.name) ?? 0, `${c.name} parsed ok`).toBeGreaterThan(20)
    for (const c of commands.filter((x) => !['mine', 'overdue', 'group_status', 'help', 'my_tasks'].includes(x.name))) {
      expect(stats.error.get(c.name) ?? 0, `${c.name} refused with usage`).toBeGreaterThan(20)
    }
    console.info(
      `robustness: ${MESSAGES} messages in ${(elapsed / 1000).toFixed(1)} s (slowest ${slowest.toFixed(1)} ms); addressed ${stats.addressed}, unknown ${stats.unknown}, ignored ${stats.ignored}`,
    )
  }, 120_000)

  it('when a valid command is retyped the way phones do (full-width, zero-width, odd spaces, a mention), then it parses the same', () => {
    const rnd = mulberry32(SEED + 1)
    const int = (n: number) => Math.floor(rnd() * n)
    const transforms: [string, (s: string) => string][] = [
      ['full-width', (s) => s.replace(/[!-~]/g, (c) => String.fromCharCode(c.charCodeAt(0) + 0xfee0))],
      ['zero-width', (s) => {
        const cs = Array.from(s)
        for (let k = 1 + int(4); k > 0; k--) cs.splice(int(cs.length + 1), 0, INVISIBLE[int(INVISIBLE.length)])
        return cs.join('')
      }],
      ['spaces', (s) => s.replace(/ /g, () => SPACES[int(SPACES.length)])],
      ['mention', (s) => `@${BOT}\u2005${s}`],
      ['padding', (s) => `${SPACES[int(SPACES.length)]}${s}${SPACES[int(SPACES.length)]}`],
    ]
    const parse = (text: string) => {
      const c = classify(inbound(0, text, () => 0.5), BOT)
      const m = c.addressed ? matchCommand(c.body) : null
      return { addressed: c.addressed, command: m?.command.name ?? null, parsed: m ? m.command.parse(m.rest as never) : null }
    }
    let checked = 0
    for (let i = 0; i < 10_000; i++) {
      const original = VALID[int(VALID.length)]
      const want = parse(original)
      expect(want.parsed, original).toMatchObject({ ok: true })
      let text = original
      const applied: string[] = []
      for (let k = 1 + int(3); k > 0; k--) {
        const [name, f] = transforms[int(transforms.length)]
        text = f(text)
        applied.push(name)
      }
      expect(parse(text), `${applied.join('+')}: ${JSON.stringify(text)}`).toEqual(want)
      checked++
    }
    expect(checked).toBe(10_000)
  })
})
