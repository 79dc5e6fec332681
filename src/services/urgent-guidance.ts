import type { Tx } from '../../db/client.js'
import { DEFAULT_NUMBERS, guidanceScript, fillNumbers, parseNumbers, type DangerKind } from '../core/urgent-guidance.js'
import { itemByKey } from './content.js'

/** Content-library keys: the bureau's local numbers, and an optional own script per danger (`urgent:gas` …). */
export const URGENT_NUMBERS_KEY = 'urgent:numbers'
export const urgentScriptKey = (kind: DangerKind) => `urgent:${kind}`

/** The bureau's emergency numbers as edited in the content library, over the defaults. */
export async function urgentNumbers(tx: Tx): Promise<Record<string, string>> {
  const item = await itemByKey(tx, URGENT_NUMBERS_KEY)
  return { ...DEFAULT_NUMBERS, ...(item?.active ? parseNumbers(item.body) : {}) }
}

/**
 * The guidance to send for an urgent danger, with the bureau's local numbers: its own active script for the
 * danger when it wrote one (placeholders {fire} {gas} {lift} {ambulance} {power}), else the shipped one.
 */
export async function guidanceFor(tx: Tx, kind: DangerKind): Promise<string> {
  const numbers = await urgentNumbers(tx)
  const own = await itemByKey(tx, urgentScriptKey(kind))
  return own?.active && own.body.trim() ? fillNumbers(own.body.trim(), numbers) : guidanceScript(kind, numbers)
}
