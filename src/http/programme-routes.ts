import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import type { Db, Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { formatDate } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES, type Industry } from '../core/domain.js'
import { countRequired, trainingFocusOf } from '../core/plan.js'
import { checklists } from '../../db/checklists/index.js'
import { findTownship } from '../services/directory.js'
import { storeAttachment } from '../services/attachments.js'
import { recordAudit } from '../services/audit.js'
import { businessesWithoutSelfCheck, recentSelfChecks } from '../services/programmes/selfchecks.js'
import { createTraining, listTrainings, trainingCoverage, trainingRoster } from '../services/programmes/trainings.js'
import { businessReach, checkCityWide, reaches } from '../services/scope.js'
import { responsibilityCoverage, responsibilityTable, verifyResponsibility } from '../services/programmes/responsibility.js'
import { activePlans } from '../services/plans.js'
import { linkInspection, tagInspectionHazards } from '../services/registers/campaigns.js'
import {
  planInspection,
  recordInspection,
  inspectionsOfYear,
  fileExhibition,
  attachExhibitionDocument,
  decideExhibition,
  listExhibitions,
  excludeBusiness,
  liftExclusion,
  allExclusions,
  setGasConversion,
  gasConversionProgress,
  commendationCandidates,
  publishCommendation,
  type ExhibitionDoc,
} from '../services/programmes/oversight.js'
import { requireAction, actorOf } from './auth.js'

const secured = { security: [{ bearer: [] }] }
const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]], { error: '行业不对，可选：' + Object.keys(INDUSTRIES).join('、') })
/** a calendar day, YYYY-MM-DD, that exists */
export const day = z
  .string({ error: '请填写日期' })
  .regex(/^\d{4}-\d{2}-\d{2}$/, '日期格式应为 YYYY-MM-DD')
  .refine((s) => !Number.isNaN(Date.parse(`${s}T00:00:00+08:00`)) && new Date(`${s}T00:00:00Z`).toISOString().startsWith(s), '没有这一天')
const instant = z
  .string({ error: '请填写时间' })
  .refine((s) => /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}/.test(s) && !Number.isNaN(Date.parse(s)), '时间格式应为 2026-12-01T09:00:00+08:00')
  .transform((s) => new Date(/[zZ]|[+-]\d{2}:?\d{2}$/.test(s) ? s : `${s}+08:00`))
/** a file sent in JSON as base64 */
export const file = z.object({
  name: z.string().max(200).optional(),
  mime: z.string().regex(/^[\w.+-]+\/[\w.+-]+$/, '文件类型（mime）不对'),
  base64: z.string().min(4, '文件内容不能为空').max(14_000_000, '文件太大（超过10MB）'),
})
type FileInput = z.infer<typeof file>
const id = z.object({ id: z.coerce.number({ error: '编号应为数字' }).int().positive('编号应为正整数') })
const year = z.coerce.number({ error: '年份应为数字' }).int().min(2020, '年份不对').max(2100, '年份不对')

export async function saveFile(tx: Tx, f: FileInput): Promise<string> {
  const bytes = Buffer.from(f.base64, 'base64')
  if (!bytes.length) throw new AppError('usage', '文件内容不是有效的 base64')
  return storeAttachment(tx, bytes, f.mime)
}

/**
 * The admin API of the plan's programmes: self-checks, training, responsibility systems, targets, inspections …
 * Every route keeps to the actor's reach, as the ledger does: listings show the businesses of the actor's
 * township (and industries); a change to a business outside it, or to a record of the whole city by someone
 * scoped to a township, is refused (403).
 */
