import { and, asc, desc, eq, inArray, isNull, or, sql, type SQL } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../../db/client.js'
import { AppError } from '../../core/errors.js'
import { DEVICE_KINDS, deviceKindOf, type DeviceKind } from '../../core/sensors.js'
import type { Actor } from '../../core/permissions.js'
import { businessReach, reaches } from '../scope.js'
import { recordAudit } from '../audit.js'
import type { ImportError } from '../import.js'

const { devices, businesses, groups, hazards, memberships, identities, people, alarms } = schema
export type DeviceRow = typeof devices.$inferSelect

/** `可燃气体探测器（后厨）`: what people read about a device. */
export function deviceLabel(d: Pick<DeviceRow, 'kind' | 'location'>): string {
  const kind = kindLabel(d.kind)
  return d.location ? `${kind}（${d.location}）` : kind
}

/**
 * The group a business's alarms go to: the group where its hazards were last reported, else a registered
 * group that covers it: its township's before a city-wide one, one naming its industry before one for all.
 */
export async function businessGroup(tx: Tx, businessId: number): Promise<{ id: number } | null> {
  const [h] = await tx
    .select({ id: hazards.groupId })
    .from(hazards)
    .innerJoin(groups, eq(groups.id, hazards.groupId))
    .where(and(eq(hazards.businessId, businessId), eq(groups.registered, true)))
    .orderBy(desc(hazards.id))
    .limit(1)
  if (h?.id) return { id: h.id }
  const [b] = await tx.select().from(businesses).where(eq(businesses.id, businessId))
  if (!b) return null
  const [g] = await tx
    .select({ id: groups.id })
    .from(groups)
    .where(
      and(
        eq(groups.registered, true),
        b.townshipId === null ? isNull(groups.townshipId) : or(eq(groups.townshipId, b.townshipId), isNull(groups.townshipId)),
        or(sql`cardinality(${groups.industries}) = 0`, sql`${b.industry} = any(${groups.industries})`),
      ),
    )
    .orderBy(sql`${groups.townshipId} is null`, sql`cardinality(${groups.industries}) = 0`, asc(groups.id))
    .limit(1)
  return g ?? null
}

/** The chat ids (on `channel`) of the principals of these businesses, to @-mention them. */
/** The chat identities of the businesses' principals, per business (one statement for many businesses). */
export async function ownerIdentities(tx: Tx, businessIds: number[]): Promise<Map<number, { channel: string; externalId: string }[]>> {
  const m = new Map<number, { channel: string; externalId: string }[]>()
  if (!businessIds.length) return m
  const r = await tx
    .selectDistinct({ businessId: memberships.businessId, channel: identities.channel, externalId: identities.externalId })
    .from(memberships)
    .innerJoin(identities, eq(identities.personId, memberships.personId))
    .where(and(inArray(memberships.businessId, businessIds), eq(memberships.role, 'principal')))
  for (const x of r) m.set(x.businessId, [...(m.get(x.businessId) ?? []), { channel: x.channel, externalId: x.externalId }])
  return m
}

export async function ownerMentions(tx: Tx, businessIds: number[], channel: string): Promise<string[]> {
  if (!businessIds.length) return []
  const r = await tx
    .selectDistinct({ id: identities.externalId })
    .from(memberships)
    .innerJoin(identities, eq(identities.personId, memberships.personId))
    .where(and(inArray(memberships.businessId, businessIds), eq(memberships.role, 'principal'), eq(identities.channel, channel)))
  return r.map((x) => x.id)
}

/** The officers of a township (those scoped to the industry or to every industry). */
export async function townshipOfficers(tx: Tx, townshipId: number | null, industry: string) {
  if (townshipId === null) return []
  return tx
    .select({ id: people.id, name: people.name })
    .from(people)
    .where(and(eq(people.role, 'officer'), eq(people.townshipId, townshipId), or(sql`cardinality(${people.industries}) = 0`, sql`${industry} = any(${people.industries})`)))
    .orderBy(people.id)
}

/** Registered devices by (vendor, vendor's device id), in one statement for many. */
export async function devicesByVendorIds(tx: Tx, keys: { vendor: string; device: string }[]): Promise<DeviceRow[]> {
  if (!keys.length) return []
  const want = new Set(keys.map((k) => k.vendor + '\u0000' + k.device))
  const rs = await tx
    .select()
    .from(devices)
    .where(and(inArray(devices.vendor, [...new Set(keys.map((k) => k.vendor))]), inArray(devices.vendorDeviceId, [...new Set(keys.map((k) => k.device))]), isNull(devices.removedAt)))
  return rs.filter((d) => want.has(d.vendor + '\u0000' + d.vendorDeviceId))
}

export interface NewDevice {
  vendor: string
  vendorDeviceId: string
  businessId: number
  kind: DeviceKind
  location?: string | null
}

