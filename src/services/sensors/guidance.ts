import type { Tx } from '../../../db/client.js'
import type { DangerKind } from '../../core/urgent-guidance.js'
import { guidanceFor } from '../urgent-guidance.js'

export type { DangerKind }

/** The safety guidance for an alarm's danger: the same scripts (and local numbers) as urgent reports in chat. */
export function alarmGuidance(tx: Tx, kind: DangerKind): Promise<string> {
  return guidanceFor(tx, kind)
}
