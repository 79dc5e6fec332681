import { z } from 'zod'
import { and, desc, eq } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import { endOfShanghaiDay, type Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, type Industry } from '../core/domain.js'
import type { Channel } from '../channels/types.js'
import { createNotice, listNotices, noticeByCode, noticeReport, type ApiWho, type Sender } from '../services/notices.js'
import { createTask, listTasks, taskByCode, taskReport } from '../services/tasks.js'
import { recordAudit } from '../services/audit.js'
import { requireAction, actorOf } from './auth.js'

const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]])
const secured = { security: [{ bearer: [] }] }
const names = z.array(z.string().trim().min(1).max(80)).max(500)
const page = z.object({ limit: z.coerce.number().int().min(1).max(200).default(50), offset: z.coerce.number().int().min(0).default(0) })
const MAX_IMAGE_BYTES = 10 * 1024 * 1024

/** 'YYYY-MM-DD' is the end of that Shanghai day; otherwise an ISO time with its offset. */
const deadline = z.union([
  z
    .string()
    .regex(/^\d{4}-\d{2}-\d{2}$/)
    .transform((s) => {
      const [y, m, d] = s.split('-').map(Number)
      return endOfShanghaiDay(y, m, d)
    }),
  z.iso.datetime({ offset: true }).transform((s) => new Date(s)),
])

function who(req: FastifyRequest): ApiWho {
  const a = actorOf(req)
  return { kind: a.personId === null ? 'token' : 'person', id: a.personId, name: a.name, requestId: req.id }
}

function decodeImage(img: { base64: string; mime: string }): { bytes: Buffer; mime: string } {
  const clean = img.base64.replace(/^data:[^,]*,/, '').replace(/\s+/g, '')
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(clean)) throw new AppError('usage', '图片不是有效的 base64')
  const bytes = Buffer.from(clean, 'base64')
  if (!bytes.length) throw new AppError('usage', '图片是空的')
  if (bytes.length > MAX_IMAGE_BYTES) throw new AppError('usage', '图片太大（超过10MB）')
  return { bytes, mime: img.mime }
}

