import { defineCommand, type AwaitedImage } from '../src/chat/command.js'
import { normalize } from '../src/core/text.js'
import { addTaskFile, completeTask, TASK_CODE } from '../src/services/tasks.js'

export const TASK_FILES = 'task_files'

export default defineCommand({
  name: 'complete_task',
  words: ['完成', '办结'],
  action: 'task.complete',
  summary: '报告督办任务完成（可再发照片）',
  usage: '完成 <任务编号> <办理情况>',
  examples: ['#完成 R7 已完成辖区加油站检查12家，发现问题3处已督促整改'],
  parse(rest) {
    const m = /^(\S+)\s*([\s\S]*)$/.exec(normalize(rest))
    if (!m) return { ok: false, error: '请写任务编号和办理情况' }
    const [, code, note] = m
    if (/^[Yy]\d+$/.test(code)) return { ok: false, error: `${code.toUpperCase()} 是隐患编号，隐患整改请发：#整改 ${code.toUpperCase()} 整改措施` }
    if (!TASK_CODE.test(code)) return { ok: false, error: `“${code}”不是任务编号（R开头）` }
    if (Array.from(note.trim()).length < 2) return { ok: false, error: '请写办理情况' }
    return { ok: true, value: { code: code.toUpperCase(), note: note.trim() } }
  },
  async run(ctx, { code, note }) {
    const { task, assigneeId, late } = await completeTask(ctx.tx, code, ctx.actor.personId, note, ctx.now)
    await ctx.awaitReply(TASK_FILES, { assigneeId, code: task.code })
    await ctx.reply(
      `已登记 ${task.code} 完成${late ? '（已超期）' : ''}。\n如有照片或文件，请在${ctx.config.PHOTO_WINDOW_MINUTES}分钟内发来。`,
    )
  },
})

/** Photos and files after 完成 R7, for a while. */
export const taskFiles: AwaitedImage = {
  name: 'task_files',
  slotKind: TASK_FILES,
  async onImage(ctx, file, slot) {
    const { assigneeId, code } = slot.data as { assigneeId: number; code: string }
    const n = await addTaskFile(ctx.tx, assigneeId, file, ctx.msg.messageId, ctx.now)
    await ctx.reply(`${code} 已收到附件 ${n} 个。`)
  },
}
