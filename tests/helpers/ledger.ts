import { createHash } from 'node:crypto'
import { Readable, Writable } from 'node:stream'
import { asc, sql } from 'drizzle-orm'
import { expect } from 'vitest'
import { schema, rows, type Db } from '../../db/client.js'
import type { TestApp, Seed } from './app.js'

const sha = (b: string | Buffer) => createHash('sha256').update(b).digest('hex')

/**
 * A deterministic export of the ledger: every hazard, every event and every photo (with the hash of the
 * stored bytes, recomputed), as canonical JSON. Two databases with the same ledger give the same text.
 */
export async function ledgerExport(db: Db): Promise<string> {
  const hazards = await db.select().from(schema.hazards).orderBy(asc(schema.hazards.id))
  const events = await db.select().from(schema.hazardEvents).orderBy(asc(schema.hazardEvents.id))
  const links = await db.select().from(schema.hazardAttachments).orderBy(asc(schema.hazardAttachments.id))
  const files = await db.select().from(schema.attachments).orderBy(asc(schema.attachments.sha256))
  const bytesHash = new Map(files.map((f) => [f.sha256, { content: sha(f.bytes ?? Buffer.alloc(0)), size: f.size, mime: f.mime }]))
  const canonical = (v: unknown): unknown =>
    v instanceof Date ? v.toISOString() : Array.isArray(v) ? v.map(canonical) : v && typeof v === 'object' ? Object.fromEntries(Object.keys(v).sort().map((k) => [k, canonical((v as Record<string, unknown>)[k])])) : v
  return JSON.stringify(
    canonical({
      hazards,
      events,
      photos: links.map((l) => ({ ...l, file: bytesHash.get(l.sha256) ?? null })),
    }),
  )
}

export const ledgerHash = async (db: Db) => sha(await ledgerExport(db))

/** Row count of every public table. */
export async function tableCounts(db: Db): Promise<Record<string, number>> {
  const tables = await rows<{ name: string }>(db, sql`select tablename::text as name from pg_tables where schemaname = 'public' order by tablename`)
  const out: Record<string, number> = {}
  for (const t of tables) {
    const [r] = await rows<{ n: number }>(db, sql.raw(`select count(*)::int as n from "${t.name}"`))
    out[t.name] = Number(r.n)
  }
  return out
}

/** A writable that keeps what is written, and a readable of it. */
export function memoryFile() {
  const chunks: Buffer[] = []
  const out = new Writable({
    write(chunk: Buffer, _enc, cb) {
      chunks.push(Buffer.from(chunk))
      cb()
    },
  })
  return { out, text: () => Buffer.concat(chunks).toString('utf8'), read: () => Readable.from([Buffer.concat(chunks)]) }
}

/**
 * A ledger with every kind of thing in it: reports with photos (member, officer, 群众), the closed loop
 * with a rejected verification and rectification photos, a transfer, a major hazard announced to the
 * leaders (outbox rows), and a refused command. Returns the hazard codes.
 */
export async function buildLedger(t: TestApp, s: Seed): Promise<string[]> {
  const codes: string[] = []
  const report = async (who: string, text: string) => {
    expect(await t.say(who, s.group, text)).toBe('handled')
    const said = t.botSaid(s.group)
    const code = /Y\d+/.exec(said.map((x) => x.text).join('\n'))![0]
    codes.push(code)
    return code
  }
  const a = await report('owner', '#隐患 后厨燃气软管老化开裂 地点：一楼后厨')
  expect(await t.photo('owner', s.group)).toBe('photo')
  expect(await t.photo('owner', s.group)).toBe('photo')
  expect(await t.say('officer', s.group, `#受理 ${a} 七天`)).toBe('handled')
  expect(await t.say('owner', s.group, `#整改 ${a} 已更换燃气软管`)).toBe('handled')
  expect(await t.photo('owner', s.group)).toBe('photo')
  expect(await t.say('officer', s.group, `#验收 ${a} 不通过 报警器未安装`)).toBe('handled')
  expect(await t.say('owner', s.group, `#整改 ${a} 已安装燃气报警器`)).toBe('handled')
  expect(await t.photo('owner', s.group)).toBe('photo')
  expect(await t.say('officer', s.group, `#验收 ${a} 通过`)).toBe('handled')
  const b = await report('passer', '#隐患 小区门口电动车集中充电 飞线')
  expect(await t.photo('passer', s.group)).toBe('photo')
  const c = await report('officer', '#隐患 重大 仓库违规储存液化气钢瓶二十余个')
  expect(await t.say('officer', s.group, `#移交 ${c} 应急管理局`)).not.toBe('busy')
  expect(await t.say('passer', s.group, `#受理 ${b}`)).toBe('refused')
  t.botSaid(s.group)
  t.botSaid(s.leaders)
  return codes
}
