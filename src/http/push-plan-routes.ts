import { z } from 'zod'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import type { Job } from '../../schedules/types.js'
import { outboxView, pushPlan } from '../services/push-plan.js'
import { requireAction } from './auth.js'

const secured = { security: [{ bearer: [] }] }

/** 推送计划: what the scheduler will send next, and the outbox by status. */
export function pushPlanRoutes(deps: { db: Db; config: AppConfig; clock: Clock; jobs: Pick<Job, 'name' | 'cron'>[]; simulatorMode: boolean }): FastifyPluginAsyncZod {
  const { db, config, clock, jobs, simulatorMode } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)
  return async (app) => {
    app.get(
      '/api/push-plan',
      {
        onRequest: can('outbox.view'),
        schema: {
          ...secured,
          tags: ['outbox'],
          summary: '推送计划：今后若干天（默认14天）定时任务会发什么、发到多少个群、由哪个账号发，以及定时通知；发不出的原因',
          querystring: z.object({ days: z.coerce.number().int().min(1).max(60).default(14) }),
        },
      },
      async (req) => pushPlan(db, config, jobs, clock.now(), req.query.days),
    )

    app.get(
      '/api/outbox',
      {
        onRequest: can('outbox.view'),
        schema: {
          ...secured,
          tags: ['outbox'],
          summary: '待发队列：各状态的条数（已发送为近7天），及某一状态的最近消息和原因',
          querystring: z.object({
            status: z.enum(['pending', 'sending', 'sent', 'dead']).default('pending'),
            limit: z.coerce.number().int().min(1).max(200).default(50),
            offset: z.coerce.number().int().min(0).default(0),
          }),
        },
      },
      async (req) => outboxView(db, req.query.status, req.query.limit, req.query.offset, new Date(clock.now().getTime() - 7 * 86_400_000)),
    )
  }
}
