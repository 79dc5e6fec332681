import { defineCommand } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { AppError } from '../src/core/errors.js'
import { findBusiness } from '../src/services/directory.js'
import { publishCommendation } from '../src/services/programmes/oversight.js'

export default defineCommand<{ names: string[]; title: string }>({
  name: 'commend',
  words: ['通报表扬', '表扬'],
  action: 'commendation.publish',
  summary: '通报表扬安全工作好的单位（推送到各群）',
  usage: '表扬 <单位名>[、单位名…] [标题:…]',
  examples: ['#表扬 城关老街饭店、红山羊汤馆 标题:11月安全生产先进单位'],
  parse: (rest) => {
    const s = normalize(rest)
    const m = /\s*标题[:：]\s*(.+)$/.exec(s)
    const title = m ? m[1].trim() : '安全生产先进单位'
    const names = (m ? s.slice(0, m.index) : s).split(/[、,，;；\s]+/).filter(Boolean)
    if (!names.length) return { ok: false, error: '请写要表扬的单位名称' }
    if (names.length > 30) return { ok: false, error: '一次最多表扬30家单位' }
    const odd = names.find((n) => !/^[\p{Script=Han}A-Za-z0-9()（）·]{2,40}$/u.test(n))
    if (odd) return { ok: false, error: `单位名称“${odd.slice(0, 12)}”不对，请写单位全称` }
    return { ok: true, value: { names, title } }
  },
  async run(ctx, { names, title }) {
    const ids: number[] = []
    for (const n of names) {
      const b = await findBusiness(ctx.tx, n)
      if (!b) throw new AppError('not_found', `没有找到单位“${n}”`)
      ids.push(b.id)
    }
    const r = await publishCommendation(ctx.tx, { title, businessIds: ids }, ctx.actor.name, ctx.now, ctx.msg.account)
    await ctx.reply(`已发布通报表扬“${title}”，推送到${r.notifiedGroups.length}个群。`)
  },
})
