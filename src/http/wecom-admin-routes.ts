/**
 * Console/API for the WeCom group robots: which groups have a robot (never the key itself), set or clear a
 * group's webhook (the URL an operator copies from the group's robot, or its key), and register a push-only
 * group that has nothing but a robot. Admin only; every change is audited (with the key's fingerprint).
 */
import { z } from 'zod'
import { asc, eq } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, type Industry } from '../core/domain.js'
import { findTownship } from '../services/directory.js'
import { recordAudit } from '../services/audit.js'
import { keyFingerprint, parseWebhookKey } from '../channels/wecom/robot.js'
import { ROBOT_CHANNEL } from '../channels/wecom/robot-channel.js'
import { requireAction, actorOf } from './auth.js'
import { groupReach } from '../services/scope.js'

const secured = { security: [{ bearer: [] }] }
const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]])
const webhook = z.string().min(8).max(300).describe('群机器人 webhook 地址，或其中的 key')

function keyOf(input: string): string {
  try {
    return parseWebhookKey(input)
  } catch {
    throw new AppError('usage', 'webhook 地址不对：请复制群机器人的完整 webhook 地址（含 key=）')
  }
}

export function wecomAdminRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const g = schema.groups
  const view = (r: typeof g.$inferSelect) => ({
    id: r.id,
    channel: r.channel,
    externalId: r.externalId,
    name: r.name,
    registered: r.registered,
    townshipId: r.townshipId,
    industries: r.industries,
    robot: r.webhookKey ? keyFingerprint(r.webhookKey) : null,
  })

  return async (app) => {
    app.get('/api/wecom/groups', { preValidation: can('admin.read'), schema: { ...secured, tags: ['wecom'], summary: '群与群机器人（不显示 key，按查看范围）' } }, async (req) =>
      (await db.select().from(g).where(groupReach(actorOf(req), 'admin.read')).orderBy(asc(g.id))).map(view),
    )

    app.put(
      '/api/wecom/groups/:id/webhook',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['wecom'],
          summary: '设置或清除群的群机器人 webhook',
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ webhook: webhook.nullable() }),
        },
      },
      async (req) => {
        const key = req.body.webhook === null ? null : keyOf(req.body.webhook)
        const actor = actorOf(req)
        return db.transaction(async (tx) => {
          const [row] = await tx.update(g).set({ webhookKey: key }).where(eq(g.id, req.params.id)).returning()
          if (!row) throw new AppError('not_found', '没有这个群')
          await recordAudit(
            tx,
            { actorKind: 'token', actorName: actor.name, action: 'group.webhook', targetType: 'group', targetId: row.id, detail: { robot: key ? keyFingerprint(key) : null } },
            clock.now(),
          )
          return view(row)
        })
      },
    )

    app.post(
      '/api/wecom/robot-groups',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['wecom'],
          summary: '登记只有群机器人的推送群',
          body: z.object({
            name: z.string().min(2).max(60),
            webhook,
            township: z.string().min(1).optional().describe('乡镇街名；不填为全市'),
            industries: z.array(industry).max(20).default([]),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        const key = keyOf(b.webhook)
        const t = b.township ? await findTownship(db, b.township) : null
        if (b.township && !t) throw new AppError('not_found', `没有找到乡镇“${b.township}”`)
        const actor = actorOf(req)
        const now = clock.now()
        const row = await db.transaction(async (tx) => {
          const [r] = await tx
            .insert(g)
            .values({
              channel: ROBOT_CHANNEL,
              // the robot's fingerprint names the group for the outbox (one robot, one group)
              externalId: keyFingerprint(key),
              name: b.name,
              registered: true,
              townshipId: t?.id ?? null,
              industries: b.industries,
              webhookKey: key,
              registeredAt: now,
            })
            .onConflictDoNothing()
            .returning()
          if (!r) throw new AppError('conflict', '这个群机器人已登记过')
          await recordAudit(tx, { actorKind: 'token', actorName: actor.name, action: 'group.robot_register', targetType: 'group', targetId: r.id, detail: { robot: keyFingerprint(key) } }, now)
          return r
        })
        return reply.code(201).send(view(row))
      },
    )
  }
}
