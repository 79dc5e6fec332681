import { defineCommand } from '../src/chat/command.js'
import { AppError } from '../src/core/errors.js'
import { ALERT_NAMES, matchAlert, pushWeatherAlert } from '../src/services/alerts.js'
import { findTownship, WHOLE_CITY } from '../src/services/directory.js'

const usage = '预警 <类型> [乡镇|全市]'

export default defineCommand<{ alert: string; area: string | null }>({
  name: 'warn',
  words: ['预警', '天气预警', '发预警'],
  action: 'alert.weather',
  summary: '发布极端天气预警（立即推送到相关群）',
  usage,
  examples: ['#预警 高温', '#预警 暴雨 城关街道', '#预警 寒潮 全市'],
  parse(rest) {
    const [type, area] = rest.split(/\s+/).filter(Boolean)
    const alert = type ? matchAlert(type) : null
    if (!alert) return { ok: false, error: `${type ? `没有“${type}”这种预警。` : ''}可选：${ALERT_NAMES.join('、')}` }
    return { ok: true, value: { alert, area: area ?? null } }
  },
  async run(ctx, args) {
    let townshipId: number | undefined
    if (args.area && !WHOLE_CITY.includes(args.area)) {
      const t = await findTownship(ctx.tx, args.area)
      if (!t) throw new AppError('not_found', `没有找到乡镇“${args.area}”\n${usage}`)
      townshipId = t.id
    }
    // an officer of one township alerts that township (and city-wide groups) only
    if (ctx.actor.role === 'officer' && ctx.actor.townshipId !== null) {
      if (townshipId !== undefined && townshipId !== ctx.actor.townshipId) throw new AppError('forbidden', '只能向您负责的乡镇发布预警')
      townshipId = ctx.actor.townshipId
    }
    const r = await pushWeatherAlert(ctx.tx, { alert: args.alert, townshipId, now: ctx.now, fallbackAccount: ctx.msg.account })
    if (!r.groups.length) return ctx.reply(`${r.area}没有已登记的群，预警未发送。`)
    await ctx.reply(`已向${r.area}${r.groups.length}个群发送${r.title}预警（紧急）。`)
  },
})
