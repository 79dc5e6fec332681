import { z } from 'zod'
import { desc, eq } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import { endOfShanghaiDay, formatDateTime, type Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, type Industry } from '../core/domain.js'
import type { Channel } from '../channels/types.js'
import { createNotice, listNotices, noticeByCode, noticeReport, noticeTiming, previewNotice, remindNow, type ApiWho, type Sender } from '../services/notices.js'
import { parseQuietHours } from '../core/quiet-hours.js'
import { lastDeliveryAt, type Pacing } from '../core/delivery-estimate.js'
import { createTask, listTasks, taskByCode, taskReport } from '../services/tasks.js'
import { recordAudit } from '../services/audit.js'
import { retryDead } from '../services/push-plan.js'
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

/** CSV with a BOM (Excel opens it as UTF-8); a cell that starts like a formula is quoted with ' first. */
function toCsv(head: string[], rows: string[][]): string {
  const cell = (v: string) => {
    const safe = /^[=+\-@\t\r]/.test(v) ? `'${v}` : v
    return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe
  }
  return '\ufeff' + [head, ...rows].map((r) => r.map(cell).join(',')).join('\r\n') + '\r\n'
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

  // the pacing the outbox sender applies (src/channels/puppet.ts, the robot channel): for "when will the last group have it"
  const pacing: Pacing = {
    intervalMs: simulatorMode ? 0 : (config.SEND_MIN_INTERVAL_MS ?? 1500) + (config.SEND_JITTER_MS ?? Math.max(500, config.SEND_MIN_INTERVAL_MS ?? 1500)) / 2,
    dailyCap: simulatorMode ? undefined : config.SEND_DAILY_CAP,
    robotPerMinute: config.WECOM_ROBOT_PER_MINUTE ?? 20,
    quiet: parseQuietHours(config.QUIET_HOURS),
  }
  const targetsBody = z
    .object({ all: z.boolean().optional(), townships: names.optional(), industries: z.array(industry).optional(), groups: names.optional() })
    .refine((t) => t.all || t.townships?.length || t.industries?.length || t.groups?.length, '请选择发送范围：all、townships、industries 或 groups')

  return async (app) => {
    app.post(
      '/api/notices/preview',
      {
        onRequest: can('notice.send'),
        schema: {
          ...secured,
          tags: ['notices'],
          summary: '发送前预览：会发到哪些群、多少人（只有群机器人的群也发，标“无法回执”），最后一个群大约何时收到',
          body: z.object({ targets: targetsBody, priority: z.enum(['normal', 'urgent']).default('normal'), sendAt: z.iso.datetime({ offset: true }).optional(), image: z.boolean().default(false) }),
        },
      },
      async (req) => {
        const now = clock.now()
        const p = await previewNotice(db, sender(req), req.body.targets)
        const start = req.body.sendAt && new Date(req.body.sendAt) > now ? new Date(req.body.sendAt) : now
        const lastAt = p.groupCount
          ? lastDeliveryAt({ start, priority: req.body.priority, puppetGroups: p.groupCount - p.robotOnly, robotGroups: p.robotOnly, perGroup: req.body.image ? 2 : 1, backlog: 0 }, pacing)
          : null
        return { ...p, lastAt }
      },
    )

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
            targets: targetsBody,
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
      async (req) => {
        const n = await noticeByCode(db, req.params.code)
        const now = clock.now()
        return { ...(await noticeReport(db, n, now)), timing: await noticeTiming(db, n, pacing, now) }
      },
    )

    app.post(
      '/api/notices/:code/remind',
      {
        onRequest: can('notice.send'),
        schema: { ...secured, tags: ['notices'], summary: '现在提醒未确认的人（在每个群里 @ 他们）', params: z.object({ code: z.string().regex(/^[Nn]\d{1,9}$/) }) },
      },
      async (req) => {
        const r = await remindNow(db, req.params.code, who(req), clock.now())
        if (r.groups) deps.onOutbox?.()
        return r
      },
    )

    app.get(
      '/api/notices/:code/export.csv',
      {
        onRequest: can('notice.view'),
        schema: { ...secured, tags: ['notices'], summary: '导出一条通知的回执名单（CSV）：每个群每个人是否已确认', params: z.object({ code: z.string().regex(/^[Nn]\d{1,9}$/) }) },
      },
      async (req, reply) => {
        const r = await noticeReport(db, await noticeByCode(db, req.params.code), clock.now())
        const acked = new Map((r.ack?.acks ?? []).map((a) => [a.externalId, a.at]))
        const rows: string[][] = []
        for (const d of r.deliveries) {
          if (d.robotOnly) rows.push([d.group, '', '无法回执（只有群机器人）', d.sentAt ? formatDateTime(d.sentAt) : '未发', ''])
          for (const m of d.nonAcknowledgers) rows.push([d.group, m.name, '未确认', d.sentAt ? formatDateTime(d.sentAt) : '未发', ''])
        }
        for (const a of r.ack?.acks ?? []) rows.push([a.group ?? '', a.name, '已确认', '', formatDateTime(acked.get(a.externalId) ?? a.at)])
        const csv = toCsv(['群', '姓名', '状态', '发出时间', '确认时间'], rows)
        await recordAudit(db, { actorKind: who(req).kind, actorId: who(req).id, actorName: who(req).name, action: 'notice.export', targetType: 'notice', targetId: r.code, requestId: req.id }, clock.now())
        return reply
          .type('text/csv; charset=utf-8')
          .header('content-disposition', `attachment; filename="notice-${r.code}.csv"; filename*=UTF-8''${encodeURIComponent(`通知${r.code}回执.csv`)}`)
          .send(csv)
      },
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
        const row = await db.transaction((tx) => retryDead(tx, req.params.id, who(req), clock.now()))
        deps.onOutbox?.()
        return row
      },
    )
  }
}
