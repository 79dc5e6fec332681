import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import { eq } from 'drizzle-orm'
import { schema, type Db, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { checkBusinesses } from '../services/scope.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { CATEGORIES, INDUSTRIES, type Category, type Industry } from '../core/domain.js'
import { recordAudit } from '../services/audit.js'
import { campaignFigures, createCampaign, linkInspection, listCampaigns, updateCampaign } from '../services/registers/campaigns.js'
import { day } from './programme-routes.js'
import { correctAccident, deleteAccident, listAccidents, recordAccident } from '../services/registers/accidents.js'
import { businessReach } from '../services/scope.js'
import { createLicence, listLicences, updateLicence } from '../services/registers/licences.js'
import { formatDate } from '../core/clock.js'
import { createZone, listZones, updateZone, zoneRecord, zoneRecordXlsx } from '../services/registers/zones.js'
import { attachment } from './ledger-routes.js'
import type { Channel } from '../channels/types.js'
import multipart from '@fastify/multipart'
import { hazardTemplateXlsx, importHazardHistory, readHistoryTable, type HistoryImportResult } from '../services/registers/history-import.js'
import { HISTORY_KINDS, historyExportXlsx, historyKindOf, historyLabel, historyTemplateXlsx, historyUnit, importHistory } from '../services/registers/history-records.js'
import { editRegulation, listRegulations, pushRegulation } from '../services/registers/regulations.js'
import { approvalRequired, decide, issue, listIssues, setApprovalRequired } from '../services/registers/associations.js'
import type { Sender } from '../services/notices.js'
import { drillCoverage, listDrills, recordDrillFor, updateDrill } from '../services/registers/drills.js'
import { requireAction, actorOf } from './auth.js'
import { POLICY_PROGRAMMES, listPolicySupports, policySupportFigures, recordPolicySupport, updatePolicySupport, type PolicyProgramme } from '../services/registers/policy-supports.js'
import { PUBLICITY_KINDS, listPublicity, publicitySummary, recordPublicity, updatePublicity, type PublicityKind } from '../services/registers/publicity.js'

const secured = { security: [{ bearer: [] }] }
const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]], { error: '行业不对，可选：' + Object.keys(INDUSTRIES).join('、') })
const category = z.enum(Object.keys(CATEGORIES) as [Category, ...Category[]], { error: '类别不对，可选：' + Object.keys(CATEGORIES).join('、') })
const id = z.object({ id: z.coerce.number({ error: '编号应为数字' }).int().positive('编号应为正整数') })

const year = z.coerce.number({ error: '年份应为数字' }).int().min(2000, '年份不对').max(2100, '年份不对')
const accidentBody = z.object({
  businessId: z.number({ error: '请填写单位编号 businessId' }).int().positive(),
  occurredOn: day,
  level: z.enum(['general', 'larger', 'major', 'especially_major'], { error: '等级应为 general（一般）、larger（较大）、major（重大）或 especially_major（特别重大）' }),
  description: z.string({ error: '请填写事故情况' }).trim().min(2, '事故情况太短').max(500),
  sourceDepartment: z.string({ error: '请填写来源部门' }).trim().min(2, '来源部门太短').max(60),
  sourceDocument: z.string({ error: '请填写文书编号' }).trim().min(2, '文书编号太短').max(100),
  refusedRectification: z.boolean().default(false),
})

const licenceBody = z.object({
  kind: z.enum(['refined_oil_retail', 'scrap_vehicle_recycling'], { error: '许可种类应为 refined_oil_retail（成品油零售经营批准证书）或 scrap_vehicle_recycling（报废机动车回收拆解企业资质认定）' }),
  number: z.string({ error: '请填写证书编号' }).trim().min(2, '证书编号太短').max(60),
  businessId: z.number({ error: '请填写单位编号 businessId' }).int().positive(),
  holder: z.string({ error: '请填写持证单位（证上名称）' }).trim().min(2, '持证单位太短').max(100),
  scope: z.string().trim().max(200).nullable().optional(),
  validUntil: day,
  revokedOn: day.nullable().optional(),
})

const drillBody = z.object({
  businessId: z.number({ error: '请填写单位编号 businessId' }).int().positive(),
  kind: z.string({ error: '请填写演练名称' }).trim().min(2, '演练名称太短').max(40, '演练名称太长'),
  heldOn: day,
  participants: z.number().int().min(1, '参加人数不对').max(100000).nullable().default(null),
  note: z.string().trim().max(500).nullable().optional(),
})

