import { tips } from './tips.js'
import { cases } from './cases.js'
import { periodTexts } from './periods.js'
import { urgentItems } from './urgent.js'
import type { SeedItem } from './types.js'

export type { SeedItem }
export { ALERT_WORDS } from './periods.js'

/** Everything the content library starts with. */
export const seedContent: SeedItem[] = [...tips, ...cases, ...periodTexts, ...urgentItems]
