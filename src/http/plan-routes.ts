import { z } from 'zod'
import { asc } from 'drizzle-orm'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { FastifyReply, FastifyRequest } from 'fastify'
import { schema, type Db, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { formatDate } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { milestoneStages } from '../core/plan.js'
import { recordAudit } from '../services/audit.js'
import { checkCityWide } from '../services/scope.js'
import { activePlans, choosePlan, endOfDateParam, listPlans, planByKey, PlanFileError, planTargets, savePlan, setPlanActive } from '../services/plans.js'
import { requireAction, actorOf } from './auth.js'
import { day, file, saveFile } from './programme-routes.js'

const secured = { security: [{ bearer: [] }] }
/** a plan's key as plan files name it */
export const planKey = z.string().regex(/^[a-z][a-z0-9_.-]{1,59}$/, '规划编号不对')

/**
 * Plans as data: list, read, upload, replace and (de)activate plan files (admins), the targets of the chosen plan at
 * any day, and the milestones that prove its stages.
 */
export function planRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  const audit = (tx: Tx, req: FastifyRequest, action: string, targetType: string, targetId: string | number | null, detail?: Record<string, unknown>) =>
    recordAudit(tx, { actorKind: 'token', actorName: actorOf(req).name, action, targetType, targetId, detail, requestId: req.id }, clock.now())
  /** a refused plan file answers every problem, not only the first */
  const refused = (reply: FastifyReply, err: unknown) => {
    if (err instanceof PlanFileError) return reply.code(400).send({ error: 'usage', message: err.userMessage, details: err.details })
    throw err
  }

  return async (app) => {
    app.get('/api/plans', { preValidation: can('programme.read'), schema: { ...secured, tags: ['plans'], summary: '规划列表（含未启用的）' } }, async () => listPlans(db))

    app.get(
      '/api/plans/:key',
      { preValidation: can('programme.read'), schema: { ...secured, tags: ['plans'], summary: '规划文件（JSON）', params: z.object({ key: planKey }) } },
      async (req) => planByKey(db, req.params.key),
    )

    const upload = (replace: boolean) => async (req: FastifyRequest, reply: FastifyReply) => {
      const key = (req.params as { key?: string }).key
      const body = req.body as { key?: unknown } | undefined
      if (!body || typeof body !== 'object') throw new AppError('usage', '请以 JSON 上传规划文件（格式见 db/plans/ 里的示例）')
      if (replace && body.key !== key) throw new AppError('usage', `文件里的编号（key）应为 ${key}`)
      try {
        const r = await db.transaction(async (tx) => {
          const saved = await savePlan(tx, body, actorOf(req).name, clock.now(), { replace })
          await audit(tx, req, replace ? 'plan.replace' : 'plan.upload', 'plan', saved.plan.key, { title: saved.plan.title, targets: saved.plan.targets.length })
          return saved
        })
        return reply.code(replace ? 200 : 201).send({ key: r.plan.key, title: r.plan.title, targets: r.plan.targets.length, active: true })
      } catch (err) {
        return refused(reply, err)
      }
    }
    app.post('/api/plans', { preValidation: can('admin.manage'), schema: { ...secured, tags: ['plans'], summary: '上传新规划文件（校验后保存并启用）' } }, upload(false))
    app.put(
      '/api/plans/:key',
      { preValidation: can('admin.manage'), schema: { ...secured, tags: ['plans'], summary: '替换规划文件（编号不变）', params: z.object({ key: planKey }) } },
      upload(true),
    )
    app.patch(
      '/api/plans/:key',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['plans'], summary: '启用或停用规划', params: z.object({ key: planKey }), body: z.object({ active: z.boolean({ error: 'active 应为 true 或 false' }) }) },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const r = await setPlanActive(tx, req.params.key, req.body.active, actorOf(req).name, clock.now())
          await audit(tx, req, req.body.active ? 'plan.activate' : 'plan.deactivate', 'plan', r.key)
          return r
        }),
    )

    app.get(
      '/api/plan/targets',
      {
        preValidation: can('programme.read'),
        schema: {
          ...secured,
          tags: ['plans'],
          summary: '规划目标：进度、期限、状态（plan 不写时用当天在执行的规划）',
          querystring: z.object({ at: day.optional(), plan: planKey.optional() }),
        },
      },
      async (req) => {
        const at = req.query.at ? endOfDateParam(req.query.at) : clock.now()
        const plan = await choosePlan(db, req.query.plan, at)
        const choices = (await listPlans(db)).filter((p) => p.active || p.key === plan.key)
        return {
          at: formatDate(at),
          plan: { key: plan.key, title: plan.title, region: plan.region, from: plan.from, to: plan.to },
          plans: choices.map((p) => ({ key: p.key, title: p.title, from: p.from, to: p.to, active: p.active })),
          targets: await planTargets(db, plan, at, actorOf(req)),
        }
      },
    )

    app.post(
      '/api/plan/milestones',
      {
        preValidation: can('programme.manage'),
        schema: {
          ...secured,
          tags: ['plans'],
          summary: '登记里程碑（须附证明材料；目标和年份须是启用的规划里的阶段）',
          body: z.object({
            targetKey: z.string({ error: '请写目标编号' }).min(2).max(60),
            year: z.number({ error: '年份应为数字' }).int().min(2000, '年份不对').max(2100, '年份不对'),
            achievedOn: day,
            title: z.string({ error: '请填写名称' }).min(2, '名称太短').max(200),
            evidence: file,
          }),
        },
      },
      async (req, reply) => {
        const b = req.body
        checkCityWide(actorOf(req), 'programme.manage')
        const stages = (await activePlans(db)).flatMap(milestoneStages)
        if (!stages.some((s) => s.targetKey === b.targetKey && s.year === b.year)) {
          const known = [...new Set(stages.map((s) => `${s.targetKey} ${s.year}`))].join('、')
          throw new AppError('usage', `启用的规划里没有这一阶段：${b.targetKey} ${b.year}。可登记：${known || '（无）'}`)
        }
        const row = await db.transaction(async (tx) => {
          const sha = await saveFile(tx, b.evidence)
          const [r] = await tx
            .insert(schema.planMilestones)
            .values({ targetKey: b.targetKey, year: b.year, achievedOn: b.achievedOn, title: b.title, evidenceSha256: sha, evidenceName: b.evidence.name ?? null, recordedBy: actorOf(req).name })
            .onConflictDoNothing()
            .returning()
          if (!r) throw new AppError('conflict', '这一阶段的里程碑已登记过')
          await audit(tx, req, 'milestone.record', 'plan_milestone', r.id, { targetKey: b.targetKey, year: b.year })
          return r
        })
        return reply.code(201).send(row)
      },
    )
    app.get('/api/plan/milestones', { preValidation: can('programme.read'), schema: { ...secured, tags: ['plans'], summary: '已登记的里程碑' } }, async () =>
      db.select().from(schema.planMilestones).orderBy(asc(schema.planMilestones.targetKey), asc(schema.planMilestones.year)),
    )
  }
}
