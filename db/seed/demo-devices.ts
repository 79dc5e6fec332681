import { and, eq, inArray, isNull, sql } from 'drizzle-orm'
import { schema, type Db } from '../client.js'
import type { DeviceKind } from '../../src/core/sensors.js'
import { takeOffRegister } from '../../src/services/sensors/devices.js'

/** The vendor of the demo's simulated devices (fed in-process by src/sensors/demo-feed.ts, never by a broker). */
export const DEMO_VENDOR = 'demo'

export const DEMO_DEVICES: { id: string; business: string; kind: DeviceKind; location: string; group: string }[] = [
  { id: 'DEMO-GD-01', business: '城关老街饭店', kind: 'gas_detector', location: '后厨', group: 'demo-chengguan@chatroom' },
  { id: 'DEMO-LT-01', business: '中石油凌源南环加油站', kind: 'tank_level', location: '1号油罐', group: 'demo-oil@chatroom' },
  { id: 'DEMO-LK-01', business: '中石油凌源南环加油站', kind: 'leak', location: '卸油区', group: 'demo-oil@chatroom' },
  { id: 'DEMO-SM-01', business: '凌源万达购物广场', kind: 'smoke', location: '三楼餐饮区', group: 'demo-chengguan@chatroom' },
  { id: 'DEMO-EF-01', business: '北街百货商场', kind: 'electrical_fire', location: '配电室', group: 'demo-city@chatroom' },
]

/**
 * Registers the demo's devices on the demo city's businesses (those present), each to its demo group, and marks
 * them heard now: they live in this process, so the time the app was stopped was no silence of theirs (without
 * it a restart after a day would first report them 离线). Returns how many are registered.
 */
export async function seedDemoDevices(db: Db, now: Date, channel = 'wechaty'): Promise<number> {
  const names = [...new Set(DEMO_DEVICES.map((d) => d.business))]
  const biz = await db
    .select({ id: schema.businesses.id, name: schema.businesses.name })
    .from(schema.businesses)
    .where(and(inArray(schema.businesses.name, names), eq(schema.businesses.demo, true)))
  const groupRows = await db
    .select({ id: schema.groups.id, externalId: schema.groups.externalId })
    .from(schema.groups)
    .where(and(eq(schema.groups.channel, channel), inArray(schema.groups.externalId, [...new Set(DEMO_DEVICES.map((d) => d.group))])))
  const businessId = new Map(biz.map((b) => [b.name, b.id]))
  const groupId = new Map(groupRows.map((g) => [g.externalId, g.id]))
  const rows = DEMO_DEVICES.filter((d) => businessId.has(d.business)).map((d) => ({
    vendor: DEMO_VENDOR,
    vendorDeviceId: d.id,
    businessId: businessId.get(d.business)!,
    kind: d.kind,
    location: d.location,
    groupId: groupId.get(d.group) ?? null,
    lastSeenAt: now,
  }))
  if (!rows.length) return 0
  await db
    .insert(schema.devices)
    .values(rows)
    .onConflictDoUpdate({
      target: [schema.devices.vendor, schema.devices.vendorDeviceId],
      set: { lastSeenAt: sql`excluded.last_seen_at`, offlineSince: null, offlineHazardId: null, removedAt: null },
    })
  return rows.length
}

/**
 * Takes the demo's devices off the register when the app runs without demo mode: nothing feeds them then, and they
 * would go 离线 and become hazards. The next demo start registers them again. Returns how many were taken off.
 */
export async function retireDemoDevices(db: Db, now: Date): Promise<number> {
  return db.transaction(async (tx) => {
    const demoBusinesses = tx.select({ id: schema.businesses.id }).from(schema.businesses).where(eq(schema.businesses.demo, true))
    const ids = await tx
      .select({ id: schema.devices.id })
      .from(schema.devices)
      .where(and(eq(schema.devices.vendor, DEMO_VENDOR), isNull(schema.devices.removedAt), inArray(schema.devices.businessId, demoBusinesses)))
    await takeOffRegister(tx, ids.map((d) => d.id), now)
    return ids.length
  })
}
