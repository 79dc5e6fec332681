/**
 * A what-if prototype, NOT the app: how fast the hazard-report path could be on the same Wechaty mock path
 * and the same PostgreSQL schema, if a report were
 *   single — one statement per report (claim + hazard + event + photo slot + outbox row in one CTE, autocommit),
 *            actor and group taken from an in-process cache, the reply sent right after commit by this process
 *            (outbox row written as 'sending' and marked 'sent' in batches);
 *   batch  — the same, for all reports that arrived in one event-loop turn (≤ 200 per statement, ≤ 4 in flight).
 * It backs the recommendations printed by bench/run.ts; it does not run in CI.
 *
 *   npx tsx bench/prototype-fast-path.ts single|batch [reports=5000] [--spread]
 *
 * --spread: 50 owners in 50 groups instead of one owner in one group (no shared photo-slot row).
 */
import { randomBytes, randomUUID } from 'node:crypto'
import { performance } from 'node:perf_hooks'
import postgres from 'postgres'
import { WechatyBuilder } from 'wechaty'
import type { RoomInterface } from 'wechaty/impls'
import { PuppetMock, mock } from 'wechaty-puppet-mock'
import * as PUPPET from 'wechaty-puppet'
import { openPostgres } from '../db/client.js'

const MODE = process.argv[2] === 'batch' ? 'batch' : 'single'
const SPREAD = process.argv.includes('--spread')
const N = Number(process.argv.find((a) => /^\d+$/.test(a)) ?? 5000)
const ADMIN_URL = process.env.TEST_PG_URL ?? 'postgres://postgres@127.0.0.1:5432/test'

interface Inbound {
  mid: string
  chat: string
  sender: string
  text: string
  room: RoomInterface
}

async function main() {
  const name = `csb_bench_${randomBytes(5).toString('hex')}`
  const admin = postgres(ADMIN_URL, { max: 1, onnotice: () => {}, connect_timeout: 5 })
  await admin.unsafe(`create database ${name}`)
  const url = ADMIN_URL.replace(/\/[^/]*$/, `/${name}`)
  const sql = postgres(url, { max: 10, onnotice: () => {} })
  try {
    const migrated = await openPostgres(url)
    await migrated.close()
    await run(sql)
  } finally {
    await sql.end({ timeout: 5 })
    await admin.unsafe(`drop database if exists ${name} with (force)`)
    await admin.end({ timeout: 5 })
  }
}

