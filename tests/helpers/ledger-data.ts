import { createHash } from 'node:crypto'
import { schema, type Db } from '../../db/client.js'
import type { Seed } from './app.js'
import { PNG_1PX } from './app.js'

type NewHazard = typeof schema.hazards.$inferInsert

/**
 * A small known ledger (now = 2026-11-20 10:00 Shanghai) for the statistics and export tests:
 *   a  城关 fire general closed      found 08-05, closed 08-10 (5 days), one report photo
 *   b  城关 gas  major   rectifying  found 09-10, deadline 09-30 → overdue, 挂牌督办
 *   c  城关 电气 general transferred found 07-20 (消防救援)
 *   d  红山 fire general reported    found 10-02, campaign 冬春火灾防控
 *   e  红山 gas  major   closed      found 03-01, closed 03-11 (10 days), 挂牌督办
 *   f  城关 fire general awaiting    found 11-18, deadline 11-25; text a user typed with <script>, quotes and emoji
 *   g  —    other general reported   found 11-19, no business (群众举报), text that looks like a formula
 *   h  城关 fire general closed      found 11-02, closed 11-12 (10 days)
 */
export async function seedLedger(db: Db, s: Seed) {
  const base = { reporterName: '张老板', reporterKind: 'member', description: '隐患', category: 'fire', grade: 'general' as const }
  const cg = { townshipId: s.town.id, businessId: s.shop.id, industry: 'catering' }
  const hs = { townshipId: s.town2.id, businessId: s.other.id, industry: 'catering', reporterName: '王老板' }
  const at = (d: string) => new Date(`${d}+08:00`)
  const rows: Record<string, NewHazard> = {
    a: { ...base, ...cg, description: '灭火器过期', status: 'closed', createdAt: at('2026-08-05T10:00:00'), closedAt: at('2026-08-10T10:00:00'), deadline: at('2026-08-12T23:59:59'), responsibleName: '李明' },
    b: { ...base, ...cg, description: '燃气软管老化', category: 'gas', grade: 'major', listedSupervision: '挂牌督办', status: 'rectifying', createdAt: at('2026-09-10T09:00:00'), deadline: at('2026-09-30T23:59:59'), responsibleName: '李明' },
    c: { ...base, ...cg, description: '私拉电线', category: 'electrical', status: 'transferred', transferDepartment: '消防救援', createdAt: at('2026-07-20T15:30:00'), deadline: at('2026-07-27T23:59:59') },
    d: { ...base, ...hs, description: '安全出口堵塞', status: 'reported', campaign: '冬春火灾防控', createdAt: at('2026-10-02T08:00:00') },
    e: { ...base, ...hs, description: '燃气报警器失效', category: 'gas', grade: 'major', listedSupervision: '挂牌督办', status: 'closed', createdAt: at('2026-03-01T10:00:00'), closedAt: at('2026-03-11T10:00:00') },
    f: { ...base, ...cg, description: '<script>alert(1)</script> "后厨" 灭火器🔥不足, 待补', place: '一楼后厨', status: 'awaiting_verification', createdAt: at('2026-11-18T11:00:00'), deadline: at('2026-11-25T23:59:59') },
    g: { ...base, townshipId: null, businessId: null, industry: null, reporterName: '热心群众', reporterKind: 'public', description: '=HYPERLINK("http://x")', category: 'other', status: 'reported', createdAt: at('2026-11-19T20:00:00') },
    h: { ...base, ...cg, description: '疏散指示灯不亮', status: 'closed', createdAt: at('2026-11-02T10:00:00'), closedAt: at('2026-11-12T10:00:00') },
  }
  const ids: Record<string, { id: number; code: string }> = {}
  for (const [k, v] of Object.entries(rows)) {
    const [r] = await db.insert(schema.hazards).values({ ...v, updatedAt: v.createdAt }).returning({ id: schema.hazards.id, code: schema.hazards.code })
    ids[k] = r
  }
  const bytes = Buffer.from(PNG_1PX, 'base64')
  const sha256 = createHash('sha256').update(bytes).digest('hex')
  await db.insert(schema.attachments).values({ sha256, mime: 'image/png', size: bytes.length, bytes }).onConflictDoNothing()
  await db.insert(schema.hazardAttachments).values({ hazardId: ids.a.id, sha256, stage: 'report' })
  return { ids, sha256 }
}
