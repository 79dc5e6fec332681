import fs from 'node:fs'
import { createHash } from 'node:crypto'
import path from 'node:path'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { AppConfig } from '../config.js'
import type { Simulator } from '../channels/simulator.js'
import { apiActor } from './auth.js'
import type { DemoDeviceFeed } from '../sensors/demo-feed.js'

const PAGE = path.join(path.dirname(fileURLToPath(import.meta.url)), 'simulator.html')

/** The page's one inline script, allowed by its hash; nothing else runs, nothing frames it. */
function simulatorCsp(): string {
  const html = fs.readFileSync(PAGE, 'utf8')
  const script = /<script>([\s\S]*?)<\/script>/.exec(html)?.[1] ?? ''
  const hash = createHash('sha256').update(script).digest('base64')
  return [
    "default-src 'self'",
    `script-src 'sha256-${hash}'`,
    "style-src 'self' 'unsafe-inline'",
    "img-src 'self' data: blob:",
    "connect-src 'self'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
    "form-action 'self'",
  ].join('; ')
}

/** The simulator: a page and an API to play business owners and officers in simulated groups. */
export function simRoutes(deps: { sim: Simulator; config: AppConfig; devices?: DemoDeviceFeed | null }): FastifyPluginAsyncZod {
  const { sim, config, devices } = deps
  const csp = simulatorCsp()
  return async (app) => {
    app.addHook('onSend', async (_req, reply) => {
      reply.header('content-security-policy', csp)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('x-frame-options', 'DENY')
    })
    app.addHook('onRequest', async (req, reply) => {
      const pathname = req.url.split('?')[0]
      if (pathname === '/sim' || pathname === '/sim/') return
      const a = apiActor(req, config, true)
      if (!a || a.role !== 'admin') return reply.code(401).send({ error: 'unauthorized', message: '模拟器只对本机或管理员令牌开放' })
    })

    app.get('/sim', { schema: { hide: true } }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(fs.createReadStream(PAGE)))

    app.get('/sim/api/state', { schema: { tags: ['simulator'], summary: '模拟器里的联系人和群' } }, async () => ({
      bot: { id: sim.botContact.id, name: config.BOT_NAME },
      contacts: sim.contacts(),
      groups: sim.groups(),
    }))

    app.post(
      '/sim/api/contacts',
      {
        schema: {
          tags: ['simulator'],
          summary: '新建联系人（可指定 id）',
          body: z.object({ id: z.string().regex(/^[\w.-]{1,64}$/).optional(), name: z.string().min(1).max(40) }),
        },
      },
      async (req, reply) => reply.code(201).send(sim.createContact(req.body)),
    )

    app.post(
      '/sim/api/groups',
      {
        schema: {
          tags: ['simulator'],
          summary: '新建群或加成员（机器人自动在群里；id 不含 @ 时自动加 @chatroom）',
          body: z.object({
            id: z.string().regex(/^[\w.@-]{1,64}$/).optional(),
            name: z.string().min(1).max(40),
            memberIds: z.array(z.string()).default([]),
          }),
        },
      },
      async (req, reply) => {
        try {
          return reply.code(201).send(sim.createGroup(req.body))
        } catch (e) {
          return reply.code(400).send({ error: 'bad_request', message: (e as Error).message })
        }
      },
    )

    app.post(
      '/sim/api/messages',
      {
        schema: {
          tags: ['simulator'],
          summary: '以某联系人身份发消息（文字或 base64 图片）；同一 messageId 再发即为重复投递',
          body: z.object({
            from: z.string(),
            groupId: z.string().optional(),
            text: z.string().max(20000).optional(),
            imageBase64: z.string().max(14_000_000).optional(),
            mime: z.enum(['image/png', 'image/jpeg']).optional(),
            messageId: z.string().regex(/^[\w.:-]{1,100}$/).optional(),
            sentAt: z.number().int().optional(),
            mentionBot: z.boolean().optional(),
          }),
        },
      },
      async (req, reply) => {
        try {
          return reply.code(202).send({ messageId: sim.send(req.body) })
        } catch (e) {
          return reply.code(400).send({ error: 'bad_request', message: (e as Error).message })
        }
      },
    )

    app.get(
      '/sim/api/transcript',
      {
        schema: {
          tags: ['simulator'],
          summary: '群（或私聊 dm:联系人id）的聊天记录，cursor 之后；wait 毫秒内有新消息即返回',
          querystring: z.object({
            chat: z.string(),
            after: z.coerce.number().int().min(0).default(0),
            wait: z.coerce.number().int().min(0).max(30000).default(0),
          }),
        },
      },
      async (req) => {
        const { chat, after, wait } = req.query
        let entries = sim.transcript(chat, after)
        if (!entries.length && wait > 0) {
          await sim.waitForActivity(wait)
          entries = sim.transcript(chat, after)
        }
        return { entries, cursor: entries.length ? entries[entries.length - 1].seq : after }
      },
    )

    app.get('/sim/api/devices', { schema: { tags: ['simulator'], summary: '演示设备（仅 --demo 演示模式；其他时候为空）及其状态' } }, async () => ({
      enabled: !!devices,
      devices: devices ? await devices.list() : [],
    }))

    app.post(
      '/sim/api/devices/:id/events',
      {
        schema: {
          tags: ['simulator'],
          summary: '让一台演示设备报警、恢复或故障：与 MQTT/HTTP 推送走同一条接入路径（事件编号自动生成）',
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ event: z.enum(['alarm', 'clear', 'fault']), reading: z.number().finite().min(-1e6).max(1e6).optional() }),
        },
      },
      async (req, reply) => {
        if (!devices) return reply.code(404).send({ error: 'not_found', message: '演示设备只在演示模式（npm start -- --demo）下有' })
        return devices.fire(req.params.id, req.body.event, req.body.reading)
      },
    )
  }
}