async function run(sql: postgres.Sql) {
  const owners = SPREAD ? 50 : 1
  const [{ id: town }] = await sql<{ id: number }[]>`insert into jurisdictions (name, kind) values ('城关街道', 'township') returning id`
  const [{ id: biz }] = await sql<{ id: number }[]>`insert into businesses (name, industry, township_id) values ('城关老街饭店', 'catering', ${town}) returning id`
  const [{ id: person }] = await sql<{ id: number }[]>`insert into people (name, role) values ('张老板', 'member') returning id`
  const [{ id: identity }] = await sql<{ id: number }[]>`insert into identities (channel, external_id, display_name, person_id) values ('wechaty', 'u0', '张老板', ${person}) returning id`
  const [{ id: group }] = await sql<{ id: number }[]>`insert into groups (channel, external_id, name, registered, township_id) values ('wechaty', 'r0@chatroom', '城关商户安全群', true, ${town}) returning id`
  // what a per-process actor/group cache would hold (the prototype uses one actor for every owner)
  const actor = { person, identity, name: '张老板', biz, town, industry: 'catering', group }
  const instance = randomUUID()

  const sentIds: number[] = []
  const flushSent = async () => {
    if (!sentIds.length) return
    const ids = sentIds.splice(0)
    await sql`update outbox set status = 'sent', sent_at = now() where id = any(${ids}::bigint[])`
  }
  const flusher = setInterval(() => void flushSent().catch((e) => console.error(e)), 20)

  const sentAt = new Map<string, number>()
  const lat: number[] = []
  let done = 0

  async function single(m: Inbound) {
    const [o] = await sql<{ id: string; text: string }[]>`
      with claim as (
        insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
        values ('wechaty', ${m.mid}, ${m.chat}, ${m.sender}, 'handled', now()) on conflict do nothing returning message_id),
      h as (
        insert into hazards (business_id, township_id, industry, group_id, reporter_person_id, reporter_identity_id, reporter_name,
                             reporter_kind, description, category, grade, status, created_at, updated_at)
        select ${actor.biz}, ${actor.town}, ${actor.industry}, ${actor.group}, ${actor.person}, ${actor.identity}, ${actor.name},
               'member', ${m.text}, 'gas', 'general', 'reported', now(), now() from claim returning id, code),
      e as (
        insert into hazard_events (hazard_id, action, actor_person_id, actor_identity_id, actor_name, to_status, note, data, source_message_id, at)
        select id, 'report', ${actor.person}, ${actor.identity}, ${actor.name}, 'reported', ${m.text}, '{}'::jsonb, ${m.mid}, now() from h),
      aw as (
        insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, expires_at)
        select 'wechaty', ${m.chat}, ${m.sender}, 'photos', id, 'report', 0, now() + interval '10 minutes' from h
        on conflict (channel, chat_id, sender_id) do update
          set kind = 'photos', hazard_id = excluded.hazard_id, stage = 'report', count = 0, expires_at = excluded.expires_at)
      insert into outbox (channel, account, chat_id, is_group, priority, text, mention_ids, status, attempts, next_attempt_at,
                          claimed_at, claimed_by, cause_message_id, created_at)
      select 'wechaty', 'bot', ${m.chat}, true, 0, '已登记隐患 ' || code || '（燃气）', array[${m.sender}], 'sending', 1, now(),
             now(), ${instance}, ${m.mid}, now() from h
      returning id, text`
    if (o) {
      await m.room.say(o.text)
      sentIds.push(Number(o.id))
    }
    lat.push(performance.now() - sentAt.get(m.mid)!)
    done++
  }

  async function batch(ms: Inbound[]) {
    const r = await sql<{ id: string; text: string; mid: string }[]>`
      with input as (
        select * from unnest(${ms.map((m) => m.mid)}::text[], ${ms.map((m) => m.chat)}::text[], ${ms.map((m) => m.sender)}::text[],
                             ${ms.map((m) => m.text)}::text[]) with ordinality as t(mid, chat, sender, descr, ord)),
      claim as (
        insert into inbound_messages (channel, message_id, chat_id, sender_id, outcome, received_at)
        select 'wechaty', mid, chat, sender, 'handled', now() from input on conflict do nothing returning message_id),
      ids as (select i.*, nextval('hazards_id_seq')::int as hid from input i join claim c on c.message_id = i.mid),
      h as (
        insert into hazards (id, business_id, township_id, industry, group_id, reporter_person_id, reporter_identity_id, reporter_name,
                             reporter_kind, description, category, grade, status, created_at, updated_at)
        select hid, ${actor.biz}, ${actor.town}, ${actor.industry}, ${actor.group}, ${actor.person}, ${actor.identity}, ${actor.name},
               'member', descr, 'gas', 'general', 'reported', now(), now() from ids returning id),
      e as (
        insert into hazard_events (hazard_id, action, actor_person_id, actor_identity_id, actor_name, to_status, note, data, source_message_id, at)
        select hid, 'report', ${actor.person}, ${actor.identity}, ${actor.name}, 'reported', descr, '{}'::jsonb, mid, now() from ids),
      aw as (
        insert into awaiting (channel, chat_id, sender_id, kind, hazard_id, stage, count, expires_at)
        select distinct on (chat, sender) 'wechaty', chat, sender, 'photos', hid, 'report', 0, now() + interval '10 minutes'
        from ids order by chat, sender, ord desc
        on conflict (channel, chat_id, sender_id) do update
          set kind = 'photos', hazard_id = excluded.hazard_id, stage = 'report', count = 0, expires_at = excluded.expires_at)
      insert into outbox (channel, account, chat_id, is_group, priority, text, mention_ids, status, attempts, next_attempt_at,
                          claimed_at, claimed_by, cause_message_id, created_at)
      select 'wechaty', 'bot', chat, true, 0, '已登记隐患 Y' || hid || '（燃气）', array[sender], 'sending', 1, now(),
             now(), ${instance}, mid, now() from ids
      returning id, text, cause_message_id as mid`
    const byMid = new Map(ms.map((m) => [m.mid, m]))
    for (const o of r) {
      await byMid.get(o.mid)!.room.say(o.text)
      sentIds.push(Number(o.id))
    }
    for (const m of ms) {
      lat.push(performance.now() - sentAt.get(m.mid)!)
      done++
    }
  }

  const queue: Inbound[] = []
  let scheduled = false
  let inFlight = 0
  const pump = () => {
    scheduled = false
    while (queue.length && inFlight < 4) {
      const b = queue.splice(0, 200)
      inFlight++
      void batch(b)
        .catch((e) => console.error(e))
        .finally(() => {
          inFlight--
          if (queue.length) pump()
        })
    }
  }

  const mocker = new mock.Mocker()
  const puppet = new PuppetMock({ mocker })
  const bot = WechatyBuilder.build({ puppet, name: `fast-path-${randomBytes(3).toString('hex')}` })
  bot.on('message', async (msg) => {
    if (msg.self()) return
    const room = msg.room()
    if (!room) return
    // what the app's toInbound reads from Wechaty
    await room.topic()
    await msg.mentionSelf()
    const m: Inbound = { mid: msg.id, chat: room.id, sender: msg.talker().id, text: msg.text().replace(/^#隐患\s*/, ''), room }
    if (MODE === 'batch') {
      queue.push(m)
      if (!scheduled) {
        scheduled = true
        setImmediate(pump)
      }
    } else await single(m)
  })
  await bot.start()
  const me = mocker.createContact({ id: 'bot', name: 'bot' })
  const users = Array.from({ length: owners }, (_, k) => mocker.createContact({ id: `u${k}`, name: `u${k}` }))
  mocker.login(me)
  puppet.emit('ready', { data: '' } as never)
  const rooms = users.map((u, k) => mocker.createRoom({ id: `r${k}@chatroom`, topic: `r${k}`, memberIdList: [me.id, u.id] }))

  async function phase(n: number, label: string, rate = 0) {
    done = 0
    lat.length = 0
    const t0 = performance.now()
    const c0 = process.cpuUsage()
    for (let i = 0; i < n; i++) {
      if (rate) {
        const wait = t0 + (i * 1000) / rate - performance.now()
        if (wait > 0) await new Promise((r) => setTimeout(r, wait))
      }
      const k = i % users.length
      const id = randomUUID()
      sentAt.set(id, rate ? t0 + (i * 1000) / rate : performance.now())
      mocker.MessageMock.create({ id, talkerId: users[k].id, roomId: rooms[k].id, timestamp: Date.now(), type: PUPPET.types.Message.Text, text: `#隐患 后厨燃气软管老化 第${i}条`, mentionIdList: [] })
      puppet.emit('message', { messageId: id })
    }
    while (done < n) await new Promise((r) => setTimeout(r, 2))
    const s = (performance.now() - t0) / 1000
    const cpu = process.cpuUsage(c0)
    lat.sort((x, y) => x - y)
    const q = (p: number) => lat[Math.min(n - 1, Math.ceil(p * n) - 1)].toFixed(1)
    console.log(
      `${MODE}${SPREAD ? ' spread' : ''} ${label}: ${(n / s).toFixed(0)} reports/s, Node CPU ${((cpu.user + cpu.system) / 1000 / n).toFixed(2)} ms/report, ` +
        `latency p50 ${q(0.5)} p99 ${q(0.99)} max ${lat[n - 1].toFixed(1)} ms`,
    )
  }
  await phase(200, 'warm-up')
  await phase(N, `burst of ${N}`)
  await phase(3000, 'steady 200/s for 15 s', 200)
  clearInterval(flusher)
  await flushSent()
  await bot.stop()
}

main().then(
  () => process.exit(0),
  (e) => {
    console.error(e)
    process.exit(1)
  },
)
