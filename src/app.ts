import { randomUUID } from 'node:crypto'
import pino, { type Logger } from 'pino'
import type { FastifyInstance } from 'fastify'
import { schema, type Db } from '../db/client.js'
import type { AppConfig } from './config.js'
import { systemClock, type Clock } from './core/clock.js'
import type { Channel, InboundMessage } from './channels/types.js'
import { Simulator, type SimStore } from './channels/simulator.js'
import { createRouter, type Router, type Outcome } from './chat/router.js'
import { createMetrics, type Metrics } from './metrics.js'
import { OutboxSender } from './outbox-sender.js'
import { syncGroups } from './services/directory.js'
import { KeyedQueue, Batcher } from './chat/concurrency.js'
import { buildHttp } from './http/server.js'
import { createWecomChannels } from './channels/wecom/index.js'
import { wecomAdminRoutes } from './http/wecom-admin-routes.js'
import { groupEndpoint, type GroupEndpoint } from './channels/endpoints.js'
import { Scheduler } from './scheduler.js'
import { jobs as scheduledJobs } from '../schedules/index.js'
import { pushPlanRoutes } from './http/push-plan-routes.js'
import type { Job } from '../schedules/types.js'
import { seedContentLibrary } from './services/content.js'
import { seedRegulations } from './services/registers/regulations.js'
import { seedPlans } from './services/plans.js'
import { recordGroupAccounts } from './services/pushes.js'
import { removeOrphanFiles } from './services/attachments.js'
import { SensorIngest } from './sensors/ingest.js'
import { startMqttIngestion, type MqttIngestion } from './sensors/mqtt.js'
import { sensorRoutes } from './http/sensor-routes.js'
import { DemoDeviceFeed } from './sensors/demo-feed.js'
import { retireDemoDevices } from '../db/seed/demo-devices.js'

export interface App {
  http: FastifyInstance
  router: Router
  sender: OutboxSender
  /** scheduled jobs (started by start() when SCHEDULES_ENABLED); tests fire jobs through it */
  scheduler: Scheduler
  channel: Channel
  /** every channel, the primary first; each account has its own outbox sender (same order) */
  channels: Channel[]
  senders: OutboxSender[]
  /** where a push to this group goes: its two-way channel, else its group robot (null: nowhere) */
  endpointFor(group: { channel: string; externalId: string; webhookKey?: string | null }): GroupEndpoint | null
  simulator?: Simulator
  db: Db
  metrics: Metrics
  /** sensor ingestion (MQTT and HTTP push); null unless SENSOR_MQTT_URL or SENSOR_HTTP_KEYS is set, or the demo's devices run */
  sensors: { ingest: SensorIngest; mqtt: MqttIngestion | null; demo: DemoDeviceFeed | null } | null
  /** resolves with the router's outcome once the message with this id has been handled */
  handled(messageId: string, timeoutMs?: number): Promise<Outcome>
  /** starts the channel (logs in) and the outbox sender */
  start(): Promise<void>
  /**
   * Graceful stop: takes no more messages (HTTP closes, later inbound messages are left unclaimed for a
   * redelivery), waits for the messages in flight, lets the outbox sender finish the row in hand and release
   * its claims, then stops the channel. The database stays open (its owner closes it). Safe to call twice.
   */
  close(): Promise<void>
}

export interface AppDeps {
  config: AppConfig
  db: Db
  clock?: Clock
  logger?: Logger
  /** a channel to use; without one the simulator is built (or, with WECHATY_ENABLED=false, a WeCom channel leads) */
  channel?: Channel
  /** more channels beside the primary one (the WeCom channels the config asks for are added by the app) */
  channels?: Channel[]
  /** the WeCom channels' HTTP client (tests) */
  fetch?: typeof globalThis.fetch
  instanceId?: string
  /** outbox poll interval */
  pollMs?: number
  /** inbound messages in progress at once (waiting for a batch included) */
  maxConcurrentMessages?: number
  /** this process alone uses the database (embedded PGlite with its lock) */
  exclusiveDatabase?: boolean
  /** the scheduled jobs; default: schedules/index.ts */
  jobs?: Job[]
  /** demo mode: the demo city's devices live in this process (heartbeats, the simulator's 设备模拟); simulator only */
  demoDevices?: boolean
}

export function dbSimStore(db: Db): SimStore {
  return {
    async load() {
      const rows = await db.select().from(schema.simEntities).orderBy(schema.simEntities.createdAt)
      return {
        contacts: rows.filter((r) => r.kind === 'contact').map((r) => ({ id: r.id, name: r.name })),
        groups: rows.filter((r) => r.kind === 'room').map((r) => ({ id: r.id, name: r.name, memberIds: r.memberIds })),
      }
    },
    async saveContact(c) {
      await db
        .insert(schema.simEntities)
        .values({ id: c.id, kind: 'contact', name: c.name })
        .onConflictDoUpdate({ target: schema.simEntities.id, set: { name: c.name } })
    },
    async saveGroup(g) {
      await db
        .insert(schema.simEntities)
        .values({ id: g.id, kind: 'room', name: g.name, memberIds: g.memberIds })
        .onConflictDoUpdate({ target: schema.simEntities.id, set: { name: g.name, memberIds: g.memberIds } })
    },
  }
}

