import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { AppError } from '../src/core/errors.js'
import { authorize } from '../src/core/permissions.js'
import { memberBusiness } from '../src/services/programmes/selfchecks.js'
import { responsibilityOf, statusLine, verifyResponsibility } from '../src/services/programmes/responsibility.js'

/** How long the bot waits for the document or photo after 责任制 已修订. */
export const RESPONSIBILITY_WINDOW_MINUTES = 30

type Args = { op: 'status' } | { op: 'submit' } | { op: 'verify'; business: string }

export default defineCommand<Args>({
  name: 'responsibility',
  words: ['责任制', '全员责任制', '全员安全生产责任制'],
  action: 'help',
  summary: '全员安全生产责任制：报送修订、核验',
  usage: '责任制 已修订（随后发文件或照片） | 责任制 核验 <单位名>',
  examples: ['#责任制 已修订', '#责任制 核验 城关老街饭店', '#责任制'],
  parse: (rest) => {
    const s = normalize(rest)
    if (!s || s === '状态' || s === '查询') return { ok: true, value: { op: 'status' } }
    if (/^(已修订|修订完成|已完成|已修改|报送|提交)$/.test(s)) return { ok: true, value: { op: 'submit' } }
    const m = /^(?:核验|核验通过|通过)\s*(.+)$/.exec(s)
    if (m) return { ok: true, value: { op: 'verify', business: m[1].trim() } }
    return { ok: false, error: '没看懂，单位报送请发“责任制 已修订”，监管人员核验请发“责任制 核验 单位名”' }
  },
  async run(ctx, args) {
    if (args.op === 'verify') {
      const b = await verifyResponsibility(ctx.tx, ctx.actor, args.business, ctx.now)
      await ctx.reply(`已核验：${b.name} 的全员安全生产责任制。`)
      return
    }
    if (ctx.actor.role !== 'member') {
      if (args.op === 'submit') throw new AppError('forbidden', '只有绑定了单位的经营主体可以报送责任制')
      await ctx.reply('查看各单位责任制进度请用管理后台或 API：/api/responsibility/coverage\n核验请发：#责任制 核验 单位名')
      return
    }
    const b = await memberBusiness(ctx.tx, ctx.actor, ctx.group)
    if (args.op === 'status') {
      const r = await responsibilityOf(ctx.tx, b.id)
      await ctx.reply(`${statusLine(b, r?.status ?? 'not_started', ctx.now)}\n修订后请发：#责任制 已修订，再发文件或照片`)
      return
    }
    const d = authorize(ctx.actor, 'responsibility.submit', { businessId: b.id, townshipId: b.townshipId, industry: b.industry })
    if (!d.ok) throw new AppError('forbidden', d.reason)
    const r = await responsibilityOf(ctx.tx, b.id)
    if (r?.status === 'verified') throw new AppError('invalid_state', `${b.name} 的责任制已核验通过，无需再报`)
    await ctx.awaitReply('responsibility', { businessId: b.id }, RESPONSIBILITY_WINDOW_MINUTES)
    await ctx.reply(`请在${RESPONSIBILITY_WINDOW_MINUTES}分钟内发送修订后的全员安全生产责任制文件或照片（${b.name}）。`)
  },
})
