import { describe, it, expect } from 'vitest'
import { mulberry32 } from '../helpers/random.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import type { Outcome } from '../../src/chat/router.js'
import { route } from '../../src/chat/steps/address.js'
import type { InboundMessage } from '../../src/channels/types.js'

const SEED = 0xc0ffee
const MESSAGES = 5_000
const SENDERS = ['owner', 'officer', 'passer'] as const
const BATCH = 20

const DESCRIPTIONS = ['后厨燃气软管老化开裂', '安全出口被货物堵塞', '电梯年检过期', '楼道里给电动车充电', '灭火器过期', '二楼墙体出现裂缝', '柴油桶放在后门口']
const CHATTER = ['今天中午吃什么', '收到', '好的👍', '大家注意用气安全', '明天检查组来', '[微笑]', '谁家的车挡门口了', '哈哈哈', '辛苦了🙏', '这个怎么弄']
const EMOJI = ['😀', '🔥', '👍🏽', '⚠️', '🧯', '👨‍👩‍👧‍👦', '🇨🇳', '1️⃣', '[捂脸]']
const INVISIBLE = ['\u200B', '\u200D', '\uFEFF', '\u202E', '\u2060', '\u00AD']
const SPACES = [' ', '\u3000', '\u2005', '  ']
const PREFIXES = ['', '#', '＃', '/', '# ', '@安全助手 ', '@安全助手\u2005', '\u200B#']

/** A fixed stream of group messages: commands (some on real codes), near-commands, chatter, junk, emoji, long lines. */
function generator(seed: number, codes: () => string[]) {
  const rnd = mulberry32(seed)
  const int = (n: number) => Math.floor(rnd() * n)
  const pick = <T>(xs: readonly T[]): T => xs[int(xs.length)]
  const cjk = () => String.fromCharCode(0x4e00 + int(0x9fa5 - 0x4e00))
  const code = () => (codes().length && rnd() < 0.7 ? pick(codes()) : `Y${1 + int(60)}`)
  const valid = (): string =>
    pick([
      () => `#隐患 ${pick(DESCRIPTIONS)}${rnd() < 0.3 ? ' 地点：一楼后厨' : ''}${rnd() < 0.05 ? ' 重大' : ''}`,
      () => `＃上报　${pick(DESCRIPTIONS)}`,
      () => `@安全助手 举报 ${pick(DESCRIPTIONS)}`,
      () => `#受理 ${code()} ${pick(['7天', '七天', '十五天内', '两周', '一个月', '12月31日', '2026-12-31', ''])}`,
      () => `#整改 ${code()} 已更换燃气软管`,
      () => `#验收 ${code()} ${pick(['通过', '不通过 报警器未安装', ''])}`,
      () => `#移交 ${code()} ${pick(['消防救援', '市场监管 电梯年检过期', '环保局'])}`,
      () => `#移交结果 ${code()} 已责令整改`,
      () => `#查询 ${code()}`,
      () => pick(['#我的', '#逾期', '#本群', '#帮助', '/help', '#绑定 123456', '#本群登记 红山街道 餐饮']),
    ])()
  const mutate = (s: string) => {
    const cs = Array.from(s)
    for (let k = 1 + int(3); k > 0; k--) {
      const at = int(cs.length + 1)
      switch (int(6)) {
        case 0: cs.splice(at, 1); break
        case 1: if (cs[at] !== undefined) cs.splice(at, 0, cs[at]); break
        case 2: if (at + 1 < cs.length) [cs[at], cs[at + 1]] = [cs[at + 1], cs[at]]; break
        case 3: cs.splice(at, 0, pick(INVISIBLE)); break
        case 4: cs.splice(at, 1, pick(EMOJI)); break
        default: cs.splice(0, 1, pick(PREFIXES)); break
      }
    }
    return cs.join('')
  }
  const junk = () => {
    let s = ''
    for (let k = 1 + int(40); k > 0; k--) s += rnd() < 0.5 ? String.fromCharCode(1 + int(0xfffe)) : pick([...EMOJI, ...INVISIBLE, ...SPACES, cjk()])
    return s
  }
  const longLine = () => {
    let s = pick(['', '', '#隐患 ', '@安全助手 ', '#受理 Y1 '])
    while (s.length < 10_000) s += rnd() < 0.9 ? cjk() : pick([...SPACES, '，', ...EMOJI])
    return s.slice(0, 10_000)
  }
  return (i: number): { text: string; mentionBot: boolean } => {
    const mentionBot = rnd() < 0.05
    if (i % 250 === 125) return { text: longLine(), mentionBot }
    const r = rnd()
    let text: string
    if (r < 0.25) text = valid()
    else if (r < 0.5) text = mutate(valid())
    else if (r < 0.75) text = rnd() < 0.5 ? pick(CHATTER) : Array.from({ length: 1 + int(30) }, cjk).join('')
    else if (r < 0.9) text = junk()
    else text = Array.from({ length: 1 + int(8) }, () => pick(EMOJI)).join(rnd() < 0.5 ? '' : ' ')
    // the simulator refuses an empty text, as a chat client would
    return { text: text || '…', mentionBot }
  }
}