const zoneBody = z.object({
  name: z.string({ error: '请填写名称' }).trim().min(2, '名称太短').max(60, '名称太长'),
  kind: z.enum(['development_zone', 'foreign_trade_base', 'ecommerce_base', 'other'], { error: '类型应为 development_zone（经济开发区）、foreign_trade_base（外贸转型升级基地）、ecommerce_base（电子商务示范基地）或 other' }),
  townshipId: z.number().int().positive().nullable().optional(),
  note: z.string().trim().max(500).nullable().optional(),
  businessIds: z.array(z.number().int().positive()).max(2000).default([]),
})
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

const programme = z.enum(Object.keys(POLICY_PROGRAMMES) as [PolicyProgramme, ...PolicyProgramme[]], {
  error: '政策应为：' + Object.entries(POLICY_PROGRAMMES).map(([k, v]) => `${k}（${v}）`).join('、'),
})
const policySupportBody = z.object({
  programme,
  title: z.string({ error: '请填写政策或项目名称' }).trim().min(2, '名称太短').max(60, '名称太长'),
  businessId: z.number({ error: '请填写单位编号 businessId' }).int().positive(),
  safetyRequirement: z.string({ error: '请填写其中的安全生产要求' }).trim().min(4, '安全生产要求太短').max(500, '安全生产要求最多500字'),
  document: z.string().trim().max(100).nullable().optional(),
  decidedOn: day,
  outcome: z.enum(['supported', 'refused'], { error: '结果应为 supported（支持）或 refused（不予支持）' }),
  reason: z.string().trim().max(500).nullable().optional(),
})
const publicityKind = z.enum(Object.keys(PUBLICITY_KINDS) as [PublicityKind, ...PublicityKind[]], {
  error: '类型应为：' + Object.entries(PUBLICITY_KINDS).map(([k, v]) => `${k}（${v}）`).join('、'),
})
const publicityBody = z.object({
  kind: publicityKind,
  title: z.string({ error: '请填写活动名称' }).trim().min(2, '活动名称太短').max(60, '活动名称太长'),
  heldOn: day,
  townshipId: z.number().int().positive().nullable().optional(),
  businessId: z.number().int().positive().nullable().optional(),
  organiser: z.string({ error: '请填写主办单位' }).trim().min(2, '主办单位太短').max(60, '主办单位太长'),
  place: z.string().trim().max(100).nullable().optional(),
  forms: z.array(z.string().trim().max(10)).max(12).default([]),
  reach: z.number().int().min(0, '覆盖人数不对').max(10_000_000).nullable().optional(),
  note: z.string().trim().max(500).nullable().optional(),
})

/** What an import (or its dry run) says, short: how many come in, how many were there already, or which rows to fix. */
function importMessage(r: HistoryImportResult, checkedUnit: string, doneUnit: string): string {
  const there = r.skipped ? `，${r.skipped} 行系统里已有（跳过）` : ''
  if (!r.ok) return `有 ${r.errors.length} 行需要修改（第 ${r.errors.slice(0, 5).map((e) => e.row).join('、')}${r.errors.length > 5 ? '…' : ''} 行），整批未导入`
  if (r.dryRun) return `校验通过：${r.valid} ${checkedUnit}可以导入${there}`
  return r.created ? `已导入 ${r.created} ${doneUnit}${there}` : `没有新的记录：${r.skipped} 行系统里都已有`
}

const instant = z.iso.datetime({ offset: true, error: '时间格式应为 2026-12-10T09:00:00+08:00' }).transform((v) => new Date(v))
const issueBody = z.object({
  kind: z.enum(['initiative', 'risk_reminder', 'training'], { error: '类型应为 initiative（自律倡议）、risk_reminder（风险提醒）或 training（公益培训）' }),
  title: z.string({ error: '请填写标题' }).trim().min(2, '标题太短').max(60, '标题太长'),
  body: z.string({ error: '请填写内容' }).trim().min(4, '内容太短').max(1500, '内容太长（最多1500字）'),
  industries: z.array(industry).default([]),
  startsAt: instant.optional(),
  endsAt: instant.optional(),
  place: z.string().trim().max(100).optional(),
  link: z.url({ error: '线上链接格式不对' }).optional(),
})