/**
 * The simulator makes loopback clients admins and lets anyone on the machine play any contact: it never runs
 * beside a real puppet (one Wechaty per process), and beside WeCom's bot or robots only when SIMULATOR=on.
 */
export function simulatorWanted(config: AppConfig, channels: { puppet: boolean; wecom: boolean }): boolean {
  if (channels.puppet || config.SIMULATOR === 'off' || config.WECHATY_ENABLED === false) return false
  return !channels.wecom || config.SIMULATOR === 'on'
}

/** Wires everything; listens on nothing. The entry point listens and handles signals. */
export async function buildApp(deps: AppDeps): Promise<App> {
  const { config, db } = deps
  const clock = deps.clock ?? systemClock
  const logger = deps.logger ?? pino({ level: config.LOG_LEVEL })
  const wecom = createWecomChannels({ config, db, clock, logger, fetch: deps.fetch })
  const wecomChannels = [wecom.bot, wecom.robot].filter((c): c is Channel => !!c)
  const simulator = simulatorWanted(config, { puppet: !!deps.channel, wecom: wecomChannels.length > 0 })
    ? new Simulator({ botName: config.BOT_NAME, logger, store: dbSimStore(db) })
    : undefined
  const channel = deps.channel ?? simulator?.channel ?? wecomChannels[0]
  if (!channel) throw new Error('no chat channel: enable Wechaty (WECHATY_ENABLED), the simulator (SIMULATOR) or a WeCom channel')
  // one channel interface: every channel's messages go through the one handler below, every account has a sender
  const channels = [channel, ...(deps.channels ?? []), ...wecomChannels.filter((c) => c !== channel)]
  const metrics = createMetrics(db)
  const instanceId = deps.instanceId ?? randomUUID()
  const senders = channels.map(
    (c) =>
      new OutboxSender({
        metrics: metrics.sender,
        db,
        channel: c,
        clock,
        logger: logger.child({ component: 'outbox', channel: c.name }),
        instanceId,
        quietHours: config.QUIET_HOURS,
        // a real puppet's account has a daily cap; the simulator and WeCom's official APIs have their own limits
        dailyCap: c === deps.channel ? config.SEND_DAILY_CAP : undefined,
        maxAttempts: config.OUTBOX_MAX_ATTEMPTS,
        pollMs: deps.pollMs,
        exclusive: deps.exclusiveDatabase,
      }),
  )
  const sender = senders[0]
  const byName = new Map(channels.map((c) => [c.name, c] as const))
  const kickAll = () => {
    for (const s of senders) s.kick()
  }
  const scheduler = new Scheduler({
    db,
    config,
    clock,
    logger: logger.child({ component: 'scheduler' }),
    jobs: deps.jobs ?? scheduledJobs,
    instanceId,
    kick: kickAll,
    channel,
  })
  const router = createRouter({
    db,
    config,
    clock,
    logger: logger.child({ component: 'router' }),
    onOutbox: kickAll,
    sendDirect: (m, text) => (byName.get(m.channel) ?? channel).send({ chatId: m.chatId, isGroup: m.isGroup, text, mentionIds: m.isGroup ? [m.senderId] : [] }),
    onOutcome: (command, outcome) => metrics.commands.inc({ command, outcome }),
    onLimit: (kind) => metrics.limitsExceeded.inc({ kind }),
    onCodeWait: (ms) => metrics.codeWait.observe(ms / 1000),
  })
  const outcomes = new Map<string, { done?: Outcome; waiters: ((o: Outcome) => void)[] }>()
  // one sender's messages in one chat in order (a photo after its report); plain commands from different
  // senders share transactions under load (group commit), photos and the rest run on their own
  const queue = new KeyedQueue(deps.maxConcurrentMessages ?? 200)
  const batcher = new Batcher<InboundMessage, Outcome>((ms) => router.handleBatch(ms), 100)
  let accepting = true
  const inFlight = new Set<Promise<unknown>>()
  const onInbound = async (m: InboundMessage) => {
    if (!accepting) {
      logger.info({ msgId: m.messageId }, 'shutting down: message not taken')
      return
    }
    metrics.messagesIn.inc({ kind: m.kind })
    const work = onMessage(m)
    inFlight.add(work)
    try {
      await work
    } finally {
      inFlight.delete(work)
    }
  }
  for (const c of channels) c.onMessage(onInbound)
  async function onMessage(m: InboundMessage) {
    const o = await queue.run(`${m.channel}\u0000${m.chatId}\u0000${m.senderId}`, () =>
      router.batchable(m) ? batcher.submit(m) : router.handle(m),
    )
    const entry = outcomes.get(m.messageId)
    if (entry) {
      entry.done = o
      for (const w of entry.waiters.splice(0)) w(o)
    } else outcomes.set(m.messageId, { done: o, waiters: [] })
    if (outcomes.size > 10_000) outcomes.delete(outcomes.keys().next().value!)
  }
  function handled(messageId: string, timeoutMs = 10_000): Promise<Outcome> {
    let entry = outcomes.get(messageId)
    if (entry?.done) {
      const o = entry.done
      outcomes.delete(messageId)
      return Promise.resolve(o)
    }
    if (!entry) outcomes.set(messageId, (entry = { waiters: [] }))
    const e = entry
    return new Promise((resolve, reject) => {
      const t = setTimeout(() => reject(new Error(`message ${messageId} not handled within ${timeoutMs} ms`)), timeoutMs)
      e.waiters.push((o) => {
        clearTimeout(t)
        outcomes.delete(messageId)
        resolve(o)
      })
    })
  }
  const demoDevices = !!deps.demoDevices && !!simulator
  const sensorsOn = !!config.SENSOR_MQTT_URL || Object.keys(config.SENSOR_HTTP_KEYS).length > 0 || demoDevices
  const ingest = sensorsOn
    ? new SensorIngest({
        db,
        config,
        clock,
        logger: logger.child({ component: 'sensors' }),
        registry: metrics.registry,
        kick: kickAll,
        account: () => {
          const a = channel.account()
          return a ? { channel: channel.name, account: a } : null
        },
      })
    : null
  const demo = ingest && demoDevices ? new DemoDeviceFeed({ db, config, clock, logger: logger.child({ component: 'demo-devices' }), ingest, channel: channel.name }) : null
  const sensors: App['sensors'] = ingest ? { ingest, mqtt: null, demo } : null
  const http = await buildHttp({
    db,
    config,
    clock,
    logger,
    channel,
    simulator,
    metrics,
    accepting: () => accepting,
    onDirectoryChange: () => router.directoryChanged(),
    onOutbox: kickAll,
    demoDevices: demo,
  })
  if (wecom.routes) await http.register(wecom.routes)
  await http.register(wecomAdminRoutes({ db, config, clock, simulatorMode: !!simulator }))
  await http.register(pushPlanRoutes({ db, config, clock, jobs: deps.jobs ?? scheduledJobs, simulatorMode: !!simulator }))
  await http.register(sensorRoutes({ db, config, clock, simulatorMode: !!simulator, ingest }))
  let started = false
  let closing: Promise<void> | undefined
  /** groups the account is in but nobody has written in yet (the leaders' group) must be known to announce there */
  async function syncChannelGroups() {
    for (const c of channels) {
      if (!c.listGroups) continue
      try {
        const list = await c.listGroups()
        const n = await syncGroups(db, c.name, list)
        const account = c.account()
        if (account) await recordGroupAccounts(db, c.name, account, list, clock.now())
        logger.debug({ groups: n, channel: c.name }, 'group chats recorded')
      } catch (err) {
        logger.warn({ err, channel: c.name }, 'could not record the group chats')
      }
    }
  }
  return {
    http,
    router,
    sender,
    scheduler,
    channel,
    channels,
    senders,
    endpointFor: (group) => groupEndpoint(group, channels),
    simulator,
    db,
    metrics,
    sensors,
    handled,
    async start() {
      if (simulator) await simulator.start()
      else await channel.start()
      for (const c of channels.slice(1)) await c.start()
      for (const s of senders) s.start()
      started = true
      await syncChannelGroups()
      await seedContentLibrary(db, clock.now())
      await seedRegulations(db, clock.now())
      await seedPlans(db)
      const orphans = await removeOrphanFiles(db, clock.now())
      if (orphans) logger.info({ removed: orphans }, 'orphan attachment files removed')
      // heard before the offline check's catch-up looks at them; without demo mode nothing feeds them: off the register
      if (sensors?.demo) await sensors.demo.start()
      else {
        const retired = await retireDemoDevices(db, clock.now())
        if (retired) logger.info({ devices: retired }, 'demo devices taken off the register: not in demo mode, nothing feeds them')
      }
      await scheduler.start()
      if (sensors) {
        sensors.ingest.start()
        if (config.SENSOR_MQTT_URL) {
          sensors.mqtt = startMqttIngestion({ config, ingest: sensors.ingest, logger: logger.child({ component: 'mqtt' }), registry: metrics.registry })
        }
      }
    },
    close() {
      return (closing ??= (async () => {
        accepting = false
        await sensors?.mqtt?.close()
        await http.close()
        await sensors?.demo?.stop()
        await sensors?.ingest.stop()
        // messages already taken finish (their answers go to the outbox)
        while (inFlight.size) await Promise.allSettled([...inFlight])
        await scheduler.stop()
        await Promise.all(senders.map((s) => s.stop()))
        if (started) {
          for (const c of channels.slice(1)) await c.stop()
          if (simulator) await simulator.stop()
          else await channel.stop()
        }
      })())
    },
  }
}
