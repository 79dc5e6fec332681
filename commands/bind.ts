import { defineCommand } from '../src/chat/command.js'
import { parseBind } from '../src/core/parse.js'
import { bindIdentity } from '../src/services/directory.js'
import { ROLE_LABELS, type Role } from '../src/core/permissions.js'

export default defineCommand({
  name: 'bind',
  words: ['绑定', '绑定身份'],
  action: 'bind',
  summary: '用管理员发的绑定码绑定身份',
  usage: '绑定 <绑定码>',
  examples: ['#绑定 382915'],
  parse: parseBind,
  async run(ctx, args) {
    const p = await bindIdentity(ctx.tx, ctx.identity, args.code, ctx.now)
    ctx.directoryChanged()
    await ctx.reply(`绑定成功：${p.name}（${ROLE_LABELS[p.role as Role]}）。\n发 #帮助 看能用的命令。`)
  },
})
