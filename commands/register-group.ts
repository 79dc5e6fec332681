import { defineCommand } from '../src/chat/command.js'
import { parseRegisterGroup } from '../src/core/parse.js'
import { registerGroup } from '../src/services/directory.js'
import { AppError } from '../src/core/errors.js'
import { industryLabel } from '../src/core/domain.js'

export default defineCommand({
  name: 'register_group',
  words: ['本群登记', '群登记', '登记本群'],
  action: 'group.register',
  summary: '登记本群所属乡镇和行业（推送按此发送）',
  usage: '本群登记 <乡镇|全市> [行业…]',
  examples: ['#本群登记 城关街道 餐饮', '#本群登记 全市 成品油 报废机动车'],
  groupOnly: true,
  parse: parseRegisterGroup,
  async run(ctx, args) {
    if (!ctx.group) throw new AppError('usage', '请在要登记的群里发这条命令')
    const { townshipName } = await registerGroup(ctx.tx, ctx.group, args, ctx.actor, ctx.now)
    ctx.directoryChanged()
    const ind = args.industries.length ? args.industries.map(industryLabel).join('、') : '全部行业'
    await ctx.reply(`本群已登记：${townshipName} · ${ind}。\n群成员现在可以上报隐患：#隐患 情况`)
  },
})