const campaignBody = z.object({
  name: z.string({ error: '请填写专项行动名称' }).trim().min(2, '名称太短').max(60, '名称太长'),
  shortName: z.string({ error: '请填写简称（群里写“专项:简称”）' }).trim().min(1, '请填写简称').max(12, '简称最多12个字'),
  startsOn: day,
  endsOn: day,
  industries: z.array(industry).default([]),
  categories: z.array(category).default([]),
})

/**
 * The plan's registers (issue 16): campaigns, accidents, licences, drills, zones, associations, regulations.
 * Routes keep to the caller's reach as the programme API does (src/services/scope.ts); every change is audited.
 */
export function registerRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean; channel: Channel; onOutbox?: () => void }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const audit = (tx: Tx, req: FastifyRequest, action: string, targetType: string, targetId: string | number | null, detail?: Record<string, unknown>) => {
    const a = actorOf(req)
    return recordAudit(
      tx,
      { actorKind: a.personId !== null ? 'person' : 'token', actorId: a.personId ?? a.name, actorName: a.name, action, targetType, targetId, detail, requestId: req.id },
      clock.now(),
    )
  }

  const who = (req: FastifyRequest) => {
    const a = actorOf(req)
    return { actorKind: a.personId !== null ? ('person' as const) : ('token' as const), actorId: a.personId ?? a.name, actorName: a.name, requestId: req.id }
  }

  const sender = (req: FastifyRequest): Sender => ({
    channel: deps.channel.name,
    account: deps.channel.account(),
    listMembers: deps.channel.listMembers
      ? (chat) =>
          deps.channel.listMembers!(chat).catch((err: unknown) => {
            req.log.warn({ err }, 'could not list group members')
            return []
          })
      : undefined,
  })
  const issueDeps = (req: FastifyRequest) => {
    const w = who(req)
    return { db, sender: sender(req), who: { kind: w.actorKind, id: w.actorId, name: w.actorName, requestId: req.id }, now: clock.now() }
  }

  return async (app) => {
    // in this plugin's scope only
    await app.register(multipart, { limits: { fileSize: 20 * 1024 * 1024, files: 1, fields: 5 } })

    /* the years before this system: import the bureau's Excel ledgers (all-or-nothing per file) */
    app.get('/api/import/templates/hazards.xlsx', { preValidation: can('admin.read'), schema: { ...secured, tags: ['registers'], summary: '历史隐患台账导入模板（.xlsx）' } }, async (_req, reply) =>
      reply.type(XLSX).header('content-disposition', attachment('历史隐患台账导入模板.xlsx')).send(await hazardTemplateXlsx()),
    )
    app.post(
      '/api/import/hazards',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['registers'],
          summary: '导入2024–2026年的历史隐患台账（multipart 字段 file：.xlsx 或 .csv，台账导出的文件可直接导入；?dryRun=1 只校验）。全部通过才导入，否则逐行报告',
          querystring: z.object({ dryRun: z.enum(['1', '0', 'true', 'false']).optional() }),
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError('usage', '请用 multipart/form-data 上传，文件放在 file 字段')
        const part = await req.file()
        if (!part || part.fieldname !== 'file') throw new AppError('usage', '没有收到文件：请把 .xlsx 或 .csv 文件放在 file 字段上传')
        const table = await readHistoryTable(await part.toBuffer(), part.filename)
        const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true'
        const w = who(req)
        const r = await importHazardHistory(db, table, { dryRun, now: clock.now(), audit: { ...w, fileName: part.filename } })
        return reply.code(r.ok ? 200 : 422).send({ ...r, message: importMessage(r, '条隐患', '条历史隐患') })
      },
    )
    const kindParam = z.object({ kind: z.enum(HISTORY_KINDS, { error: `可导入：${HISTORY_KINDS.join('、')}` }) })
    app.get(
      '/api/import/history/:kind/template.xlsx',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['registers'], summary: '历史记录导入模板（.xlsx）：inspections 专项检查、trainings 培训签到、selfchecks 自查记录、responsibility 全员安全生产责任制', params: kindParam } },
      async (req, reply) => {
        const kind = historyKindOf(req.params.kind)
        return reply.type(XLSX).header('content-disposition', attachment(`历史${historyLabel(kind)}导入模板.xlsx`)).send(await historyTemplateXlsx(kind))
      },
    )
    app.get(
      '/api/import/history/:kind/export.xlsx',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['registers'], summary: '把系统里的专项检查、培训签到、自查记录或责任制按导入模板导出（.xlsx，可导入另一套系统）', params: kindParam },
      },
      async (req, reply) => {
        const kind = historyKindOf(req.params.kind)
        const { xlsx, rows } = await historyExportXlsx(db, kind)
        await db.transaction((tx) => audit(tx, req, `history.export.${kind}`, kind, null, { rows }))
        return reply.type(XLSX).header('content-disposition', attachment(`${historyLabel(kind)}-导出.xlsx`)).send(xlsx)
      },
    )
    app.post(
      '/api/import/history/:kind',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['registers'],
          summary: '导入2024–2026年的历史专项检查、培训签到、自查记录或责任制（multipart 字段 file；?dryRun=1 只校验）。全部通过才导入，否则逐行报告；已有的记录跳过',
          params: kindParam,
          querystring: z.object({ dryRun: z.enum(['1', '0', 'true', 'false']).optional() }),
        },
      },
      async (req, reply) => {
        const kind = historyKindOf(req.params.kind)
        if (!req.isMultipart()) throw new AppError('usage', '请用 multipart/form-data 上传，文件放在 file 字段')
        const part = await req.file()
        if (!part || part.fieldname !== 'file') throw new AppError('usage', '没有收到文件：请把 .xlsx 或 .csv 文件放在 file 字段上传')
        const table = await readHistoryTable(await part.toBuffer(), part.filename)
        const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true'
        const r = await importHistory(db, kind, table, { dryRun, now: clock.now(), audit: { ...who(req), fileName: part.filename } })
        const unit = `${historyUnit(kind)}${historyLabel(kind)}`
        return reply.code(r.ok ? 200 : 422).send({ ...r, message: importMessage(r, unit, unit) })
      },
    )

    /* regulations and standards promotion (法规标准宣贯): drafts 待核 until a bureau user confirms them */
    app.get('/api/regulations', { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '法规标准宣贯条目（待核/已确认/停用）' } }, async () => listRegulations(db))
    app.put(
      '/api/regulations/:id',
      {
        preValidation: can('content.manage'),
        schema: {
          ...secured,
          tags: ['registers'],
          summary: '核对、修改宣贯条目；status=confirmed 即确认（之后才会推送），retired 停用',
          params: id,
          body: z.object({
            title: z.string().trim().min(2, '标题太短').max(60).optional(),
            body: z.string().trim().min(10, '内容太短').max(600, '内容太长（最多600字）').optional(),
            industries: z.array(industry).optional(),
            status: z.enum(['draft', 'confirmed', 'retired'], { error: '状态应为 draft、confirmed 或 retired' }).optional(),
          }),
        },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await editRegulation(tx, req.params.id, req.body, actorOf(req).name, clock.now())
          await audit(tx, req, 'regulation.edit', 'regulation', req.params.id, { before: { status: r.before.status, title: r.before.title }, after: { status: r.after.status, title: r.after.title }, textChanged: r.before.body !== r.after.body })
          return r.after
        }),
    )
    app.post(
      '/api/regulations/:id/push',
      { preValidation: can('content.manage'), schema: { ...secured, tags: ['registers'], summary: '立即推送一条已确认的宣贯条目到相关行业的群', params: id } },
      async (req) => {
        const r = await db.transaction(async (tx) => {
          const x = await pushRegulation(tx, req.params.id, clock.now(), deps.channel.account())
          await audit(tx, req, 'regulation.push', 'regulation', req.params.id, { groups: x.groups })
          return x
        })
        deps.onOutbox?.()
        return r
      },
    )

    /* associations act (自律倡议、风险提醒 through notices; 公益培训 through trainings) */
    app.get('/api/association-issues', { preValidation: can('help'), schema: { ...secured, tags: ['registers'], summary: '协会发布的倡议、风险提醒、公益培训（协会看自己的，局里看全部）' } }, async (req) => ({
      approvalRequired: await approvalRequired(db),
      items: await listIssues(db, actorOf(req)),
    }))
    app.post(
      '/api/association-issues',
      { preValidation: can('association.issue'), schema: { ...secured, tags: ['registers'], summary: '行业协会发布自律倡议、风险提醒（发到本行业的群，要求回复收到）或公益培训（报名、签到）；局里要求审核时先待审', body: issueBody } },
      async (req, reply) => {
        const r = await issue(issueDeps(req), actorOf(req), req.body)
        deps.onOutbox?.()
        return reply.code(r.status === 'pending' ? 202 : 201).send(r)
      },
    )
    app.post(
      '/api/association-issues/:id/decision',
      {
        preValidation: can('association.approve'),
        schema: { ...secured, tags: ['registers'], summary: '审核协会发布：approve 即发出，reject 退回', params: id, body: z.object({ decision: z.enum(['approve', 'reject'], { error: '结论应为 approve 或 reject' }), note: z.string().trim().max(200).optional() }) },
      },
      async (req) => {
        const r = await decide(issueDeps(req), actorOf(req), req.params.id, req.body.decision, req.body.note)
        deps.onOutbox?.()
        return r
      },
    )
    app.put(
      '/api/association-issues/approval',
      { preValidation: can('association.approve'), schema: { ...secured, tags: ['registers'], summary: '是否要求协会发布先经局里审核', body: z.object({ required: z.boolean({ error: 'required 应为 true 或 false' }) }) } },
      async (req) =>
        db.transaction(async (tx) => {
          await setApprovalRequired(tx, req.body.required, actorOf(req).name, clock.now())
          await audit(tx, req, 'association.approval_setting', 'setting', 'association_approval', { required: req.body.required })
          return { approvalRequired: req.body.required }
        }),
    )

    /* accidents (安全生产事故) → automatic exclusion list entries */
    app.get(
      '/api/accidents',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '事故记录（本辖区单位）', querystring: z.object({ businessId: z.coerce.number().int().optional(), year: year.optional() }) } },
      async (req) => listAccidents(db, businessReach(actorOf(req), 'programme.read'), req.query),
    )
    app.post(
      '/api/accidents',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记事故（较大及以上或拒绝整改：自动列入不再给予政策支持名单）', body: accidentBody } },
      async (req, reply) => reply.code(201).send(await db.transaction((tx) => recordAccident(tx, req.body, actorOf(req), who(req), clock.now()))),
    )
    app.put(
      '/api/accidents/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '更正事故记录（自动名单随之更新或解除）', params: id, body: accidentBody } },
      async (req) => db.transaction((tx) => correctAccident(tx, req.params.id, req.body, actorOf(req), who(req), clock.now())),
    )
    app.delete(
      '/api/accidents/:id',
      {
        preValidation: can('programme.manage'),
        schema: { ...secured, tags: ['registers'], summary: '删除事故记录（自动名单随之解除；记录保留并留痕）', params: id, body: z.object({ why: z.string({ error: '请写删除原因' }).trim().min(2, '请写删除原因').max(200) }) },
      },
      async (req) => db.transaction((tx) => deleteAccident(tx, req.params.id, actorOf(req), who(req), clock.now(), req.body.why)),
    )

    /* licences (成品油零售、报废机动车回收拆解) */
    app.get(
      '/api/licences',
      {
        preValidation: can('programme.read'),
        schema: {
          ...secured,
          tags: ['registers'],
          summary: '许可登记（有效期、状态：有效/即将到期/已过期/已注销）',
          querystring: z.object({ businessId: z.coerce.number().int().optional(), state: z.enum(['valid', 'expiring', 'lapsed', 'revoked']).optional() }),
        },
      },
      async (req) => listLicences(db, formatDate(clock.now()), businessReach(actorOf(req), 'programme.read'), req.query),
    )
    app.post(
      '/api/licences',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记许可证（到期前60/30/7天提醒单位和监管人员）', body: licenceBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await createLicence(tx, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'licence.create', 'licence', r.id, { kind: r.kind, number: r.number, businessId: r.businessId, validUntil: r.validUntil })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/licences/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '更正、延续（新的有效期）或注销许可证', params: id, body: licenceBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const { before, after } = await updateLicence(tx, req.params.id, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'licence.update', 'licence', after.id, { before: { validUntil: before.validUntil, revokedOn: before.revokedOn, number: before.number }, after: { validUntil: after.validUntil, revokedOn: after.revokedOn, number: after.number } })
          return after
        }),
    )

    /* drills (应急演练) */
    app.get(
      '/api/drills',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '应急演练记录（含照片）', querystring: z.object({ businessId: z.coerce.number().int().optional(), year: year.optional() }) } },
      async (req) => listDrills(db, businessReach(actorOf(req), 'programme.read'), req.query),
    )
    app.get(
      '/api/drills/coverage',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '应急演练年度覆盖：按行业，及今年还没有演练的单位', querystring: z.object({ year: year.optional() }) } },
      async (req) => drillCoverage(db, req.query.year ?? Number(formatDate(clock.now()).slice(0, 4)), businessReach(actorOf(req), 'programme.read')),
    )
    app.post(
      '/api/drills',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记应急演练（单位也可在群里发 #演练）', body: drillBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await recordDrillFor(tx, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'drill.record', 'drill', r.id, { businessId: r.businessId, kind: r.kind, heldOn: r.heldOn })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/drills/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '更正应急演练记录', params: id, body: drillBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const { before, after } = await updateDrill(tx, req.params.id, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'drill.update', 'drill', after.id, { before: { kind: before.kind, heldOn: before.heldOn, participants: before.participants }, after: { kind: after.kind, heldOn: after.heldOn, participants: after.participants } })
          return after
        }),
    )

    /* policy measures with their safety requirements (方案 3: 餐饮业高质量发展、老字号示范创建、县域商业体系建设) */
    app.get(
      '/api/policy-supports',
      {
        preValidation: can('programme.read'),
        schema: { ...secured, tags: ['registers'], summary: '产业政策支持记录及其中的安全生产要求（本范围单位的）', querystring: z.object({ programme: programme.optional(), year: year.optional() }) },
      },
      async (req) => listPolicySupports(db, clock.now(), businessReach(actorOf(req), 'programme.read'), req.query),
    )
    app.get(
      '/api/policy-supports/figures',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '产业政策支持：按政策、年度的支持与不予支持数' } },
      async (req) => policySupportFigures(db, businessReach(actorOf(req), 'programme.read')),
    )
    app.post(
      '/api/policy-supports',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记产业政策支持（在不予政策支持名单上的单位不能登记为支持）', body: policySupportBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await recordPolicySupport(tx, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'policy_support.record', 'policy_support', r.id, { businessId: r.businessId, programme: r.programme, outcome: r.outcome })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/policy-supports/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '更正产业政策支持记录', params: id, body: policySupportBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const { before, after } = await updatePolicySupport(tx, req.params.id, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'policy_support.update', 'policy_support', after.id, { before: { outcome: before.outcome, decidedOn: before.decidedOn, businessId: before.businessId }, after: { outcome: after.outcome, decidedOn: after.decidedOn, businessId: after.businessId } })
          return after
        }),
    )

    /* publicity (方案 12: 安全生产月、安全宣传“五进”、媒体、商业街区大屏标语; 13: 警示教育) */
    app.get(
      '/api/publicity',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '安全生产宣传活动（全市的和本乡镇街的）', querystring: z.object({ kind: publicityKind.optional(), year: year.optional() }) } },
      async (req) => listPublicity(db, actorOf(req), req.query),
    )
    app.get(
      '/api/publicity/summary',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '宣传活动年度汇总：按类型的场次和覆盖人数、“五进”、安全生产月', querystring: z.object({ year: year.optional() }) } },
      async (req) => publicitySummary(db, actorOf(req), req.query.year ?? Number(formatDate(clock.now()).slice(0, 4))),
    )
    app.post(
      '/api/publicity',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记宣传活动（不选乡镇街为全市的活动）', body: publicityBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await recordPublicity(tx, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'publicity.record', 'publicity', r.id, { kind: r.kind, heldOn: r.heldOn, townshipId: r.townshipId })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/publicity/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '更正宣传活动记录', params: id, body: publicityBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const { before, after } = await updatePublicity(tx, req.params.id, req.body, actorOf(req), clock.now())
          await audit(tx, req, 'publicity.update', 'publicity', after.id, { before: { kind: before.kind, heldOn: before.heldOn, reach: before.reach }, after: { kind: after.kind, heldOn: after.heldOn, reach: after.reach } })
          return after
        }),
    )

    /* zones and bases (经济开发区、外贸转型升级基地、电子商务示范基地) */
    app.get('/api/zones', { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '园区基地列表（全市的和本乡镇街的）' } }, async (req) => listZones(db, actorOf(req)))
    app.post(
      '/api/zones',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记园区基地及成员单位', body: zoneBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await createZone(tx, req.body, actorOf(req))
          await audit(tx, req, 'zone.create', 'zone', r.id, { name: r.name, kind: r.kind, businessIds: r.businessIds })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/zones/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '修改园区基地（名称、类型、成员单位）', params: id, body: zoneBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await updateZone(tx, req.params.id, req.body, actorOf(req))
          await audit(tx, req, 'zone.update', 'zone', req.params.id, { before: { name: r.before.name, kind: r.before.kind }, after: { name: r.after.name, kind: r.after.kind }, added: r.added, removed: r.removed })
          return r.after
        }),
    )
    const period = z.object({ from: day.optional(), to: day.optional() })
    const periodOf = (q: { from?: string; to?: string }) => {
      const y = formatDate(clock.now()).slice(0, 4)
      return { from: q.from ?? `${y}-01-01`, to: q.to ?? `${y}-12-31` }
    }
    app.get(
      '/api/zones/:id/record',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '园区基地考核期安全生产情况（隐患分级、逾期、事故、自查/培训/演练覆盖），from/to 默认今年', params: id, querystring: period } },
      async (req) => {
        const p = periodOf(req.query)
        return zoneRecord(db, actorOf(req), req.params.id, p.from, p.to, clock.now())
      },
    )
    app.get(
      '/api/zones/:id/record.xlsx',
      { preValidation: can('ledger.export'), schema: { ...secured, tags: ['registers'], summary: '导出园区基地考核期安全生产情况（.xlsx）', params: id, querystring: period } },
      async (req, reply) => {
        const p = periodOf(req.query)
        const now = clock.now()
        const r = await zoneRecord(db, actorOf(req), req.params.id, p.from, p.to, now)
        await db.transaction((tx) => audit(tx, req, 'zone.export', 'zone', r.zone.id, p))
        return reply
          .type(XLSX)
          .header('content-disposition', attachment(`${r.zone.name}安全生产情况-${p.from}至${p.to}.xlsx`))
          .header('cache-control', 'no-store')
          .send(await zoneRecordXlsx(r, now))
      },
    )

    /* campaigns (专项行动) */
    app.get('/api/campaigns', { preValidation: can('programme.read'), schema: { ...secured, tags: ['registers'], summary: '专项行动列表' } }, async () => listCampaigns(db))
    app.post(
      '/api/campaigns',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '登记专项行动（名称、简称、起止日期、行业、类别）', body: campaignBody } },
      async (req, reply) => {
        const row = await db.transaction(async (tx) => {
          const r = await createCampaign(tx, req.body, actorOf(req))
          await audit(tx, req, 'campaign.create', 'campaign', r.id, { name: r.name, shortName: r.shortName })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.put(
      '/api/campaigns/:id',
      { preValidation: can('programme.manage'), schema: { ...secured, tags: ['registers'], summary: '修改专项行动（改名时其隐患随之改名）', params: id, body: campaignBody } },
      async (req) =>
        db.transaction(async (tx) => {
          const { before, after } = await updateCampaign(tx, req.params.id, req.body, actorOf(req))
          await audit(tx, req, 'campaign.update', 'campaign', after.id, { before: { name: before.name, shortName: before.shortName }, after: { name: after.name, shortName: after.shortName } })
          return after
        }),
    )
    app.get(
      '/api/campaigns/:id/stats',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['registers'], summary: '专项行动的隐患统计（总数、未销号、逾期、重大、整改率，按类别/行业/乡镇街）', params: id } },
      async (req) => campaignFigures(db, actorOf(req), req.params.id, clock.now()),
    )
    app.post(
      '/api/campaigns/:id/inspections',
      {
        preValidation: can('programme.manage'),
        schema: { ...secured, tags: ['registers'], summary: '把一次专项检查归入专项行动：检查登记的隐患自动标记该专项', params: id, body: z.object({ inspectionId: z.number({ error: '请填写专项检查编号 inspectionId' }).int().positive() }) },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const [insp] = await tx.select().from(schema.specialInspections).where(eq(schema.specialInspections.id, req.body.inspectionId))
          if (!insp) throw new AppError('not_found', `没有找到专项检查 ${req.body.inspectionId}`)
          await checkBusinesses(tx, actorOf(req), 'programme.manage', insp.businessIds)
          const tagged = await linkInspection(tx, req.body.inspectionId, req.params.id)
          await audit(tx, req, 'campaign.link_inspection', 'campaign', req.params.id, { inspectionId: req.body.inspectionId, tagged })
          return { campaignId: req.params.id, inspectionId: req.body.inspectionId, tagged }
        }),
    )
  }
}