/** Registers a device for a business the actor reaches (or moves a known vendor id to it). */
export async function addDevice(db: Db, actor: Actor & { name: string }, input: NewDevice, now: Date): Promise<DeviceRow> {
  return db.transaction(async (tx) => {
    const [b] = await tx.select().from(businesses).where(eq(businesses.id, input.businessId))
    if (!b) throw new AppError('not_found', `没有编号为 ${input.businessId} 的单位`)
    if (!reaches(actor, 'admin.manage', b)) throw new AppError('forbidden', `${b.name} 不在您负责的范围内`)
    const [d] = await tx
      .insert(devices)
      .values({ vendor: input.vendor, vendorDeviceId: input.vendorDeviceId, businessId: b.id, kind: input.kind, location: input.location ?? null })
      .onConflictDoUpdate({
        target: [devices.vendor, devices.vendorDeviceId],
        set: { businessId: b.id, kind: input.kind, location: input.location ?? null, removedAt: null },
      })
      .returning()
    await recordAudit(tx, { actorKind: actor.personId ? 'person' : 'token', actorId: actor.personId, actorName: actor.name, action: 'device.add', targetType: 'device', targetId: d.id, detail: { vendor: input.vendor, device: input.vendorDeviceId, businessId: b.id, kind: input.kind } }, now)
    return d
  })
}

const HEADERS = {
  vendor: ['厂商', '设备厂商', '平台'],
  device: ['设备编号', '设备号', '设备ID', '设备id'],
  business: ['单位名称', '单位', '经营主体'],
  kind: ['设备类型', '类型'],
  location: ['安装位置', '位置'],
} as const
type Field = keyof typeof HEADERS

/**
 * Imports devices from a table (厂商, 设备编号, 单位名称, 设备类型, 安装位置): every row checked, all written in
 * one transaction or none (the report names each bad row). Businesses must be in the actor's reach.
 */
export async function importDevices(db: Db, actor: Actor & { name: string }, table: string[][], opts: { dryRun: boolean; now: Date }) {
  const errors: ImportError[] = []
  const headerAt = table.findIndex((r) => r.some((c) => c !== ''))
  const header = headerAt >= 0 ? table[headerAt] : []
  const col = {} as Record<Field, number>
  for (const f of Object.keys(HEADERS) as Field[]) col[f] = header.findIndex((h) => (HEADERS[f] as readonly string[]).includes(h.replace(/\s/g, '')))
  const missing = (['vendor', 'device', 'business', 'kind'] as Field[]).filter((f) => col[f] < 0)
  if (missing.length) {
    errors.push({ row: Math.max(headerAt, 0) + 1, message: `表头缺少“${missing.map((f) => HEADERS[f][0]).join('”“')}”列；表头：厂商、设备编号、单位名称、设备类型、安装位置` })
    return { ok: false, dryRun: opts.dryRun, created: 0, valid: 0, errors }
  }
  const reach = businessReach(actor, 'admin.manage')
  const known = await db.select({ id: businesses.id, name: businesses.name }).from(businesses).where(reach)
  const byName = new Map(known.map((b) => [b.name, b.id]))
  const rows: NewDevice[] = []
  const seen = new Map<string, number>()
  for (let i = headerAt + 1; i < table.length; i++) {
    const cells = table[i]
    if (!cells.some((c) => c !== '')) continue
    const cell = (f: Field) => (col[f] >= 0 ? (cells[col[f]] ?? '').trim() : '')
    const problems: string[] = []
    const vendor = cell('vendor')
    const id = cell('device')
    if (!/^[\w.-]{1,64}$/.test(vendor)) problems.push('厂商应为字母、数字或 ._-（与接入账号一致）')
    if (!/^[\w.:-]{1,64}$/.test(id)) problems.push('设备编号应为字母、数字或 ._:-，最多 64 位')
    const key = `${vendor}/${id}`
    if (seen.has(key)) problems.push(`与第 ${seen.get(key)} 行重复`)
    const businessId = byName.get(cell('business'))
    if (!businessId) problems.push(`单位“${cell('business')}”没有登记，或不在您负责的范围内`)
    const kind = deviceKindOf(cell('kind'))
    if (!kind) problems.push(`设备类型“${cell('kind')}”不认识，可填：${Object.values(DEVICE_KINDS).map((k) => k.label).join('、')}`)
    if (problems.length) errors.push({ row: i + 1, message: problems.join('；') })
    else rows.push({ vendor, vendorDeviceId: id, businessId: businessId!, kind: kind!, location: cell('location') || null })
    seen.set(key, i + 1)
  }
  if (errors.length || opts.dryRun) return { ok: !errors.length, dryRun: opts.dryRun, created: 0, valid: rows.length, errors }
  await db.transaction(async (tx) => {
    for (let i = 0; i < rows.length; i += 1000) {
      await tx
        .insert(devices)
        .values(rows.slice(i, i + 1000))
        .onConflictDoUpdate({
          target: [devices.vendor, devices.vendorDeviceId],
          set: { businessId: sql`excluded.business_id`, kind: sql`excluded.kind`, location: sql`excluded.location`, removedAt: null },
        })
    }
    await recordAudit(tx, { actorKind: actor.personId ? 'person' : 'token', actorId: actor.personId, actorName: actor.name, action: 'device.import', targetType: 'device', detail: { rows: rows.length } }, opts.now)
  })
  return { ok: true, dryRun: false, created: rows.length, valid: rows.length, errors }
}

