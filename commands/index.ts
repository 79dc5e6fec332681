import type { CommandDef, AwaitedReply, AwaitedImage } from '../src/chat/command.js'
import help from './help.js'
import bind from './bind.js'
import registerGroup from './register-group.js'
import report from './report.js'
import accept from './accept.js'
import rectify from './rectify.js'
import verify from './verify.js'
import transfer from './transfer.js'
import transferResult from './transfer-result.js'
import voidReport from './void.js'
import query from './query.js'
import mine from './mine.js'
import overdue from './overdue.js'
import groupStatus from './group-status.js'
import warn from './warn.js'
import confirm from './confirm.js'
import completeTask, { taskFiles } from './complete-task.js'
import myTasks from './my-tasks.js'
import ackReply from './ack-reply.js'
import selfcheck from './selfcheck.js'
import selfcheckAnswer from './selfcheck-answer.js'
import signup from './signup.js'
import checkin from './checkin.js'
import responsibility from './responsibility.js'
import responsibilityFile from './responsibility-file.js'
import commend from './commend.js'
import { draftAnswer, draftCasualYes, draftPhotos, draftPlace } from './draft-answer.js'
import drill from './drill.js'
import drillPhoto from './drill-photo.js'
import alarmAnswer from './alarm-answer.js'

/** Every chat command, in the order help lists them. */
export const commands: CommandDef<never>[] = [
  report,
  accept,
  rectify,
  verify,
  transfer,
  transferResult,
  voidReport,
  query,
  mine,
  overdue,
  groupStatus,
  warn,
  confirm,
  completeTask,
  myTasks,
  selfcheck,
  signup,
  checkin,
  responsibility,
  drill,
  commend,
  registerGroup,
  bind,
  help,
] as CommandDef<never>[]

/** Texts taken without a command word because the bot waits for them (checklist answers, 收到 …). */
export const awaitedReplies: AwaitedReply[] = [ackReply, selfcheckAnswer, draftAnswer, draftCasualYes, draftPlace, alarmAnswer]

/** Photos and files taken for an open slot other than a hazard's photos. */
export const awaitedImages: AwaitedImage[] = [taskFiles, responsibilityFile, draftPhotos, drillPhoto]

/** Command words, longest first, so 移交结果 wins over 移交 and 报隐患 over 隐患. */
const WORDS = commands
  .flatMap((c) => c.words.map((w) => ({ w, c })))
  .sort((a, b) => b.w.length - a.w.length)

export function matchCommand(body: string): { command: CommandDef<never>; rest: string } | null {
  const lower = body.toLowerCase()
  for (const { w, c } of WORDS) {
    if (lower.startsWith(w.toLowerCase())) {
      const rest = body.slice(w.length).replace(/^[\s:：,，、]+/, '')
      // 'help me' is fine, but an ASCII word must end where the command ends
      if (/^[a-z?]/i.test(w) && /^[a-z]/i.test(body.slice(w.length))) continue
      return { command: c, rest }
    }
  }
  return null
}
