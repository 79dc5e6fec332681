import { and, eq, gt, isNotNull, isNull, lt, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../../db/client.js'
import { DEVICE_KINDS, type DeviceKind } from '../../core/sensors.js'
import { enqueue } from '../outbox.js'
import { reportHazard } from '../hazards.js'
import type { ChatActor, GroupRow } from '../directory.js'
import { businessGroup, deviceLabel, ownerMentions, type DeviceRow } from './devices.js'

const { devices, businesses, groups, groupAccounts } = schema

async function tellBusiness(tx: Tx, d: DeviceRow, text: (businessName: string) => string, now: Date): Promise<boolean> {
  const groupId = d.groupId ?? (await businessGroup(tx, d.businessId))?.id
  if (!groupId) return false
  const [g] = await tx
    .select({ channel: groups.channel, chatId: groups.externalId, account: groupAccounts.account, businessName: businesses.name })
    .from(groups)
    .innerJoin(businesses, eq(businesses.id, d.businessId))
    .leftJoin(groupAccounts, and(eq(groupAccounts.channel, groups.channel), eq(groupAccounts.chatId, groups.externalId)))
    .where(eq(groups.id, groupId))
  if (!g?.account) return false
  const mentionIds = await ownerMentions(tx, [d.businessId], g.channel)
  await enqueue(tx, { channel: g.channel, account: g.account, chatId: g.chatId, isGroup: true, priority: 'normal', text: text(g.businessName), mentionIds }, now)
  return true
}

/**
 * Silence is a signal: a device not heard for DEVICE_OFFLINE_MINUTES goes offline (its business reminded),
 * one heard again comes back (told too), and one offline longer than DEVICE_OFFLINE_HAZARD_HOURS becomes a
 * hazard 设备离线 (once per silence).
 */
export async function checkDevicesOffline(tx: Tx, now: Date, o: { offlineMinutes: number; hazardHours: number }): Promise<{ offline: number; back: number; hazards: number; sent: number }> {
  const silentSince = new Date(now.getTime() - o.offlineMinutes * 60_000)
  let sent = 0
  const wentOffline = await tx
    .update(devices)
    .set({ offlineSince: now })
    .where(and(isNull(devices.removedAt), isNull(devices.offlineSince), sql`coalesce(${devices.lastSeenAt}, ${devices.createdAt}) < ${silentSince}`))
    .returning()
  for (const d of wentOffline) {
    const mins = Math.round((now.getTime() - (d.lastSeenAt ?? d.createdAt).getTime()) / 60_000)
    if (await tellBusiness(tx, d, (b) => `【设备离线】${b} ${deviceLabel(d)}（${d.vendorDeviceId}）已${mins}分钟没有信号，请检查电源和网络，离线期间不能报警。`, now)) sent++
  }
  const back = await tx
    .update(devices)
    .set({ offlineSince: null, offlineHazardId: null })
    .where(and(isNotNull(devices.offlineSince), gt(devices.lastSeenAt, devices.offlineSince)))
    .returning()
  for (const d of back) {
    if (await tellBusiness(tx, d, (b) => `【设备恢复】${b} ${deviceLabel(d)}（${d.vendorDeviceId}）已恢复在线。`, now)) sent++
  }
  const long = await tx
    .select({ device: devices, business: businesses })
    .from(devices)
    .innerJoin(businesses, eq(businesses.id, devices.businessId))
    .where(and(isNull(devices.removedAt), isNull(devices.offlineHazardId), lt(devices.offlineSince, new Date(now.getTime() - o.hazardHours * 3600_000))))
    .for('update', { of: devices, skipLocked: true })
  for (const { device: d, business: b } of long) {
    const groupId = d.groupId ?? (await businessGroup(tx, d.businessId))?.id
    const [group] = groupId ? await tx.select().from(groups).where(eq(groups.id, groupId)) : [null as GroupRow | null]
    const actor: ChatActor = { role: 'member', personId: null, identityId: null, businessIds: [b.id], businesses: [b], townshipId: b.townshipId, industries: [], name: '设备离线监测' }
    const hours = Math.round((now.getTime() - d.offlineSince!.getTime()) / 3600_000 + o.offlineMinutes / 60)
    const { hazard } = await reportHazard(
      { tx, actor, now },
      {
        description: `设备离线：${deviceLabel(d)}（${d.vendorDeviceId}）已约${hours}小时没有信号，监测失效`,
        place: d.location,
        category: DEVICE_KINDS[d.kind as DeviceKind]?.category ?? 'other',
        categoryGiven: true,
        major: false,
      },
      { group },
    )
    await tx.update(devices).set({ offlineHazardId: hazard.id }).where(eq(devices.id, d.id))
    if (await tellBusiness(tx, d, (name) => `【设备离线·已登记隐患 ${hazard.code}】${name} ${deviceLabel(d)}（${d.vendorDeviceId}）离线超过${o.hazardHours}小时，请尽快修复。修复后发：#整改 ${hazard.code} 整改措施，并附照片`, now)) sent++
  }
  return { offline: wentOffline.length, back: back.length, hazards: long.length, sent }
}