describe('robustness end to end: thousands of messages through the real Wechaty, mock puppet and router', () => {
  let t: TestApp
  let s: Seed
  // overheard plain words get prompts rate-limited per sender (tests/integration/plain-words.test.ts): this stream
  // checks the address step, so only what is addressed is answered here
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { PLAIN_REPORTS: 'addressed' } },
  )

  it(`when ${MESSAGES.toLocaleString()} seeded messages arrive in the group, then each addressed one gets exactly one answer, chatter none, and nothing breaks`, async () => {
    const botName = t.config.BOT_NAME
    const codes: string[] = []
    const next = generator(SEED, () => codes)
    const pickSender = mulberry32(SEED + 1)
    const outcomes = new Map<Outcome, number>()
    const wrong: string[] = []
    let addressedCount = 0
    t.botSaid(s.group)
    const started = performance.now()

    // sequential sends take ~90 s; batches of 20 in flight keep it well under. Bot entries do not carry their cause,
    // so answers are accounted per batch and per sender (every answer @-mentions its sender); outcomes per message.
    for (let first = 0; first < MESSAGES && wrong.length < 20; first += BATCH) {
      const batch = Array.from({ length: Math.min(BATCH, MESSAGES - first) }, (_, k) => {
        const i = first + k
        const { text, mentionBot } = next(i)
        const from = SENDERS[Math.floor(pickSender() * SENDERS.length)]
        // what the router will see: the simulator types the mention in front, as WeChat does
        const seen = { kind: 'text', isGroup: true, mentionsBot: mentionBot, text: mentionBot ? `@${botName}\u2005${text}` : text } as InboundMessage
        const label = `#${i} ${from} ${JSON.stringify(text.length > 80 ? text.slice(0, 80) + '…' : text)}`
        return { text, mentionBot, from, label, addressed: route(seen, botName).to === 'command' }
      })
      const results = await Promise.all(batch.map((m) => t.say(m.from, s.group, m.text, { mentionBot: m.mentionBot })))
      const answers = t.botSaid(s.group)

      batch.forEach((m, k) => {
        const outcome = results[k]
        outcomes.set(outcome, (outcomes.get(outcome) ?? 0) + 1)
        if (m.addressed) addressedCount++
        if (outcome === 'busy') wrong.push(`${m.label} → busy: the router caught an error`)
        if (m.addressed !== (outcome !== 'ignored')) wrong.push(`${m.label} → ${outcome}: the address step says addressed=${m.addressed}`)
      })
      const batchLabel = `batch at #${first}`
      if (answers.length !== batch.filter((m) => m.addressed).length) {
        wrong.push(`${batchLabel}: ${answers.length} answers for ${batch.filter((m) => m.addressed).length} addressed messages`)
      }
      for (const from of SENDERS) {
        const want = batch.filter((m) => m.addressed && m.from === from).length
        const got = answers.filter((a) => a.mentionIds[0] === from).length
        if (got !== want) wrong.push(`${batchLabel}: ${got} answers to ${from} for ${want} addressed messages from ${from}`)
      }
      for (const a of answers) {
        for (const c of a.text?.match(/已登记隐患 (Y\d+)/g) ?? []) codes.push(c.slice(6))
        if (!a.text || !/[\u4e00-\u9fa5]/.test(a.text)) wrong.push(`${batchLabel}: answer without Chinese text ${JSON.stringify(a.text)}`)
        if (/\bat .+:\d+:\d+|Error:|undefined|\[object Object\]/.test(a.text ?? '')) wrong.push(`${batchLabel}: answer leaks internals ${JSON.stringify(a.text)}`)
      }
    }
    const elapsed = performance.now() - started

    expect(wrong).toEqual([])
    // the stream really mixed both kinds, created hazards and refused nonsense with usage
    expect(addressedCount).toBeGreaterThan(MESSAGES / 4)
    expect(outcomes.get('ignored') ?? 0).toBeGreaterThan(MESSAGES / 4)
    expect(outcomes.get('handled') ?? 0).toBeGreaterThan(100)
    expect(outcomes.get('usage') ?? 0).toBeGreaterThan(100)
    expect(codes.length).toBeGreaterThan(20)
    console.info(`robustness e2e: ${MESSAGES} messages in ${(elapsed / 1000).toFixed(1)} s; ${JSON.stringify(Object.fromEntries(outcomes))}; ${codes.length} hazards`)

    expect(await t.say('owner', s.group, '#帮助')).toBe('handled')
    const help = t.botSaid(s.group)
    expect(help).toHaveLength(1)
    expect(help[0].text).toContain('可用命令')
    expect(help[0].mentionIds).toEqual(['owner'])
  }, 300_000)
})
