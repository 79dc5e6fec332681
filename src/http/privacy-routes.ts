import { z } from 'zod'
import type { FastifyInstance, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { recordAudit, type AuditEntry } from '../services/audit.js'
import { erasePerson, personalData } from '../services/privacy.js'
import { requireAction, actorOf, apiActor } from './auth.js'

const secured = { security: [{ bearer: [] }] }

/** Who the audit log names for an API request. */
function auditActor(req: FastifyRequest, config: AppConfig, simulatorMode: boolean): Pick<AuditEntry, 'actorKind' | 'actorId' | 'actorName'> {
  const a = (actorOf(req) as ReturnType<typeof actorOf> | undefined) ?? apiActor(req, config, simulatorMode)
  if (a?.personId) return { actorKind: 'person', actorId: a.personId, actorName: a.name }
  return { actorKind: req.headers.authorization ? 'token' : 'system', actorId: null, actorName: a?.name ?? '未知' }
}

/** Admin API routes (other files') that show personal data: every successful read is audited. */
const PERSONAL_READS: Record<string, string> = {
  '/api/people': 'person.list',
  '/api/people/:id': 'person.read',
  '/api/bind-codes': 'bind_code.list',
}

/**
 * Audits reads of personal data through any route in PERSONAL_READS, wherever it is defined: a hook on the
 * root instance, so call it before those routes are registered.
 */
export function auditPersonalDataReads(app: FastifyInstance, deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean }): void {
  // before the answer leaves (onSend), so the read is on record by the time the reader has the data
  app.addHook('onSend', async (req, reply, payload) => {
    const action = req.method === 'GET' ? PERSONAL_READS[req.routeOptions.url ?? ''] : undefined
    if (!action || reply.statusCode >= 400) return payload
    const id = (req.params as { id?: string } | undefined)?.id
    try {
      await recordAudit(
        deps.db,
        {
          ...auditActor(req, deps.config, deps.simulatorMode),
          action,
          targetType: 'person',
          targetId: id ?? null,
          detail: { route: req.routeOptions.url, query: req.query as Record<string, unknown> },
          requestId: req.id,
        },
        deps.clock.now(),
      )
    } catch (err) {
      req.log.error({ err, action }, 'could not audit a personal data read')
    }
    return payload
  })
}

/** 个人信息保护法: everything held about one person, and its erasure (admins only; both audited). */
export function privacyRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean; onDirectoryChange?: () => void }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const params = z.object({ id: z.coerce.number().int().min(1) })
  return async (app) => {
    app.get(
      '/api/people/:id/personal-data',
      {
        preValidation: requireAction('privacy.export', config, simulatorMode),
        schema: { ...secured, tags: ['privacy'], summary: '导出某人的全部个人信息（人员、单位、聊天身份、绑定码、上报的隐患、经手的记录、审计记录）', params },
      },
      async (req) =>
        db.transaction(async (tx) => {
          const data = await personalData(tx, req.params.id)
          await recordAudit(
            tx,
            {
              ...auditActor(req, config, simulatorMode),
              action: 'person.export',
              targetType: 'person',
              targetId: req.params.id,
              detail: { hazards: data.hazardsReported.length, events: data.eventsActed.length },
              requestId: req.id,
            },
            clock.now(),
          )
          return { exportedAt: clock.now().toISOString(), ...data }
        }),
    )

    app.post(
      '/api/people/:id/erase',
      {
        preValidation: requireAction('privacy.erase', config, simulatorMode),
        schema: {
          ...secured,
          tags: ['privacy'],
          summary: '删除（匿名化）某人的个人信息：姓名、手机号、聊天身份；隐患台账保留',
          params,
          body: z.object({ reason: z.string().trim().min(2, '请写明删除原因，如“本人申请”').max(200) }),
        },
      },
      async (req) => {
        const now = clock.now()
        const changed = await db.transaction(async (tx) => {
          const r = await erasePerson(tx, req.params.id, now)
          // the log keeps the id and the counts, never the erased name
          await recordAudit(
            tx,
            { ...auditActor(req, config, simulatorMode), action: 'person.erase', targetType: 'person', targetId: req.params.id, detail: { reason: req.body.reason, changed: r }, requestId: req.id },
            now,
          )
          return r
        })
        deps.onDirectoryChange?.()
        return { erased: true, changed }
      },
    )
  }
}
