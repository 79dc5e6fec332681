import { and, arrayOverlaps, eq, inArray, or, sql, type SQL } from 'drizzle-orm'
import type { AnyPgColumn } from 'drizzle-orm/pg-core'
import { schema, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { authorize, type Action, type Actor } from '../core/permissions.js'
import type { BusinessRow } from './directory.js'

const { businesses, people, memberships, groups } = schema

/**
 * The WHERE that keeps the rows an actor reaches with `action`, by their township (and industry) columns:
 * undefined for every row, `false` for none. The SQL twin of `authorize` for listings.
 */
export function reachWhere(actor: Actor, action: Action, township: AnyPgColumn, industry?: AnyPgColumn): SQL | undefined {
  const d = authorize(actor, action)
  if (!d.ok) return sql`false`
  if (d.reach === 'all') return undefined
  if (d.reach !== 'jurisdiction') return sql`false`
  const parts: SQL[] = []
  if (actor.townshipId !== null) parts.push(eq(township, actor.townshipId))
  if (industry && actor.industries.length) parts.push(inArray(industry, actor.industries))
  return parts.length ? and(...parts) : undefined
}

/** Businesses (the `businesses` table) an actor reaches with `action`. */
export function businessReach(actor: Actor, action: Action): SQL | undefined {
  return reachWhere(actor, action, businesses.townshipId, businesses.industry)
}

/**
 * People an actor reaches with `action`: the members of the businesses it reaches and, when its reach has no
 * industry limit, the people of its township. City staff (no township) stay out of a scoped actor's reach.
 */
export function peopleReach(tx: Tx, actor: Actor, action: Action): SQL | undefined {
  const d = authorize(actor, action)
  if (!d.ok || (d.reach !== 'all' && d.reach !== 'jurisdiction')) return sql`false`
  const biz = businessReach(actor, action)
  if (biz === undefined) return undefined
  const members = inArray(
    people.id,
    tx.select({ id: memberships.personId }).from(memberships).innerJoin(businesses, eq(businesses.id, memberships.businessId)).where(biz),
  )
  return actor.townshipId !== null && !actor.industries.length ? or(members, eq(people.townshipId, actor.townshipId)) : members
}

/** Chat groups an actor reaches with `action`: its township's, and with an industry limit only groups of those industries. */
export function groupReach(actor: Actor, action: Action): SQL | undefined {
  const d = authorize(actor, action)
  if (!d.ok) return sql`false`
  if (d.reach === 'all') return undefined
  if (d.reach !== 'jurisdiction') return sql`false`
  const parts: SQL[] = []
  if (actor.townshipId !== null) parts.push(eq(groups.townshipId, actor.townshipId))
  if (actor.industries.length) parts.push(arrayOverlaps(groups.industries, actor.industries))
  return parts.length ? and(...parts) : undefined
}

/** True when the actor reaches a business, or a township (no id, no industry), or with null the whole city, with `action`. */
export function reaches(actor: Actor, action: Action, b: { id?: number; townshipId: number | null; industry?: string | null } | null): boolean {
  return authorize(actor, action, { businessId: b?.id ?? null, townshipId: b?.townshipId ?? null, industry: b?.industry ?? null }).ok
}

/** Refuses (forbidden) a record of the whole city (milestones, exhibitions …) to an actor scoped to a part of it. */
export function checkCityWide(actor: Actor, action: Action): void {
  const d = authorize(actor, action, { businessId: null, townshipId: null, industry: null })
  if (!d.ok) throw new AppError('forbidden', d.reason === '这不在您负责的范围内' ? '这是全市的记录，不在您负责的范围内' : d.reason)
}

/**
 * The businesses of `ids`, each checked: unknown ones are not_found, ones outside the actor's reach with
 * `action` are forbidden. No ids: the record is the whole city's, which the actor must reach.
 */
export async function checkBusinesses(tx: Tx, actor: Actor, action: Action, ids: number[]): Promise<BusinessRow[]> {
  if (!ids.length) {
    checkCityWide(actor, action)
    return []
  }
  const rows = await tx.select().from(businesses).where(inArray(businesses.id, ids))
  const missing = ids.filter((id) => !rows.some((r) => r.id === id))
  if (missing.length) throw new AppError('not_found', `没有这些单位：${missing.join('、')}`)
  const outside = rows.filter((b) => !reaches(actor, action, b))
  if (outside.length) throw new AppError('forbidden', `这些单位不在您负责的范围内：${outside.map((b) => b.name).join('、')}`)
  return rows
}
