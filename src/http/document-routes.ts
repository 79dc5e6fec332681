import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyRequest } from 'fastify'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { recordAudit } from '../services/audit.js'
import { checkCityWide } from '../services/scope.js'
import { choosePlan, plansInForce } from '../services/plans.js'
import { parseQuery } from '../services/ledger.js'
import { statsTableSchema } from '../services/stats.js'
import { summaryDocx } from '../services/documents/summary.js'
import { monthRange, monthlyDocx, previousMonth } from '../services/documents/monthly.js'
import { statsTableDocx } from '../services/documents/stats-table.js'
import { DOCX, listReports, produceMonthlyReport, reportFile } from '../services/reports.js'
import { endOfDate } from '../core/plan.js'
import { requireAction, actorOf } from './auth.js'
import { attachment } from './ledger-routes.js'
import { planKey } from './plan-routes.js'

const secured = { security: [{ bearer: [] }] }
const month = z
  .string({ error: '请写月份，如 2026-11' })
  .regex(/^\d{4}-(0[1-9]|1[0-2])$/, '月份应写成 2026-11')

/**
 * The Word documents: the plan's closing summary and the leaders' monthly report (city-wide, for those who read
 * programmes for the whole city), the hazard statistics table (scoped like the ledger), and the monthly reports
 * kept for download. Every download is audited.
 */
export function documentRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean; account?: () => string | undefined; onOutbox?: () => void }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const base = (req: FastifyRequest) => config.PUBLIC_URL ?? `${req.protocol}://${req.host}`
  const audit = (req: FastifyRequest, action: string, detail: Record<string, unknown>) =>
    recordAudit(db, { actorKind: actorOf(req).personId !== null ? 'person' : 'token', actorId: actorOf(req).personId ?? actorOf(req).name, actorName: actorOf(req).name, action, targetType: 'document', detail, requestId: req.id }, clock.now())

  return async (app) => {
    app.get(
      '/api/documents/summary.docx',
      {
        preValidation: can('programme.read'),
        schema: { ...secured, tags: ['documents'], summary: '规划工作总结（Word，公文格式；plan 不写时用当天在执行的规划）', querystring: z.object({ plan: planKey.optional() }) },
      },
      async (req, reply) => {
        checkCityWide(actorOf(req), 'programme.read')
        const now = clock.now()
        const plan = await choosePlan(db, req.query.plan, now)
        const doc = await summaryDocx(db, { plan, actor: actorOf(req), now, base: base(req) })
        await audit(req, 'document.summary', { plan: plan.key })
        return reply.type(DOCX).header('content-disposition', attachment(`${doc.title}.docx`)).header('cache-control', 'no-store').send(doc.docx)
      },
    )

    app.get(
      '/api/documents/monthly.docx',
      {
        preValidation: can('programme.read'),
        schema: { ...secured, tags: ['documents'], summary: '月度进展报告（Word；month 不写为上个月；plan 不写为当月在执行的全部规划）', querystring: z.object({ month: month.optional(), plan: planKey.optional() }) },
      },
      async (req, reply) => {
        checkCityWide(actorOf(req), 'programme.read')
        const now = clock.now()
        const m = req.query.month ?? previousMonth(now)
        const r = monthRange(m)
        const plans = req.query.plan ? [await choosePlan(db, req.query.plan, endOfDate(r.to))] : await plansInForce(db, r.from, r.to)
        const doc = await monthlyDocx(db, { month: m, plans, actor: actorOf(req), now, base: base(req), issuer: plans[0]?.issuer ?? '市商务局' })
        await audit(req, 'document.monthly', { month: m, plans: plans.map((p) => p.key) })
        return reply.type(DOCX).header('content-disposition', attachment(`${doc.title}.docx`)).header('cache-control', 'no-store').send(doc.docx)
      },
    )

    app.get(
      '/api/stats/table.docx',
      { preValidation: can('ledger.export'), schema: { ...secured, tags: ['stats'], summary: '隐患统计表（Word 表格，period=2026Q3|2026，by=township|industry）' } },
      async (req, reply) => {
        const q = parseQuery(statsTableSchema, req.query, '统计条件')
        const doc = await statsTableDocx(db, actorOf(req), q, clock.now(), base(req))
        await audit(req, 'stats.export', { format: 'docx', period: q.period, by: q.by, campaign: q.campaign ?? null, zoneId: q.zoneId ?? null })
        return reply.type(DOCX).header('content-disposition', attachment(`隐患统计表-${doc.label}${doc.table.slice ? `-${doc.table.slice.name}` : ""}-${q.by === 'township' ? '按乡镇街' : '按行业'}.docx`)).send(doc.docx)
      },
    )

    app.get('/api/reports', { preValidation: can('programme.read'), schema: { ...secured, tags: ['documents'], summary: '已生成的月度进展报告' } }, async (req) => {
      checkCityWide(actorOf(req), 'programme.read')
      return listReports(db)
    })

    app.get(
      '/api/reports/:id/file',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['documents'], summary: '下载报告（Word）', params: z.object({ id: z.coerce.number({ error: '编号应为数字' }).int().positive() }) } },
      async (req, reply) => {
        checkCityWide(actorOf(req), 'programme.read')
        const f = await reportFile(db, req.params.id)
        await audit(req, 'report.download', { id: req.params.id })
        return reply.type(DOCX).header('content-disposition', attachment(`${f.title}.docx`)).header('cache-control', 'no-store').send(f.bytes)
      },
    )

    app.post(
      '/api/reports/monthly',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['documents'],
          summary: '重新生成某月的进展报告并保存（announce=true 时同时发到局领导群）',
          body: z.object({ month, announce: z.boolean().default(false) }),
        },
      },
      async (req, reply) => {
        checkCityWide(actorOf(req), 'programme.manage')
        const now = clock.now()
        const r = await db.transaction((tx) =>
          produceMonthlyReport(tx, { month: req.body.month, now, base: base(req), by: actorOf(req).name, announceTo: req.body.announce ? config.LEADERS_GROUP : undefined, fallbackAccount: deps.account?.() }),
        )
        await audit(req, 'report.generate', { month: req.body.month, announced: r.announced })
        if (r.announced) deps.onOutbox?.()
        return reply.code(201).send({ id: r.report.id, period: r.report.period, title: r.report.title, announced: r.announced, figures: r.report.figures })
      },
    )
  }
}
