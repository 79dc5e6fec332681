/**
 * Sensors over HTTP: vendors that push instead of publishing over MQTT (HMAC-signed, one vendor secret each),
 * and the device register (list with each device's state, add one, import a table). Register routes check
 * role and scope like the ledger's.
 */
import { z } from 'zod'
import multipart from '@fastify/multipart'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import type { Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import type { Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { DEVICE_KINDS, verifyPush, type DeviceKind } from '../core/sensors.js'
import { addDevice, importDevices, listAlarms, listDevices, removeDevice } from '../services/sensors/devices.js'
import { answerAlarm } from '../services/sensors/alarms.js'
import { readTable } from '../services/import.js'
import { sensorStats } from '../services/sensors/stats.js'
import type { SensorIngest } from '../sensors/ingest.js'
import { requireAction, actorOf } from './auth.js'

const secured = { security: [{ bearer: [] }] }
const kind = z.enum(Object.keys(DEVICE_KINDS) as [DeviceKind, ...DeviceKind[]])
const MAX_EVENTS = 500

export function sensorRoutes(deps: { db: Db; config: AppConfig; clock: Clock; simulatorMode: boolean; ingest: SensorIngest | null }): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode, ingest } = deps
  const can = (a: Parameters<typeof requireAction>[0]) => requireAction(a, config, simulatorMode)

  return async (app) => {
    await app.register(async (push) => {
      // the signature covers the bytes as sent: keep them
      push.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_req, body, done) => done(null, body))
      push.post('/api/sensors/push', { schema: { tags: ['sensors'], summary: '厂商平台推送设备事件（HMAC 签名，见 README）', hide: false } }, async (req, reply) => {
        const vendor = String(req.headers['x-sensor-vendor'] ?? '')
        const secret = config.SENSOR_HTTP_KEYS[vendor]
        if (!ingest || !secret) return reply.code(401).send({ error: 'unauthorized', message: '未知的厂商，或未开通推送' })
        const body = req.body as Buffer
        const v = verifyPush(secret, { timestamp: req.headers['x-sensor-timestamp'] as string | undefined, signature: req.headers['x-sensor-signature'] as string | undefined, body }, clock.now())
        if (!v.ok) {
          req.log.warn({ vendor, reason: v.reason }, 'sensor push refused')
          return reply.code(401).send({ error: 'unauthorized', message: v.reason === 'stale' ? '时间戳过期（相差超过5分钟）' : '签名不对' })
        }
        let parsed: unknown
        try {
          parsed = JSON.parse(body.toString())
        } catch {
          ingest.counters.bad.inc({ reason: 'not_json' })
          return reply.code(400).send({ error: 'bad_request', message: '不是 JSON' })
        }
        const list = Array.isArray(parsed) ? parsed : [parsed]
        if (list.length > MAX_EVENTS) return reply.code(413).send({ error: 'too_large', message: `一次最多 ${MAX_EVENTS} 条` })
        const outcomes: string[] = []
        for (const e of list) outcomes.push(await ingest.take(vendor, e))
        return { accepted: outcomes.filter((o) => o !== 'bad_payload' && o !== 'unknown_device').length, outcomes }
      })
    })

    await app.register(multipart, { limits: { fileSize: 10 * 1024 * 1024, files: 1, fields: 5 } })
    app.get(
      '/api/sensors/devices',
      {
        preValidation: can('admin.read'),
        schema: { ...secured, tags: ['sensors'], summary: '设备登记（在线/离线/报警中）', querystring: z.object({ businessId: z.coerce.number().int().positive().optional() }) },
      },
      async (req) => listDevices(db, actorOf(req), { businessId: req.query.businessId }),
    )
    app.post(
      '/api/sensors/devices',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['sensors'],
          summary: '登记一台设备（厂商设备号对应到单位）',
          body: z.object({
            vendor: z.string().regex(/^[\w.-]{1,64}$/, '厂商为字母、数字或 ._-'),
            vendorDeviceId: z.string().regex(/^[\w.:-]{1,64}$/, '设备编号为字母、数字或 ._:-'),
            businessId: z.number().int().positive(),
            kind,
            location: z.string().max(60).nullish(),
          }),
        },
      },
      async (req, reply) => reply.code(201).send(await addDevice(db, actorOf(req), req.body, clock.now())),
    )
    app.post(
      '/api/sensors/devices/import',
      {
        preValidation: can('admin.manage'),
        schema: {
          ...secured,
          tags: ['sensors'],
          summary: '批量导入设备（multipart 字段 file：.xlsx 或 .csv，表头 厂商、设备编号、单位名称、设备类型、安装位置；?dryRun=1 只校验）',
          querystring: z.object({ dryRun: z.enum(['1', '0', 'true', 'false']).optional() }),
        },
      },
      async (req, reply) => {
        if (!req.isMultipart()) throw new AppError('usage', '请用 multipart/form-data 上传，文件放在 file 字段')
        const part = await req.file()
        if (!part || part.fieldname !== 'file') throw new AppError('usage', '没有收到文件：请把 .xlsx 或 .csv 文件放在 file 字段上传')
        const table = await readTable(await part.toBuffer(), part.filename)
        const dryRun = req.query.dryRun === '1' || req.query.dryRun === 'true'
        const r = await importDevices(db, actorOf(req), table, { dryRun, now: clock.now() })
        const message = r.ok ? (dryRun ? `校验通过：${r.valid} 台设备可以导入` : `已导入 ${r.created} 台设备`) : `有 ${r.errors.length} 行需要修改，整批未导入`
        return reply.code(r.ok ? 200 : 422).send({ ...r, message })
      },
    )
    app.delete(
      '/api/sensors/devices/:id',
      {
        preValidation: can('admin.manage'),
        schema: { ...secured, tags: ['sensors'], summary: '移除一台设备（报警记录保留）', params: z.object({ id: z.coerce.number().int().positive() }) },
      },
      async (req, reply) => {
        await removeDevice(db, actorOf(req), req.params.id, clock.now())
        return reply.code(204).send()
      },
    )
    app.get(
      '/api/sensors/alarms',
      {
        preValidation: can('admin.read'),
        schema: {
          ...secured,
          tags: ['sensors'],
          summary: '设备报警（最新在前；open=1 只看未结束的）',
          querystring: z.object({ open: z.enum(['1', '0']).optional(), businessId: z.coerce.number().int().positive().optional() }),
        },
      },
      async (req) => listAlarms(db, actorOf(req), { open: req.query.open === '1', businessId: req.query.businessId }),
    )
    app.post(
      '/api/sensors/alarms/:id/answer',
      {
        preValidation: can('hazard.accept'),
        schema: {
          ...secured,
          tags: ['sensors'],
          summary: '确认报警：收到（停止升级）、已处理（登记隐患）、误报（关闭，已登记的隐患作废）',
          params: z.object({ id: z.coerce.number().int().positive() }),
          body: z.object({ answer: z.enum(['received', 'handled', 'false_alarm']) }),
        },
      },
      async (req) => {
        const actor = actorOf(req)
        const message = await db.transaction((tx) => answerAlarm(tx, actor, req.body.answer, req.params.id, clock.now()))
        return { message }
      },
    )
    app.get(
      '/api/sensors/stats',
      {
        preValidation: can('admin.read'),
        schema: { ...secured, tags: ['sensors'], summary: '设备与报警统计（按乡镇街：在线/离线/报警中；按月：报警数、误报率、确认用时）' },
      },
      async (req) => sensorStats(db, actorOf(req), clock.now()),
    )
  }
}
