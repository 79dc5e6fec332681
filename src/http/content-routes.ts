import { z } from 'zod'
import { and, eq } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import type { Channel } from '../channels/types.js'
import { AppError } from '../core/errors.js'
import { INDUSTRIES } from '../core/domain.js'
import { DATED_KEYS, PERIOD_KEYS, PERIODS, isDate, keyPeriods, daysBetween } from '../core/calendar.js'
import { addItem, calendarOverrides, editItem, listItems } from '../services/content.js'
import { matchAlert, ALERT_NAMES, pushWeatherAlert } from '../services/alerts.js'
import { findTownship, WHOLE_CITY } from '../services/directory.js'
import { requireAction, actorOf } from './auth.js'

const secured = { security: [{ bearer: [] }] }
const kind = z.enum(['tip', 'case', 'period', 'duty', 'alert'])
const industries = z.array(z.enum(Object.keys(INDUSTRIES) as [string, ...string[]])).max(8)
const seasons = z.array(z.enum(PERIOD_KEYS)).max(11)
const date = z.string().refine(isDate, '日期格式为 YYYY-MM-DD')
const datedKey = z.enum(DATED_KEYS)
const year = z.coerce.number().int().min(2024).max(2100)

/** The content library, the calendar's dates, the duty rosters and weather alerts. */
export function contentRoutes(deps: {
  db: Db
  config: AppConfig
  clock: Clock
  channel: Channel
  simulatorMode: boolean
  onOutbox?: () => void
}): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  return async (app) => {
    app.get(
      '/api/content',
      {
        preValidation: can('admin.read'),
        schema: { ...secured, tags: ['content'], summary: '内容库（安全提示、警示案例、时段提醒、预警文字）', querystring: z.object({ kind: kind.optional(), active: z.enum(['true', 'false']).optional() }) },
      },
      async (req) => listItems(db, { kind: req.query.kind, active: req.query.active === undefined ? undefined : req.query.active === 'true' }),
    )

    app.post(
      '/api/content',
      {
        preValidation: can('content.manage'),
        schema: {
          ...secured,
          tags: ['content'],
          summary: '新增内容',
          body: z.object({
            kind,
            title: z.string().trim().min(1).max(60),
            body: z.string().trim().min(4).max(2000),
            industries: industries.default([]),
            seasons: seasons.default([]),
            focus: z.array(z.string().max(20)).max(10).default([]),
            key: z.string().regex(/^[a-z]+:[a-z0-9_-]{2,60}$/, '标识形如 tip:my-tip').optional(),
          }),
        },
      },
      async (req, reply) => reply.code(201).send(await addItem(db, req.body, clock.now())),
    )

    app.patch(
      '/api/content/:id',
      {
        preValidation: can('content.manage'),
        schema: {
          ...secured,
          tags: ['content'],
          summary: '修改内容（修改后启动时不再被内置内容覆盖）',
          params: z.object({ id: z.coerce.number().int() }),
          body: z
            .object({
              title: z.string().trim().min(1).max(60),
              body: z.string().trim().min(4).max(2000),
              industries,
              seasons,
              focus: z.array(z.string().max(20)).max(10),
              active: z.boolean(),
            })
            .partial()
            .refine((b) => Object.keys(b).length > 0, '至少修改一项'),
        },
      },
      async (req) => editItem(db, req.params.id, req.body, clock.now()),
    )

    app.post(
      '/api/content/:id/retire',
      { preValidation: can('content.manage'), schema: { ...secured, tags: ['content'], summary: '停用内容（不再轮换推送）', params: z.object({ id: z.coerce.number().int() }) } },
      async (req) => editItem(db, req.params.id, { active: false }, clock.now()),
    )

    app.get(
      '/api/calendar',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['content'], summary: '某年的重点时段（含日期来源）', querystring: z.object({ year: year.optional() }) } },
      async (req) => {
        const y = req.query.year ?? Number(clock.now().toISOString().slice(0, 4))
        return keyPeriods(y, await calendarOverrides(db))
      },
    )

    app.put(
      '/api/calendar/:key/:year',
      {
        preValidation: can('content.manage'),
        schema: {
          ...secured,
          tags: ['content'],
          summary: '设置节假日放假日期或两会日期（覆盖默认和日历库）',
          params: z.object({ key: datedKey, year }),
          body: z.object({ start: date, end: date }),
        },
      },
      async (req) => {
        const { key, year: y } = req.params
        const { start, end } = req.body
        const span = daysBetween(start, end)
        if (span < 0 || span > 30) throw new AppError('usage', '结束日期须不早于开始日期，且不超过31天')
        if (Math.abs(Number(start.slice(0, 4)) - y) > 1) throw new AppError('usage', `日期须在${y}年前后`)
        const [row] = await db
          .insert(schema.calendarDates)
          .values({ key, year: y, start, end, source: 'bureau', updatedAt: clock.now() })
          .onConflictDoUpdate({ target: [schema.calendarDates.key, schema.calendarDates.year], set: { start, end, source: 'bureau', updatedAt: clock.now() } })
          .returning()
        req.log.info({ key, year: y, start, end, by: actorOf(req).name }, 'calendar dates set')
        return { ...row, name: PERIODS[key].name }
      },
    )

    app.delete(
      '/api/calendar/:key/:year',
      { preValidation: can('content.manage'), schema: { ...secured, tags: ['content'], summary: '撤销设置，恢复默认日期', params: z.object({ key: datedKey, year }) } },
      async (req) => {
        const r = await db
          .delete(schema.calendarDates)
          .where(and(eq(schema.calendarDates.key, req.params.key), eq(schema.calendarDates.year, req.params.year)))
          .returning()
        if (!r.length) throw new AppError('not_found', '这一年没有设置过这个时段的日期')
        return { removed: r.length }
      },
    )

    app.get(
      '/api/duty-rosters',
      { preValidation: can('admin.read'), schema: { ...secured, tags: ['content'], summary: '值班表' } },
      async () => db.select().from(schema.dutyRosters).orderBy(schema.dutyRosters.year, schema.dutyRosters.periodKey),
    )

    app.put(
      '/api/duty-rosters/:key/:year',
      {
        preValidation: can('content.manage'),
        schema: {
          ...secured,
          tags: ['content'],
          summary: '设置节日24小时值班表（节前一天随值班通知推送）',
          params: z.object({ key: z.enum(['new_year', 'spring_festival', 'labour_day', 'national_day']), year }),
          body: z.object({ text: z.string().trim().min(4).max(1500) }),
        },
      },
      async (req) => {
        const { key, year: y } = req.params
        const by = actorOf(req).name
        const [row] = await db
          .insert(schema.dutyRosters)
          .values({ periodKey: key, year: y, text: req.body.text, updatedBy: by, updatedAt: clock.now() })
          .onConflictDoUpdate({ target: [schema.dutyRosters.periodKey, schema.dutyRosters.year], set: { text: req.body.text, updatedBy: by, updatedAt: clock.now() } })
          .returning()
        return row
      },
    )

    app.post(
      '/api/alerts/weather',
      {
        preValidation: can('alert.weather'),
        schema: {
          ...secured,
          tags: ['content'],
          summary: '发布极端天气预警：立即（紧急）推送到相关群',
          body: z.object({ type: z.string().min(1).max(10), township: z.string().max(40).optional() }),
        },
      },
      async (req, reply) => {
        const alert = matchAlert(req.body.type)
        if (!alert) throw new AppError('usage', `没有“${req.body.type}”这种预警。可选：${ALERT_NAMES.join('、')}`)
        const actor = actorOf(req)
        let townshipId: number | undefined
        const area = req.body.township
        if (area && !WHOLE_CITY.includes(area)) {
          const t = await findTownship(db, area)
          if (!t) throw new AppError('not_found', `没有找到乡镇“${area}”`)
          townshipId = t.id
        }
        if (actor.townshipId !== null) {
          if (townshipId !== undefined && townshipId !== actor.townshipId) throw new AppError('forbidden', '只能向您负责的乡镇发布预警')
          townshipId = actor.townshipId
        }
        const r = await db.transaction((tx) => pushWeatherAlert(tx, { alert, townshipId, now: clock.now(), fallbackAccount: deps.channel.account() }))
        deps.onOutbox?.()
        req.log.info({ alert, area: r.area, groups: r.groups.length, by: actor.name }, 'weather alert pushed')
        return reply.code(201).send(r)
      },
    )
  }
}
