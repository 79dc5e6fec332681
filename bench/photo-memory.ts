/**
 * Photo memory (issue 13 item 8): the Node process's RSS after a GC and 10 s idle, before and after 50 photos of
 * 8 MB reported in chat, on embedded PGlite (bytes in the file store) and on PostgreSQL (bytes in the database).
 * Target: after ≤ 1.2 × before. `--variants pglite-in-db` also measures PGlite with the bytes in the database
 * (the old way), for comparison. Each variant runs in a child process of its own (`--expose-gc`).
 *
 *   npx tsx bench/photo-memory.ts [--photos 50] [--variants pglite,postgres,pglite-in-db]
 *   npm run bench                  (pglite and postgres, at the end)
 */
import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { randomBytes } from 'node:crypto'
import { spawn } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import pino from 'pino'
import postgres from 'postgres'

const HERE = fileURLToPath(import.meta.url)
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'
const PHOTO_BYTES = 8 * 1024 * 1024
const IDLE_MS = 10_000

export type Variant = 'pglite' | 'postgres' | 'pglite-in-db'
export interface PhotoMemory {
  variant: Variant
  photos: number
  beforeMb: number
  afterMb: number
  peakMb: number
  ratio: number
}

const mb = (b: number) => b / 1024 / 1024
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms))

async function settledRss(): Promise<number> {
  const gc = (globalThis as { gc?: () => void }).gc
  if (!gc) throw new Error('run with --expose-gc')
  gc()
  await sleep(IDLE_MS)
  gc()
  await sleep(200)
  return process.memoryUsage().rss
}

/** In the child: one variant, measured. */
async function child(variant: Variant, photos: number): Promise<PhotoMemory> {
  const { openPglite, openPostgres, schema } = await import('../db/client.js')
  const { buildApp } = await import('../src/app.js')
  const { testConfig } = await import('../src/config.js')
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-photo-bench-'))
  let dbName: string | undefined
  const admin = variant === 'postgres' ? postgres(ADMIN_URL, { max: 1, onnotice: () => {} }) : undefined
  try {
    let database
    if (admin) {
      dbName = `csb_photo_${randomBytes(5).toString('hex')}`
      await admin.unsafe(`create database ${dbName}`)
      database = await openPostgres(ADMIN_URL.replace(/\/[^/]*$/, `/${dbName}`))
    } else {
      database = await openPglite({ dataDir: path.join(dir, 'pglite'), filesDir: variant === 'pglite' ? path.join(dir, 'files') : undefined })
    }
    const db = database.db
    // a channel of our own: the simulator's mock puppet keeps every message (and its picture) in memory
    let handler: ((m: import('../src/channels/types.js').InboundMessage) => Promise<void>) | undefined
    const channel: import('../src/channels/types.js').Channel = {
      name: 'bench',
      account: () => 'bench-bot',
      pacer: { delay: () => 0, record: () => {} },
      send: async () => {},
      onMessage: (h) => void (handler = h),
      start: async () => {},
      stop: async () => {},
    }
    const config = testConfig({ PHOTOS_PER_REPORT_MAX: 100, IMAGE_MAX_MB: 10, PHOTO_WINDOW_MINUTES: 600 })
    const app = await buildApp({ config, db, channel, logger: pino({ level: 'silent' }), exclusiveDatabase: variant !== 'postgres' })
    await app.start()
    const [town] = await db.insert(schema.jurisdictions).values({ name: '城关街道', kind: 'township' }).returning()
    const [shop] = await db.insert(schema.businesses).values({ name: '城关老街饭店', industry: 'catering', townshipId: town.id }).returning()
    const [owner] = await db.insert(schema.people).values({ name: '张老板', role: 'member' }).returning()
    await db.insert(schema.memberships).values({ personId: owner.id, businessId: shop.id })
    await db.insert(schema.identities).values({ channel: 'bench', externalId: 'owner', displayName: '张老板', personId: owner.id })
    await db.insert(schema.groups).values({ channel: 'bench', externalId: 'g1', name: '城关商户安全群', registered: true, townshipId: town.id })
    let seq = 0
    const send = async (m: Partial<import('../src/channels/types.js').InboundMessage>) => {
      const messageId = `m${++seq}`
      const done = app.handled(messageId, 60_000)
      await handler!({ channel: 'bench', account: 'bench-bot', messageId, chatId: 'g1', chatName: '城关商户安全群', isGroup: true, senderId: 'owner', senderName: '张老板', kind: 'text', text: '', mentionsBot: false, sentAt: new Date(), ...m })
      return done
    }
    const photo = (size: number) => {
      const bytes = randomBytes(size)
      bytes.set([0xff, 0xd8, 0xff, 0xe0])
      return send({ kind: 'image', loadImage: async () => ({ bytes, mime: 'image/jpeg' }) })
    }
    await send({ text: '#隐患 后厨燃气软管老化开裂' })
    // warm-up: one photo of the same size, so code paths and buffers are there before the baseline
    await photo(PHOTO_BYTES)
    await app.sender.whenIdle()
    const before = await settledRss()
    let peak = process.memoryUsage().rss
    for (let i = 0; i < photos; i++) {
      await photo(PHOTO_BYTES)
      peak = Math.max(peak, process.memoryUsage().rss)
    }
    await app.sender.whenIdle()
    const stored = await db.select({ n: schema.attachments.sha256 }).from(schema.attachments)
    if (stored.length < photos + 1) throw new Error(`only ${stored.length} of ${photos + 1} photos stored`)
    const after = await settledRss()
    await app.close()
    await database.close()
    return { variant, photos, beforeMb: mb(before), afterMb: mb(after), peakMb: mb(peak), ratio: after / before }
  } finally {
    if (admin && dbName) {
      await admin.unsafe(`drop database if exists ${dbName} with (force)`).catch(() => {})
      await admin.end({ timeout: 5 })
    }
    fs.rmSync(dir, { recursive: true, force: true })
  }
}

