import { z } from 'zod'
import { eq, asc, gt, inArray } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, type Industry } from '../core/domain.js'
import { findTownship, issueBindCode } from '../services/directory.js'
import { check, getByCode, listHazards, recordTransferResult, targetOf, timeline } from '../services/hazards.js'
import { attachmentAccess, loadAttachment } from '../services/attachments.js'
import { requireAction, actorOf } from './auth.js'
import { HAZARD_STATUSES } from '../services/ledger.js'
import { businessReach, peopleReach } from '../services/scope.js'

const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]])
const secured = { security: [{ bearer: [] }] }

export function adminRoutes(deps: {
  db: Db
  config: AppConfig
  clock: Clock
  simulatorMode: boolean
  /** people, businesses or places changed: chat caches must forget them */
  onDirectoryChange?: () => void
}): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)

  return async (app) => {
    app.addHook('onResponse', async (req, reply) => {
      if (req.method !== 'GET' && reply.statusCode < 400) deps.onDirectoryChange?.()
    })

    app.get('/api/jurisdictions', { preValidation: can('admin.read'), schema: { ...secured, tags: ['directory'], summary: '乡镇街列表' } }, async () =>
      db.select().from(schema.jurisdictions).orderBy(asc(schema.jurisdictions.id)),
    )

    app.post(
      '/api/jurisdictions',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['directory'], summary: '新增乡镇街', body: z.object({ name: z.string().min(2).max(40) }) },
      },
      async (req, reply) => {
        const [city] = await db.select().from(schema.jurisdictions).where(eq(schema.jurisdictions.kind, 'city')).limit(1)
        const [row] = await db
          .insert(schema.jurisdictions)
          .values({ name: req.body.name, kind: 'township', parentId: city?.id ?? null })
          .onConflictDoNothing()
          .returning()
        if (!row) throw new AppError('conflict', '已有同名乡镇街')
        return reply.code(201).send(row)
      },
    )

    app.get('/api/businesses', { preValidation: can('admin.read'), schema: { ...secured, tags: ['directory'], summary: '经营主体列表（按查看范围）' } }, async (req) =>
      db.select().from(schema.businesses).where(businessReach(actorOf(req), 'admin.read')).orderBy(asc(schema.businesses.id)),
    )

    app.post(
      '/api/businesses',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['directory'],
          summary: '新增经营主体',
          body: z.object({
            name: z.string().min(2).max(80),
            industry,
            township: z.string().min(1).optional(),
            creditCode: z.string().regex(/^[0-9A-Z]{18}$/, '统一社会信用代码为18位数字或大写字母').optional(),
            address: z.string().max(200).optional(),
            aboveQuota: z.boolean().default(false),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        const t = b.township ? await findTownship(db, b.township) : null
        if (b.township && !t) throw new AppError('not_found', `没有找到乡镇“${b.township}”`)
        const [row] = await db
          .insert(schema.businesses)
          .values({ name: b.name, industry: b.industry, townshipId: t?.id ?? null, creditCode: b.creditCode ?? null, address: b.address ?? null, aboveQuota: b.aboveQuota })
          .onConflictDoNothing()
          .returning()
        if (!row) throw new AppError('conflict', '已有同名或同信用代码的经营主体')
        return reply.code(201).send(row)
      },
    )

    app.get('/api/people', { preValidation: can('admin.read'), schema: { ...secured, tags: ['directory'], summary: '人员列表（含绑定的聊天身份，按查看范围）' } }, async (req) => {
      const people = await db.select().from(schema.people).where(peopleReach(db, actorOf(req), 'admin.read')).orderBy(asc(schema.people.id))
      const ids = await db.select().from(schema.identities).where(inArray(schema.identities.personId, people.map((p) => p.id).concat(-1)))
      const ms = await db.select().from(schema.memberships).where(inArray(schema.memberships.personId, people.map((p) => p.id).concat(-1)))
      return people.map((p) => ({
        ...p,
        businessIds: ms.filter((m) => m.personId === p.id).map((m) => m.businessId),
        identities: ids.filter((i) => i.personId === p.id).map((i) => ({ channel: i.channel, externalId: i.externalId, displayName: i.displayName })),
      }))
    })

    app.post(
      '/api/people',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['directory'],
          summary: '新增人员（监管人员、局领导、经营主体人员…）',
          body: z.object({
            name: z.string().min(1).max(40),
            role: z.enum(['member', 'officer', 'leader', 'admin', 'association', 'viewer']),
            phone: z.string().regex(/^1\d{10}$/).optional(),
            township: z.string().optional(),
            industries: z.array(industry).default([]),
            businessIds: z.array(z.number().int()).default([]),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        const t = b.township ? await findTownship(db, b.township) : null
        if (b.township && !t) throw new AppError('not_found', `没有找到乡镇“${b.township}”`)
        if (b.role === 'member' && !b.businessIds.length) throw new AppError('usage', '经营主体人员需要 businessIds')
        const person = await db.transaction(async (tx) => {
          const [p] = await tx
            .insert(schema.people)
            .values({ name: b.name, role: b.role, phone: b.phone ?? null, townshipId: t?.id ?? null, industries: b.industries })
            .returning()
          for (const businessId of b.businessIds) await tx.insert(schema.memberships).values({ personId: p.id, businessId })
          return p
        })
        return reply.code(201).send({ ...person, businessIds: b.businessIds })
      },
    )

    app.post(
      '/api/people/:id/bind-codes',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['directory'], summary: '生成一次性绑定码（在群里发：绑定 码）', params: z.object({ id: z.coerce.number().int() }) },
      },
      async (req, reply) => reply.code(201).send(await issueBindCode(db, req.params.id, clock.now(), config.BIND_CODE_TTL_HOURS)),
    )

    app.get(
      '/api/bind-codes',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['directory'], summary: '绑定码列表（未过期的，含已用）' },
      },
      async () =>
        db
          .select({
            code: schema.bindCodes.code,
            personId: schema.bindCodes.personId,
            personName: schema.people.name,
            expiresAt: schema.bindCodes.expiresAt,
            usedAt: schema.bindCodes.usedAt,
          })
          .from(schema.bindCodes)
          .innerJoin(schema.people, eq(schema.people.id, schema.bindCodes.personId))
          .where(gt(schema.bindCodes.expiresAt, clock.now()))
          .orderBy(asc(schema.bindCodes.createdAt)),
    )

    app.get(
      '/api/hazards',
      {
        preValidation: can('admin.read'),
        schema: {
          ...secured,
          tags: ['hazards'],
          summary: '隐患台账（可筛选）',
          querystring: z.object({
            status: z.enum(HAZARD_STATUSES).optional(),
            open: z.coerce.boolean().optional(),
            overdue: z.coerce.boolean().optional(),
            grade: z.enum(['general', 'major']).optional(),
            category: z.string().optional(),
            limit: z.coerce.number().int().min(1).max(500).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          }),
        },
      },
      async (req) => listHazards(db, actorOf(req), req.query, clock.now()),
    )

    app.get(
      '/api/hazards/:code',
      {
        preValidation: can('admin.read'),
        schema: { ...secured, tags: ['hazards'], summary: '一条隐患及其经过、照片', params: z.object({ code: z.string().regex(/^[Yy]\d+$/) }) },
      },
      async (req) => {
        const h = await getByCode(db, req.params.code)
        check(actorOf(req), 'hazard.view', targetOf(h))
        const { events, photos } = await timeline(db, h.id)
        const [b] = h.businessId ? await db.select().from(schema.businesses).where(eq(schema.businesses.id, h.businessId)) : []
        return { ...h, businessName: b?.name ?? null, events, photos: photos.map((p) => ({ ...p, url: `/api/attachments/${p.sha256}` })) }
      },
    )

    app.post(
      '/api/hazards/:code/transfer-result',
      {
        preValidation: can('hazard.transfer_result'),
        schema: {
          ...secured,
          tags: ['hazards'],
          summary: '登记移交部门的处理结果',
          params: z.object({ code: z.string().regex(/^[Yy]\d+$/) }),
          body: z.object({ result: z.string().min(2).max(500) }),
        },
      },
      async (req) => {
        const a = actorOf(req)
        return db.transaction((tx) =>
          recordTransferResult({ tx, actor: a, now: clock.now() }, req.params.code, req.body.result),
        )
      },
    )

    app.get(
      '/api/attachments/:sha256',
      {
        preValidation: can('admin.read'),
        schema: { ...secured, tags: ['hazards'], summary: '照片或文件（只给能看它所属隐患、通知或任务的人）', params: z.object({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) },
      },
      async (req, reply) => {
        const access = await attachmentAccess(db, actorOf(req), req.params.sha256)
        if (access === 'forbidden') throw new AppError('forbidden', '这张照片所属的隐患不在您负责的范围内')
        const a = access === 'ok' ? await loadAttachment(db, req.params.sha256) : null
        if (!a) throw new AppError('not_found', '没有这个文件')
        return reply.type(a.mime).header('cache-control', 'private, max-age=86400').send(a.bytes)
      },
    )
  }
}
