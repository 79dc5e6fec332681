import { authorize } from '../../core/permissions.js'
import type { ChatActor, GroupRow } from '../../services/directory.js'
import type { CommandDef } from '../command.js'

/**
 * The authorise step: whether the sender may use the command here, before its arguments are read.
 * Null when allowed, else the answer to give. (Services check the target itself again: in scope or not.)
 */
export function refusalFor(command: CommandDef<never>, actor: ChatActor, group: GroupRow | null): string | null {
  const allowed = authorize(actor, command.action)
  if (!allowed.ok) {
    const hint = actor.role === 'public' ? '\n如您是单位负责人或监管人员，请先发：#绑定 绑定码' : ''
    return `${allowed.reason}。${hint}`
  }
  if (command.needsRegisteredGroup && group && !group.registered) return '本群还未登记，暂不能上报。\n请监管人员先发：#本群登记 乡镇名 行业'
  if (command.needsRegisteredGroup && !group && actor.role === 'public') return '请在登记过的工作群里上报，或先绑定身份：#绑定 绑定码'
  return null
}
