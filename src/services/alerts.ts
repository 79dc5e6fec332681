import type { Tx } from '../../db/client.js'
import { ALERT_WORDS } from '../../db/content/index.js'
import { AppError } from '../core/errors.js'
import { itemByKey } from './content.js'
import { fill, pushToGroups, targetGroups, townshipName } from './pushes.js'
import { headlineMarkdown } from './outbox.js'

/** The alert key for a word people type after 预警 (高温, 暴雨, …), or null. */
export function matchAlert(word: string): string | null {
  const w = word.trim()
  for (const [key, words] of Object.entries(ALERT_WORDS)) if (words.includes(w)) return key
  return null
}

export const ALERT_NAMES = Object.values(ALERT_WORDS).map((w) => w[0])

/**
 * Pushes an extreme-weather alert at once (urgent) to the registered groups of a township (plus the city-wide
 * ones), or to every registered group when no township is given.
 */
export async function pushWeatherAlert(
  tx: Tx,
  args: { alert: string; townshipId?: number; now: Date; fallbackAccount?: string },
): Promise<{ title: string; area: string; groups: string[]; unreachable: string[] }> {
  const item = await itemByKey(tx, `alert:${args.alert}`)
  if (!item?.active) throw new AppError('not_found', `没有“${args.alert}”预警的文字，请在内容库中添加或启用`)
  const area = args.townshipId === undefined ? '全市' : await townshipName(tx, args.townshipId)
  const targets = await targetGroups(tx, args.townshipId === undefined ? {} : { townshipIds: [args.townshipId] })
  const text = fill(item.body, { area })
  const { sent, unreachable } = await pushToGroups(tx, targets, text, 'urgent', args.now, {
    fallbackAccount: args.fallbackAccount,
    rich: { type: 'markdown', content: headlineMarkdown(text) },
  })
  return { title: item.title, area, groups: sent.map((g) => g.name), unreachable: unreachable.map((g) => g.name) }
}
