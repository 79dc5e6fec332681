import type { FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { formatDate } from '../core/clock.js'
import { recordAudit } from '../services/audit.js'
import { ledgerFilterSchema, ledgerPage, ledgerPageSchema, parseQuery } from '../services/ledger.js'
import { overview, statsTable, statsTableSchema } from '../services/stats.js'
import { sliceOverview } from '../services/registers/slices.js'
import { ledgerCsv, ledgerXlsx, statsTableXlsx } from '../services/exports.js'
import { importBusinesses, readTable } from '../services/import.js'
import { weeklyChart, weeklyChartData } from '../services/charts.js'
import { AppError } from '../core/errors.js'
import multipart from '@fastify/multipart'
import { z } from 'zod'
import { requireAction, actorOf, type ApiActor } from './auth.js'

const secured = { security: [{ bearer: [] }] }
const XLSX = 'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet'

/** `attachment` with a Chinese file name that every browser keeps (RFC 6266 filename*). */
export function attachment(name: string): string {
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/"/g, '')
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name)}`
}

function auditActor(a: ApiActor) {
  return { actorKind: a.personId !== null ? ('person' as const) : ('token' as const), actorId: a.personId ?? a.name, actorName: a.name }
}

/** Filters as given, without the empty ones, for the audit log. */
function given(q: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(q).filter(([, v]) => v !== undefined && v !== ''))
}

/** The ledger, statistics and exports: every route scoped to the actor; every export audited. */
export function ledgerRoutes(deps: {
  db: Db
  config: AppConfig
  clock: Clock
  simulatorMode: boolean
  /** businesses changed: chat caches must forget them */
  onDirectoryChange?: () => void
}): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const photoUrl = (req: FastifyRequest) => {
    const base = `${req.protocol}://${req.host}`
    return (sha: string) => `${base}/api/attachments/${sha}`
  }
  const audit = (req: FastifyRequest, action: string, detail: Record<string, unknown>) =>
    recordAudit(db, { ...auditActor(actorOf(req)), action, targetType: 'ledger', detail, requestId: req.id }, clock.now())

  return async (app) => {
    // in this plugin's scope only
    await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 5 } })

    app.get(
      '/api/ledger',
      {
        preValidation: can('admin.read'),
        schema: {
          ...secured,
          tags: ['ledger'],
          summary: '隐患台账：筛选 status grade category industry townshipId businessId campaign from to q，排序 sort order，分页 page pageSize',
        },
      },
      async (req) => ledgerPage(db, actorOf(req), parseQuery(ledgerPageSchema, req.query), clock.now()),
    )

    for (const format of ['csv', 'xlsx'] as const) {
      app.get(
        `/api/ledger/export.${format}`,
        {
          preValidation: can('ledger.export'),
          schema: { ...secured, tags: ['ledger'], summary: `导出隐患台账（.${format}，筛选同台账）` },
        },
        async (req, reply) => {
          const filter = parseQuery(ledgerFilterSchema, req.query)
          const now = clock.now()
          await audit(req, 'ledger.export', { format, filter: given(req.query as Record<string, unknown>) })
          const opts = { photoUrl: photoUrl(req) }
          const name = `隐患台账-${formatDate(now)}.${format}`
          reply.header('content-disposition', attachment(name)).header('cache-control', 'no-store')
          if (format === 'csv') return reply.type('text/csv; charset=utf-8').send(ledgerCsv(db, actorOf(req), filter, now, opts))
          return reply.type(XLSX).send(ledgerXlsx(db, actorOf(req), filter, now, opts))
        },
      )
    }

    app.get(
      '/api/stats/overview',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['stats'], summary: '总览：未销号、逾期、重大、本月销号、整改率、平均整改天数、分类统计、逾期清单（campaign、zoneId：只算该专项或园区基地）' } },
      async (req) => {
        const slice = await sliceOverview(db, actorOf(req), req.query as Record<string, unknown>, clock.now())
        return slice ?? overview(db, actorOf(req), clock.now())
      },
    )

    app.get(
      '/api/stats/table',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['stats'], summary: '季度/年度隐患统计表（period=2026Q3|2026，by=township|industry；campaign 专项行动名称、zoneId 园区基地：只算其隐患）' } },
      async (req) => statsTable(db, actorOf(req), parseQuery(statsTableSchema, req.query, '统计条件'), clock.now()),
    )

    app.get(
      '/api/stats/table.xlsx',
      { preValidation: can('ledger.export'), schema: { ...secured, tags: ['stats'], summary: '导出隐患统计表（.xlsx）' } },
      async (req, reply) => {
        const q = parseQuery(statsTableSchema, req.query, '统计条件')
        const now = clock.now()
        const t = await statsTable(db, actorOf(req), q, now)
        await audit(req, 'stats.export', { format: 'xlsx', period: q.period, by: q.by, campaign: q.campaign ?? null, zoneId: q.zoneId ?? null })
        const name = `隐患统计表-${t.label}${t.slice ? `-${t.slice.name}` : ''}-${q.by === 'township' ? '按乡镇街' : '按行业'}.xlsx`
        return reply.type(XLSX).header('content-disposition', attachment(name)).send(await statsTableXlsx(t, now))
      },
    )

    app.get(
      '/api/charts/weekly.png',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['stats'], summary: '本周隐患图（近七天发现/销号、类别），PNG' } },
      async (req, reply) => {
        const png = await weeklyChart(await weeklyChartData(db, actorOf(req), clock.now()))
        return reply.type('image/png').header('cache-control', 'private, max-age=300').send(png)
      },
    )

    app.post(
      '/api/businesses/import',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['directory'],
          summary: '批量导入经营主体（multipart 字段 file：.xlsx 或 .csv；?dryRun=1 只校验）。全部通过才导入，否则逐行报告',
          querystring: z.object({ dryRun: z.enum(['1', '0', 'true', 'false']).optional() }),
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError('usage', '请用 multipart/form-data 上传，文件放在 file 字段')
        const part = await req.file()
        if (!part || part.fieldname !== 'file') throw new AppError('usage', '没有收到文件：请把 .xlsx 或 .csv 文件放在 file 字段上传')
        const bytes = await part.toBuffer()
        const table = await readTable(bytes, part.filename)
        const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true'
        const a = actorOf(req)
        const r = await importBusinesses(db, table, { dryRun, now: clock.now(), audit: { ...auditActor(a), requestId: req.id, fileName: part.filename } })
        if (r.created) deps.onDirectoryChange?.()
        const message = r.ok
          ? dryRun
            ? `校验通过：${r.valid} 个单位可以导入`
            : `已导入 ${r.created} 个单位`
          : `有 ${r.errors.length} 行需要修改（第 ${r.errors.slice(0, 5).map((e) => e.row).join('、')}${r.errors.length > 5 ? '…' : ''} 行），整批未导入`
        return reply.code(r.ok ? 200 : 422).send({ ...r, message })
      },
    )
  }
}