/** Notices (通知) with acknowledgement, officers' tasks (督办任务) and the outbox's dead letters. */
export function noticeRoutes(deps: { db: Db; config: AppConfig; clock: Clock; channel: Channel; simulatorMode: boolean; onOutbox?: () => void }): FastifyPluginAsyncZod {
  const { db, config, clock, channel, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  // without the member list a notice still goes out; only its acknowledgement rate is unknown
  const sender = (req: FastifyRequest): Sender => ({
    channel: channel.name,
    account: channel.account(),
    listMembers: channel.listMembers
      ? (id) =>
          channel.listMembers!(id).catch((err: unknown) => {
            req.log.warn({ err, groupId: id }, 'could not list group members')
            return []
          })
      : undefined,
  })

  return async (app) => {
    app.post(
      '/api/notices',
      {
        onRequest: can('notice.send'),
        schema: {
          ...secured,
          tags: ['notices'],
          summary: '发通知：立即或定时发到群（按乡镇、行业、全部已登记群或指定群），可要求回复“收到”',
          body: z.object({
            text: z.string().trim().min(2).max(2000),
            image: z.object({ base64: z.string().min(4), mime: z.enum(['image/png', 'image/jpeg', 'image/gif']) }).optional(),
            targets: z
              .object({ all: z.boolean().optional(), townships: names.optional(), industries: z.array(industry).optional(), groups: names.optional() })
              .refine((t) => t.all || t.townships?.length || t.industries?.length || t.groups?.length, '请选择发送范围：all、townships、industries 或 groups'),
            requiresAck: z.boolean().default(false),
            priority: z.enum(['normal', 'urgent']).default('normal'),
            sendAt: z.iso.datetime({ offset: true }).optional(),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        const r = await createNotice(
          db,
          sender(req),
          {
            text: b.text,
            image: b.image ? decodeImage(b.image) : undefined,
            targets: b.targets,
            requiresAck: b.requiresAck,
            priority: b.priority,
            sendAt: b.sendAt ? new Date(b.sendAt) : undefined,
          },
          who(req),
          clock.now(),
        )
        if (r.sent) deps.onOutbox?.()
        return reply.code(201).send({ code: r.notice.code, groups: r.groups, scheduled: r.scheduled, sendAt: r.notice.sendAt, sent: r.sent })
      },
    )

    app.get(
      '/api/notices',
      { onRequest: can('notice.view'), schema: { ...secured, tags: ['notices'], summary: '通知列表：发到哪些群、何时发出、确认率', querystring: page } },
      async (req) => listNotices(db, clock.now(), req.query.limit, req.query.offset),
    )

    app.get(
      '/api/notices/:code',
      {
        onRequest: can('notice.view'),
        schema: { ...secured, tags: ['notices'], summary: '一条通知：各群发送时间、确认率、已确认和未确认的人', params: z.object({ code: z.string().regex(/^[Nn]\d{1,9}$/) }) },
      },
      async (req) => noticeReport(db, await noticeByCode(db, req.params.code), clock.now()),
    )

    app.post(
      '/api/tasks',
      {
        onRequest: can('task.assign'),
        schema: {
          ...secured,
          tags: ['tasks'],
          summary: '派发督办任务：发给指定监管人员，或某些乡镇、科室（按负责行业）的全部监管人员，私聊送达',
          body: z
            .object({
              text: z.string().trim().min(2).max(2000),
              deadline,
              officers: names.optional(),
              townships: names.optional(),
              sections: z.array(industry).optional(),
            })
            .refine((t) => t.officers?.length || t.townships?.length || t.sections?.length, '请指定承办人：officers、townships 或 sections'),
        },
      },
      async (req, reply) => {
        const b = req.body
        const r = await createTask(
          db,
          sender(req),
          { text: b.text, deadline: b.deadline, targets: { officers: b.officers, townships: b.townships, sections: b.sections } },
          who(req),
          clock.now(),
          config.TASK_REMIND_BEFORE_HOURS,
        )
        deps.onOutbox?.()
        return reply.code(201).send({ code: r.task.code, deadline: r.task.deadline, assignees: r.assignees })
      },
    )

    app.get(
      '/api/tasks',
      { onRequest: can('task.view'), schema: { ...secured, tags: ['tasks'], summary: '督办任务列表及完成情况', querystring: page } },
      async (req) => listTasks(db, clock.now(), req.query.limit, req.query.offset),
    )

    app.get(
      '/api/tasks/:code',
      {
        onRequest: can('task.view'),
        schema: { ...secured, tags: ['tasks'], summary: '一条督办任务：每位承办人的状态（已派发、已确认、已完成及说明和附件、逾期）', params: z.object({ code: z.string().regex(/^[Rr]\d{1,9}$/) }) },
      },
      async (req) => taskReport(db, await taskByCode(db, req.params.code), clock.now()),
    )

    app.get(
      '/api/outbox/dead',
      { onRequest: can('outbox.view'), schema: { ...secured, tags: ['outbox'], summary: '死信：多次发送失败的消息及原因', querystring: page } },
      async (req) => {
        const o = schema.outbox
        return db
          .select({
            id: o.id,
            channel: o.channel,
            account: o.account,
            chatId: o.chatId,
            isGroup: o.isGroup,
            priority: o.priority,
            text: o.text,
            image: o.imageSha256,
            attempts: o.attempts,
            reason: o.lastError,
            createdAt: o.createdAt,
            lastAttemptAt: o.claimedAt,
          })
          .from(o)
          .where(eq(o.status, 'dead'))
          .orderBy(desc(o.id))
          .limit(req.query.limit)
          .offset(req.query.offset)
      },
    )

    app.post(
      '/api/outbox/:id/retry',
      {
        onRequest: can('outbox.manage'),
        schema: { ...secured, tags: ['outbox'], summary: '重发一条死信（回到待发，尝试次数清零）', params: z.object({ id: z.coerce.number().int().min(1) }) },
      },
      async (req) => {
        const now = clock.now()
        const o = schema.outbox
        const row = await db.transaction(async (tx) => {
          const [r] = await tx
            .update(o)
            .set({ status: 'pending', attempts: 0, nextAttemptAt: now, claimedBy: null })
            .where(and(eq(o.id, req.params.id), eq(o.status, 'dead')))
            .returning({ id: o.id, status: o.status, attempts: o.attempts, chatId: o.chatId, reason: o.lastError })
          if (!r) {
            const [exists] = await tx.select({ status: o.status }).from(o).where(eq(o.id, req.params.id))
            throw exists ? new AppError('invalid_state', `这条消息不是死信（${exists.status}），不能重发`) : new AppError('not_found', '没有这条消息')
          }
          const w = who(req)
          await recordAudit(
            tx,
            { actorKind: w.kind, actorId: w.id, actorName: w.name, action: 'outbox.retry', targetType: 'outbox', targetId: r.id, detail: { chatId: r.chatId, reason: r.reason }, requestId: w.requestId },
            now,
          )
          return r
        })
        deps.onOutbox?.()
        return row
      },
    )
  }
}