/** Runs each variant in a child process with --expose-gc and collects the figures. */
export async function photoMemoryBench(opts: { photos?: number; variants?: Variant[] } = {}): Promise<PhotoMemory[]> {
  const out: PhotoMemory[] = []
  for (const variant of opts.variants ?? ['pglite', 'postgres']) {
    const p = spawn(process.execPath, ['--expose-gc', '--import', 'tsx', HERE, '--child', variant, '--photos', String(opts.photos ?? 50)], {
      stdio: ['ignore', 'pipe', 'inherit'],
    })
    let text = ''
    p.stdout.on('data', (d: Buffer) => (text += d.toString()))
    const code = await new Promise<number | null>((r) => p.on('close', r))
    const line = text.split('\n').find((l) => l.startsWith('{"variant"'))
    if (code !== 0 || !line) throw new Error(`photo memory bench (${variant}) failed with code ${code}: ${text.slice(-500)}`)
    out.push(JSON.parse(line) as PhotoMemory)
  }
  return out
}

export function printPhotoMemory(rs: PhotoMemory[]): void {
  console.log(`\nPhoto memory (Node RSS after a GC and ${IDLE_MS / 1000} s idle, before and after ${rs[0]?.photos ?? 0} photos of 8 MB)`)
  for (const r of rs) {
    const ok = r.ratio <= 1.2
    console.log(
      `  ${r.variant.padEnd(14)} before ${r.beforeMb.toFixed(0)} MB  after ${r.afterMb.toFixed(0)} MB  (peak ${r.peakMb.toFixed(0)} MB)  ×${r.ratio.toFixed(2)}   target ≤ 1.2   ${r.variant === 'pglite-in-db' ? '(old way, for comparison)' : ok ? 'PASS' : 'MISS'}`,
    )
  }
}

const arg = (name: string) => {
  const i = process.argv.indexOf(name)
  return i > 0 ? process.argv[i + 1] : undefined
}

if (process.argv[1] === HERE) {
  const photos = Number(arg('--photos') ?? 50)
  const c = arg('--child') as Variant | undefined
  const run = c
    ? child(c, photos).then((r) => console.log(JSON.stringify(r)))
    : photoMemoryBench({ photos, variants: (arg('--variants')?.split(',') as Variant[] | undefined) ?? ['pglite', 'postgres'] }).then(printPhotoMemory)
  run.then(
    () => process.exit(0),
    (e) => {
      console.error(e)
      process.exit(1)
    },
  )
}