/** A device's state: 报警中 while an alarm is open, else 离线 or 在线. */
export function deviceState(d: { openAlarm: number | null; offlineSince: Date | null }): 'alarm' | 'offline' | 'online' {
  return d.openAlarm !== null ? 'alarm' : d.offlineSince !== null ? 'offline' : 'online'
}

/** The word shown for a device kind (the stored key when it is not one of ours). */
export function kindLabel(kind: string): string {
  return DEVICE_KINDS[kind as DeviceKind]?.label ?? kind
}

/** Devices the actor reaches (optionally of one business), each with its state: 在线, 离线 or 报警中. */
export async function listDevices(tx: Tx, actor: Actor, f: { businessId?: number } = {}) {
  const where: (SQL | undefined)[] = [isNull(devices.removedAt), businessReach(actor, 'admin.read')]
  if (f.businessId !== undefined) where.push(eq(devices.businessId, f.businessId))
  const rows = await tx
    .select({ device: devices, businessName: businesses.name, townshipId: businesses.townshipId, openAlarm: alarms.id })
    .from(devices)
    .innerJoin(businesses, eq(businesses.id, devices.businessId))
    .leftJoin(alarms, and(eq(alarms.deviceId, devices.id), eq(alarms.status, 'open')))
    .where(and(...where))
    .orderBy(devices.id)
  return rows.map((r) => ({
    id: r.device.id,
    vendor: r.device.vendor,
    vendorDeviceId: r.device.vendorDeviceId,
    businessId: r.device.businessId,
    businessName: r.businessName,
    townshipId: r.townshipId,
    kind: r.device.kind,
    kindLabel: kindLabel(r.device.kind),
    location: r.device.location,
    lastSeenAt: r.device.lastSeenAt,
    state: deviceState({ openAlarm: r.openAlarm, offlineSince: r.device.offlineSince }),
    openAlarm: r.openAlarm,
  }))
}

/**
 * Devices off the register: kept for their alarms' history (a vendor id may be registered again). An alarm still
 * open stops escalating (nobody can answer for a device that is gone); a hazard filed from it runs its own loop.
 */
export async function takeOffRegister(tx: Tx, ids: number[], now: Date): Promise<void> {
  if (!ids.length) return
  await tx.update(devices).set({ removedAt: now }).where(inArray(devices.id, ids))
  await tx.update(alarms).set({ nextEscalationAt: null }).where(and(inArray(alarms.deviceId, ids), eq(alarms.status, 'open')))
}

/** Takes a device off the register (kept for its alarms' history; its vendor id may be registered again). */
export async function removeDevice(db: Db, actor: Actor & { name: string }, id: number, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    const [r] = await tx.select({ device: devices, business: businesses }).from(devices).innerJoin(businesses, eq(businesses.id, devices.businessId)).where(eq(devices.id, id))
    if (!r || r.device.removedAt) throw new AppError('not_found', `没有编号为 ${id} 的设备`)
    if (!reaches(actor, 'admin.manage', r.business)) throw new AppError('forbidden', `${r.business.name} 不在您负责的范围内`)
    await takeOffRegister(tx, [id], now)
    await recordAudit(tx, { actorKind: actor.personId ? 'person' : 'token', actorId: actor.personId, actorName: actor.name, action: 'device.remove', targetType: 'device', targetId: id, detail: { vendor: r.device.vendor, device: r.device.vendorDeviceId, businessId: r.business.id } }, now)
  })
}

const ANSWER_LABELS = { received: '已收到', handled: '已处理', false_alarm: '误报' } as const

/** The alarms the actor reaches, newest first: open ones only, or the last 200 of every state. */
export async function listAlarms(tx: Tx, actor: Actor, f: { open?: boolean; businessId?: number } = {}) {
  const where: (SQL | undefined)[] = [businessReach(actor, 'admin.read')]
  if (f.open) where.push(eq(alarms.status, 'open'))
  if (f.businessId !== undefined) where.push(eq(alarms.businessId, f.businessId))
  const rows = await tx
    .select({ alarm: alarms, device: devices, businessName: businesses.name, hazardCode: hazards.code })
    .from(alarms)
    .innerJoin(devices, eq(devices.id, alarms.deviceId))
    .innerJoin(businesses, eq(businesses.id, alarms.businessId))
    .leftJoin(hazards, eq(hazards.id, alarms.hazardId))
    .where(and(...where))
    .orderBy(desc(alarms.id))
    .limit(200)
  return rows.map(({ alarm: a, device: d, businessName, hazardCode }) => ({
    id: a.id,
    code: `A${a.id}`,
    businessId: a.businessId,
    businessName,
    device: deviceLabel(d),
    vendorDeviceId: d.vendorDeviceId,
    openedAt: a.openedAt,
    reading: a.reading,
    unit: a.unit,
    readings: a.readings,
    status: a.status,
    answer: a.answer,
    answerLabel: a.answer ? ANSWER_LABELS[a.answer] : a.status === 'open' ? '未确认' : '',
    answeredBy: a.answeredBy,
    closeReason: a.closeReason,
    hazardCode,
  }))
}