export function programmeRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean; account?: () => string | undefined; onOutbox?: () => void }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const audit = (tx: Tx, req: FastifyRequest, action: string, targetType: string, targetId: string | number | null, detail?: Record<string, unknown>) => {
    const a = actorOf(req)
    return recordAudit(tx, { actorKind: 'token', actorName: a.name, action, targetType, targetId, detail, requestId: req.id }, clock.now())
  }

  /** WHERE over businesses: what the caller may read */
  const readable = (req: FastifyRequest) => businessReach(actorOf(req), 'programme.read')

  return async (app) => {
    /* self-checks */
    app.get('/api/checklists', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '自查清单' } }, async () =>
      checklists.map((c) => ({ key: c.key, title: c.title, words: c.words, industries: c.industries, items: c.items })),
    )
    app.get(
      '/api/selfchecks',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '自查记录（含不合格项登记的隐患）', querystring: z.object({ businessId: z.coerce.number().int().optional() }) } },
      async (req) => recentSelfChecks(db, req.query.businessId, 50, readable(req)),
    )
    app.get('/api/selfchecks/missing', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '本月还未自查的单位' } }, async (req) =>
      (await businessesWithoutSelfCheck(db, clock.now(), readable(req))).map((b) => ({ id: b.id, name: b.name, industry: b.industry, townshipId: b.townshipId })),
    )

    /* training */
    app.post(
      '/api/trainings',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '新建培训并向目标群发通知',
          body: z.object({
            topic: z.string({ error: '请填写培训主题' }).min(2, '培训主题太短').max(100),
            startsAt: instant,
            endsAt: instant,
            place: z.string().max(100).optional(),
            link: z.url({ error: '线上链接格式不对' }).optional(),
            audience: z.enum(['officials', 'principals', 'all'], { error: '对象应为 officials、principals 或 all' }),
            targetIndustries: z.array(industry).default([]),
            targetTownships: z.array(z.string()).default([]),
            focus: z.string().max(40).optional(),
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        const a = actorOf(req)
        const result = await db.transaction(async (tx) => {
          const townshipIds: number[] = []
          for (const name of b.targetTownships) {
            const t = await findTownship(tx, name)
            if (!t) throw new AppError('not_found', `没有找到乡镇“${name}”`)
            if (!reaches(a, 'programme.manage', { townshipId: t.id })) throw new AppError('forbidden', `${t.name}不在您负责的范围内`)
            townshipIds.push(t.id)
          }
          // for the whole city unless the caller is of one township: then for that township
          if (!townshipIds.length && a.townshipId !== null && !reaches(a, 'programme.manage', null)) townshipIds.push(a.townshipId)
          const r = await createTraining(tx, { ...b, targetTownshipIds: townshipIds, createdBy: actorOf(req).name }, clock.now(), deps.account?.())
          await audit(tx, req, 'training.create', 'training', r.training.id, { topic: b.topic })
          return r
        })
        deps.onOutbox?.()
        return reply.code(201).send({ ...result.training, notifiedGroups: result.notifiedGroups })
      },
    )
    app.get('/api/trainings', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '培训列表（全市的和本乡镇街的）' } }, async (req) =>
      listTrainings(db, actorOf(req)),
    )
    app.get(
      '/api/trainings/coverage',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '培训覆盖率（乡镇街安全管理人员、企业主要负责人）及未参训名单', querystring: z.object({ year: year.optional() }) } },
      async (req) => {
        const y = req.query.year ?? Number(formatDate(clock.now()).slice(0, 4))
        const focus = (await activePlans(db)).map((p) => trainingFocusOf(p, y)).find((f) => f !== null) ?? null
        return trainingCoverage(db, y, undefined, actorOf(req), focus)
      },
    )

    app.get(
      '/api/trainings/:code/roster',
      {
        preValidation: can('programme.read'),
        schema: { ...secured, tags: ['programmes'], summary: '一场培训的报名和签到名单（按查看范围）', params: z.object({ code: z.string().regex(/^[Pp]\d{1,9}$/, '培训编号应如 P3') }) },
      },
      async (req) => trainingRoster(db, req.params.code, actorOf(req)),
    )

    /* responsibility systems */
    app.get('/api/responsibility', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '各单位全员安全生产责任制状态' } }, async (req) =>
      responsibilityTable(db, clock.now(), readable(req)),
    )
    app.get('/api/responsibility/coverage', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '责任制覆盖率：按限上/其他、按乡镇，及逾期名单' } }, async (req) =>
      responsibilityCoverage(db, clock.now(), readable(req)),
    )
    app.post(
      '/api/responsibility/:id/verify',
      { preValidation: can('responsibility.verify'), schema: { ...secured, tags: ['programmes'], summary: '核验单位报送的责任制', params: id, body: z.object({ note: z.string().max(200).optional() }).default({}) } },
      async (req) => {
        const b = await db.transaction((tx) => verifyResponsibility(tx, actorOf(req), req.params.id, clock.now(), 'token', req.body.note))
        return { businessId: b.id, name: b.name, status: 'verified' }
      },
    )

    /* special inspections */
    app.post(
      '/api/inspections',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '计划一次专项检查（departments 为空即单独检查）',
          body: z.object({
            plannedOn: day,
            theme: z.string({ error: '请填写检查主题' }).min(2, '检查主题太短').max(100),
            departments: z.array(z.string().min(1).max(40)).default([]),
            businessIds: z.array(z.number().int()).default([]),
            note: z.string().max(500).optional(),
            /** a campaign (专项行动) the inspection serves: the hazards it records are tagged with it */
            campaignId: z.number().int().positive().optional(),
          }),
        },
      },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await planInspection(tx, req.body, actorOf(req))
          if (req.body.campaignId) await linkInspection(tx, r.id, req.body.campaignId)
          await audit(tx, req, 'inspection.plan', 'special_inspection', r.id, { theme: r.theme, campaignId: req.body.campaignId })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.post(
      '/api/inspections/:id/record',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '登记专项检查结果（走访单位、发现的隐患编号）',
          params: id,
          body: z.object({ doneOn: day, businessIds: z.array(z.number().int()).optional(), hazardCodes: z.array(z.string().regex(/^[Yy]\d+$/, '隐患编号应如 Y12')).default([]), note: z.string().max(500).optional() }),
        },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await recordInspection(tx, req.params.id, req.body, actorOf(req))
          const tagged = await tagInspectionHazards(tx, r.id)
          await audit(tx, req, 'inspection.record', 'special_inspection', r.id, { doneOn: r.doneOn, campaignTagged: tagged })
          return { ...r, campaignTagged: tagged }
        }),
    )
    app.get(
      '/api/inspections',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '专项检查及年度进度（每年不少于6次）', querystring: z.object({ year: year.optional() }) } },
      async (req) => {
        const y = req.query.year ?? Number(formatDate(clock.now()).slice(0, 4))
        return inspectionsOfYear(db, y, clock.now(), actorOf(req), countRequired(await activePlans(db), 'special_inspection', y))
      },
    )

    /* exhibitions */
    const docs = z.object({ safety_plan: file.optional(), emergency_plan: file.optional(), police_permit: file.optional() }).default({})
    app.post(
      '/api/exhibitions',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '展览活动审批/备案登记（可附安全方案、应急预案、公安安全许可）',
          body: z.object({
            name: z.string({ error: '请填写展会名称' }).min(2, '展会名称太短').max(100),
            organiser: z.string({ error: '请填写主办单位' }).min(2, '主办单位太短').max(100),
            venue: z.string().max(100).optional(),
            startsOn: day,
            endsOn: day,
            largePublicEvent: z.boolean().default(false),
            documents: docs,
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        checkCityWide(actorOf(req), 'programme.manage')
        const row = await db.transaction(async (tx) => {
          const stored: Partial<Record<ExhibitionDoc, string>> = {}
          for (const [k, f] of Object.entries(b.documents)) if (f) stored[k as ExhibitionDoc] = await saveFile(tx, f)
          const r = await fileExhibition(tx, { ...b, documents: stored })
          await audit(tx, req, 'exhibition.file', 'exhibition', r.id, { name: r.name })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/exhibitions/:id/documents/:doc',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '补交展览材料',
          params: id.extend({ doc: z.enum(['safety_plan', 'emergency_plan', 'police_permit'], { error: '材料应为 safety_plan、emergency_plan 或 police_permit' }) }),
          body: file,
        },
      },
      async (req) =>
        db.transaction(async (tx) => {
          checkCityWide(actorOf(req), 'programme.manage')
          const r = await attachExhibitionDocument(tx, req.params.id, req.params.doc, await saveFile(tx, req.body))
          await audit(tx, req, 'exhibition.document', 'exhibition', r.id, { doc: req.params.doc })
          return r
        }),
    )
    app.post(
      '/api/exhibitions/:id/decision',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '登记审核结论（通过须材料齐全）',
          params: id,
          body: z.object({ decision: z.enum(['approved', 'rejected'], { error: '结论应为 approved 或 rejected' }), note: z.string().max(500).optional() }),
        },
      },
      async (req) =>
        db.transaction(async (tx) => {
          checkCityWide(actorOf(req), 'programme.manage')
          const r = await decideExhibition(tx, req.params.id, req.body.decision, req.body.note, actorOf(req).name, clock.now())
          await audit(tx, req, 'exhibition.decide', 'exhibition', r.id, { decision: r.decision })
          return r
        }),
    )
    app.get('/api/exhibitions', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '展览备案列表（含缺少的材料）' } }, async () => listExhibitions(db))

    /* policy-support exclusion */
    app.post(
      '/api/policy-exclusions',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '登记不再给予政策支持的单位',
          body: z.object({
            businessId: z.number({ error: '请填写单位编号 businessId' }).int(),
            reason: z.enum(['larger_accident', 'refused_rectification'], { error: '原因应为 larger_accident（较大事故）或 refused_rectification（拒绝整改造成严重不良影响）' }),
            detail: z.string({ error: '请填写情况说明' }).min(2, '情况说明太短').max(500),
            source: z.string({ error: '请填写来源（处罚部门及文号）' }).min(2, '来源太短').max(200),
            decidedOn: day,
          }),
        },
      },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await excludeBusiness(tx, req.body, actorOf(req))
          await audit(tx, req, 'exclusion.record', 'business', r.businessId, { reason: r.reason, source: r.source })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.post(
      '/api/policy-exclusions/:id/lift',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['programmes'], summary: '解除（记录解除日期）', params: id, body: z.object({ liftedOn: day }) } },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await liftExclusion(tx, req.params.id, req.body.liftedOn, actorOf(req))
          await audit(tx, req, 'exclusion.lift', 'business', r.businessId, { liftedOn: r.liftedOn })
          return r
        }),
    )
    app.get('/api/policy-exclusions', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '不再给予政策支持的单位名单' } }, async (req) => {
      const today = formatDate(clock.now())
      return (await allExclusions(db, readable(req))).map((e) => ({ ...e, active: e.decidedOn <= today && (e.liftedOn === null || e.liftedOn > today) }))
    })

    /* gas conversion */
    app.put(
      '/api/gas-conversions/:id',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '登记餐饮单位燃料及瓶改管/气改电进度（id 为单位编号）',
          params: id,
          body: z.object({
            fuel: z.enum(['bottled_lpg', 'piped_gas', 'electric', 'alcohol_fuel', 'other'], { error: '燃料应为 bottled_lpg、piped_gas、electric、alcohol_fuel 或 other' }),
            plan: z.enum(['bottle_to_pipe', 'gas_to_electric', 'none'], { error: '改造方式应为 bottle_to_pipe、gas_to_electric 或 none' }).default('none'),
            status: z.enum(['not_started', 'in_progress', 'converted'], { error: '状态应为 not_started、in_progress 或 converted' }).default('not_started'),
            convertedOn: day.optional(),
          }),
        },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await setGasConversion(tx, req.params.id, req.body, clock.now(), actorOf(req))
          await audit(tx, req, 'gas_conversion.set', 'business', r.businessId, { ...req.body })
          return r
        }),
    )
    app.get('/api/gas-conversions', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '瓶改管、气改电进度' } }, async (req) => gasConversionProgress(db, readable(req)))

    /* commendation */
    app.get('/api/commendations/candidates', { preValidation: can('programme.read'), schema: { ...secured, tags: ['programmes'], summary: '表扬候选单位（标出不再给予政策支持的单位）' } }, async (req) =>
      commendationCandidates(db, clock.now(), readable(req)),
    )
    app.post(
      '/api/commendations',
      {
        preValidation: can('commendation.publish'),
        schema: {
          ...secured,
          tags: ['programmes'],
          summary: '发布通报表扬（推送到各登记群）',
          body: z.object({
            title: z.string({ error: '请填写标题' }).min(2, '标题太短').max(100),
            businessIds: z.array(z.number().int()).min(1, '至少选一个单位'),
            note: z.string().max(500).optional(),
          }),
        },
      },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await publishCommendation(tx, req.body, actorOf(req).name, clock.now(), deps.account?.())
          await audit(tx, req, 'commendation.publish', 'commendation', r.id, { businessIds: r.businessIds })
          return r
        })
        deps.onOutbox?.()
        return reply.code(201).send(row)
      },
    )
  }
}
