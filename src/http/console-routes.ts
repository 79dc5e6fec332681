import { listCampaigns } from '../services/registers/campaigns.js'
import fs from 'node:fs'
import path from 'node:path'
import { createRequire } from 'node:module'
import { fileURLToPath } from 'node:url'
import { z } from 'zod'
import { and, eq } from 'drizzle-orm'
import type { FastifyReply, FastifyRequest } from 'fastify'
import type { FastifyPluginAsyncZod } from 'fastify-type-provider-zod'
import { schema, type Db } from '../../db/client.js'
import type { AppConfig } from '../config.js'
import { formatDate, type Clock } from '../core/clock.js'
import { AppError } from '../core/errors.js'
import { ACTIONS, authorize, ROLE_LABELS, type Action } from '../core/permissions.js'
import { hazardHome, tellHome, voidedText } from '../services/hazard-home.js'
import { ACTION_LABELS, deadlineText } from '../chat/format.js'
import type { Channel } from '../channels/types.js'
import { CATEGORIES, DEPARTMENTS, GRADES, INDUSTRIES, STATUS_LABELS, type Industry } from '../core/domain.js'
import { matchDepartment, readDeadline } from '../core/parse.js'
import { DATE_FORMS } from '../core/dates.js'
import { acceptHazard, check, getByCode, recordTransferResult, targetOf, timeline, transferHazard, verifyHazard, voidHazard, type Ctx, type HazardRow } from '../services/hazards.js'
import { issueBindCode } from '../services/directory.js'
import { loadAttachment } from '../services/attachments.js'
import { recordAudit } from '../services/audit.js'
import { setCredentials, signIn, signOut } from '../services/console-auth.js'
import { createFirstAdmin, setupTokenValid } from '../services/first-start.js'
import { reaches } from '../services/scope.js'
import { ALERT_NAMES } from '../services/alerts.js'
import { auditActor, listAudit, listBusinesses, listGroups, listPeople, saveBusiness, savePerson, townships } from '../services/console-admin.js'
import { actorOf, apiActor, requireAction } from './auth.js'
import { SESSION_COOKIE, sessionCookieOptions } from './console-auth.js'

const DIR = path.join(path.dirname(fileURLToPath(import.meta.url)), 'console')
const require = createRequire(import.meta.url)
const ECHARTS = require.resolve('echarts/dist/echarts.min.js')
/** A CJK font for machines without one (loaded by the browser only when no system font has the glyphs). */
const FONT = path.join(path.dirname(require.resolve('@expo-google-fonts/noto-sans-sc/package.json')), '400Regular/NotoSansSC_400Regular.ttf')

/** 专项行动 a hazard can be tagged with (DOMAIN.md). */
export const CAMPAIGNS = ['冬春火灾防控', '消防安全集中除患攻坚大整治', '城镇燃气安全专项整治', '燃气和醇基燃料安全整治', '大跨度结构场所安全专项排查整治', '自建房安全整治']

/**
 * The page may run only its own script; style attributes are allowed because ECharts positions its tooltip
 * with them. No inline script, no other origin, no framing.
 */
const CSP = [
  "default-src 'self'",
  "script-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "img-src 'self' data: blob:",
  "font-src 'self'",
  "connect-src 'self'",
  "object-src 'none'",
  "base-uri 'none'",
  "frame-ancestors 'none'",
  "form-action 'self'",
].join('; ')

const TYPES: Record<string, string> = { '.js': 'text/javascript; charset=utf-8', '.css': 'text/css; charset=utf-8' }

/**
 * What /console/assets/ serves: the console's own scripts and styles (its ES modules in lib/ and pages/, found
 * once at start, so no other path on disk is ever reachable), ECharts and the CJK font.
 */
function consoleAssets(): Record<string, { file: string; type: string }> {
  const out: Record<string, { file: string; type: string }> = {
    'echarts.min.js': { file: ECHARTS, type: 'text/javascript; charset=utf-8' },
    'noto-sans-sc.ttf': { file: FONT, type: 'font/ttf' },
  }
  for (const rel of fs.readdirSync(DIR, { recursive: true, encoding: 'utf8' })) {
    const name = rel.split(path.sep).join('/')
    const type = TYPES[path.extname(name)]
    if (type && /^[a-z0-9/_-]+\.(js|css)$/.test(name)) out[name] = { file: path.join(DIR, rel), type }
  }
  return out
}

const code = z.object({ code: z.string().regex(/^[Yy]\d{1,10}$/, '编号形如 Y12') })
const industry = z.enum(Object.keys(INDUSTRIES) as [Industry, ...Industry[]])
const optText = (max: number) =>
  z
    .string()
    .max(max)
    .transform((s) => s.trim() || null)
    .nullish()

const businessBody = z.object({
  name: z.string().trim().min(2, '名称至少 2 个字').max(80),
  industry,
  township: optText(40),
  creditCode: z
    .string()
    .trim()
    .regex(/^([0-9A-Z]{18})?$/, '统一社会信用代码为18位数字或大写字母')
    .nullish()
    .transform((s) => s || null),
  address: optText(200),
  aboveQuota: z.boolean().default(false),
})

const personBody = z.object({
  name: z.string().trim().min(1).max(40),
  role: z.enum(['member', 'officer', 'leader', 'admin', 'association', 'viewer']),
  phone: z
    .string()
    .trim()
    .regex(/^(1\d{10})?$/, '手机号为 11 位数字')
    .nullish()
    .transform((s) => s || null),
  township: optText(40),
  industries: z.array(industry).default([]),
  businessIds: z.array(z.number().int()).default([]),
})

export function consoleRoutes(deps: {
  db: Db
  config: AppConfig
  clock: Clock
  simulatorMode: boolean
  onDirectoryChange?: () => void
  /** to tell a hazard's group what was done here, when no account is recorded for it yet */
  channel?: Pick<Channel, 'name' | 'account'>
  onOutbox?: () => void
}): FastifyPluginAsyncZod {
  const { db, config, clock, simulatorMode } = deps
  const can = (a: Action) => requireAction(a, config, simulatorMode)
  const hide = { hide: true }

  const page = (name: string) => fs.readFileSync(path.join(DIR, name), 'utf8')

  return async (app) => {
    app.addHook('onSend', async (req, reply) => {
      reply.header('content-security-policy', CSP)
      reply.header('x-content-type-options', 'nosniff')
      reply.header('x-frame-options', 'DENY')
      reply.header('referrer-policy', 'same-origin')
      if (req.url.startsWith('/console/api/')) reply.header('cache-control', 'no-store')
    })

    // ---- sign-in ----

    app.get('/console/sign-in', { schema: hide }, async (_req, reply) => reply.type('text/html; charset=utf-8').send(page('sign-in.html')))

    app.post(
      '/console/sign-in',
      {
        config: { rateLimit: { max: config.CONSOLE_SIGNIN_PER_MINUTE, timeWindow: 60_000, errorResponseBuilder: () => ({ statusCode: 429, error: 'rate_limited', message: '登录尝试过于频繁，请 1 分钟后再试' }) } },
        schema: {
          tags: ['console'],
          summary: '控制台登录（JSON 或表单）；成功时设置会话 cookie',
          body: z.object({ username: z.string().max(100), password: z.string().max(200) }),
        },
      },
      async (req, reply) => {
        const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        const r = await signIn(
          db,
          { username: req.body.username, password: req.body.password, ip: req.ip, userAgent: req.headers['user-agent'] },
          { sessionHours: config.CONSOLE_SESSION_HOURS, lockoutAttempts: config.CONSOLE_LOCKOUT_ATTEMPTS, lockoutMinutes: config.CONSOLE_LOCKOUT_MINUTES },
          clock.now(),
        )
        if (!r.ok) {
          if (form) return reply.redirect(`/console/sign-in?error=${encodeURIComponent(r.message!)}`, 303)
          return reply.code(401).send({ error: 'sign_in_failed', message: r.message })
        }
        reply.setCookie(SESSION_COOKIE, r.sessionId!, sessionCookieOptions(config, req))
        if (form) return reply.redirect('/console', 303)
        return { ok: true, name: r.actor!.name, role: r.actor!.role, csrfToken: r.actor!.csrfToken }
      },
    )

    app.post('/console/sign-out', { schema: { tags: ['console'], summary: '退出登录' } }, async (req, reply) => {
      const s = req.consoleSession
      if (s) await signOut(db, s.id, s.actor, clock.now())
      reply.clearCookie(SESSION_COOKIE, { path: '/' })
      const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
      return form ? reply.redirect('/console/sign-in', 303) : { ok: true }
    })

    // ---- first start: a one-time link creates the first administrator (src/services/first-start.ts) ----

    const setupToken = z.string().regex(/^[A-Za-z0-9_-]{20,64}$/)
    app.get('/console/setup', { schema: { hide: true, querystring: z.object({ token: z.string().max(100).optional() }) } }, async (req, reply) => {
      const token = req.query.token ?? ''
      if (!setupToken.safeParse(token).success || !(await setupTokenValid(db, token, clock.now()))) {
        return reply.code(403).type('text/plain; charset=utf-8').send('设置链接无效、已用过或已过期（30分钟）。请重启服务获取新链接，或用 npm run user:create 创建管理员。')
      }
      // the token is letters, digits, - and _ only (checked above): safe inside the attribute
      return reply.type('text/html; charset=utf-8').send(page('setup.html').replace('__TOKEN__', token))
    })

    app.post(
      '/console/setup',
      {
        config: { rateLimit: { max: config.CONSOLE_SIGNIN_PER_MINUTE, timeWindow: 60_000 } },
        schema: { hide: true, body: z.object({ token: setupToken, name: z.string().trim().min(1).max(40), username: z.string().trim().max(40), password: z.string().max(200) }) },
      },
      async (req, reply) => {
        await createFirstAdmin(db, req.body, clock.now())
        const form = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded')
        return form ? reply.redirect('/console/sign-in', 303) : reply.code(201).send({ ok: true })
      },
    )

    // ---- the page and its assets ----

    const shell = async (req: FastifyRequest, reply: FastifyReply) => {
      if (!req.consoleSession) return reply.redirect('/console/sign-in', 302)
      return reply.type('text/html; charset=utf-8').send(page('index.html'))
    }
    app.get('/console', { schema: hide }, shell)
    app.get('/console/', { schema: hide }, shell)

    const assets = consoleAssets()
    app.get('/console/assets/*', { schema: { hide: true } }, async (req, reply) => {
      const a = assets[(req.params as { '*': string })['*']]
      if (!a) throw new AppError('not_found', '没有这个文件')
      // modules import one another: revalidated on each load, so an upgrade never mixes old and new modules
      const stat = fs.statSync(a.file)
      const etag = `"${stat.size.toString(36)}-${stat.mtimeMs.toString(36)}"`
      reply.header('etag', etag).header('cache-control', a.file === ECHARTS || a.file === FONT ? 'private, max-age=86400' : 'private, no-cache')
      if (req.headers['if-none-match'] === etag) return reply.code(304).send()
      return reply.type(a.type).send(fs.createReadStream(a.file))
    })

    // ---- who am I, and the words of the filters ----

    app.get('/console/api/me', { schema: { tags: ['console'], summary: '当前登录的人、角色、范围和 CSRF 令牌' } }, async (req, reply) => {
      const a = apiActor(req, config, simulatorMode)
      if (!a) return reply.code(401).send({ error: 'unauthorized', message: '请先登录' })
      const s = req.consoleSession?.actor
      const can = Object.fromEntries(
        // every action, so a page's link and buttons show only for those the API will allow
        ACTIONS.map((x) => [x, authorize(a, x).ok]),
      )
      // the plan's milestones are the whole city's: recorded by those whose reach is the whole city
      can['plan.milestone'] = reaches(a, 'programme.manage', null)
      // the Word reports are the whole city's
      can['programme.read.city'] = reaches(a, 'programme.read', null)
      const [t] = a.townshipId !== null ? await db.select({ name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.id, a.townshipId)) : []
      return {
        name: a.name,
        role: a.role,
        roleLabel: ROLE_LABELS[a.role],
        username: s?.username ?? null,
        townshipId: a.townshipId,
        townshipName: t?.name ?? null,
        industries: a.industries,
        csrfToken: s?.csrfToken ?? null,
        today: formatDate(clock.now()),
        can,
      }
    })

    app.get('/console/api/options', { preValidation: can('admin.read'), schema: { tags: ['console'], summary: '筛选项：乡镇街、行业、类别、状态、专项行动、部门' } }, async () => ({
      townships: await townships(db),
      industries: Object.entries(INDUSTRIES).map(([value, label]) => ({ value, label })),
      categories: Object.entries(CATEGORIES).map(([value, label]) => ({ value, label })),
      grades: Object.entries(GRADES).map(([value, label]) => ({ value, label })),
      statuses: Object.entries(STATUS_LABELS).map(([value, label]) => ({ value, label })),
      // the registered campaigns first, then the plan's names (hazards tagged before a campaign was registered)
      campaigns: [...new Set([...(await listCampaigns(db)).map((c) => c.name), ...CAMPAIGNS])],
      departments: DEPARTMENTS.map(([name]) => name),
      alerts: ALERT_NAMES,
      events: ACTION_LABELS,
      roles: Object.entries(ROLE_LABELS)
        .filter(([r]) => r !== 'public')
        .map(([value, label]) => ({ value, label })),
    }))

    // ---- one hazard: its timeline, photos and the officer's actions ----

    const viewable = async (req: FastifyRequest & { params: { code: string } }) => {
      const h = await getByCode(db, req.params.code)
      check(actorOf(req), 'hazard.view', targetOf(h))
      return h
    }

    app.get('/console/api/hazards/:code', { preValidation: can('hazard.view'), schema: { tags: ['console'], summary: '一条隐患：经过、整改前后照片、移交、可做的操作', params: code } }, async (req) => {
      const h = await viewable(req)
      const a = actorOf(req)
      const { events, photos } = await timeline(db, h.id)
      const [b] = h.businessId ? await db.select({ name: schema.businesses.name }).from(schema.businesses).where(eq(schema.businesses.id, h.businessId)) : []
      const [t] = h.townshipId ? await db.select({ name: schema.jurisdictions.name }).from(schema.jurisdictions).where(eq(schema.jurisdictions.id, h.townshipId)) : []
      const may = (x: Action) => authorize(a, x, targetOf(h)).ok
      const open = h.status !== 'closed' && h.status !== 'voided'
      return {
        ...h,
        businessName: b?.name ?? null,
        townshipName: t?.name ?? null,
        overdue: !!h.deadline && (h.status === 'reported' || h.status === 'rectifying') && h.deadline.getTime() < clock.now().getTime(),
        events,
        photos: photos.map((p) => ({ ...p, url: `/console/api/hazards/${h.code}/photos/${p.sha256}` })),
        actions: {
          accept: open && h.status === 'reported' && may('hazard.accept'),
          verify: open && (h.status === 'awaiting_verification' || h.status === 'transferred') && may('hazard.verify'),
          transfer: open && h.status !== 'transferred' && may('hazard.transfer'),
          transferResult: h.status === 'transferred' && may('hazard.transfer_result'),
          // the rules of who may void when live in the life cycle: offered to those allowed in scope, refused there if too late
          void: open && h.status !== 'voided' && may('hazard.void'),
        },
      }
    })

    app.get(
      '/console/api/hazards/:code/photos/:sha256',
      { preValidation: can('hazard.view'), schema: { tags: ['console'], summary: '隐患照片（只给能看这条隐患的人）', params: code.extend({ sha256: z.string().regex(/^[0-9a-f]{64}$/) }) } },
      async (req, reply) => {
        const h = await viewable(req)
        const [link] = await db
          .select({ id: schema.hazardAttachments.id })
          .from(schema.hazardAttachments)
          .where(and(eq(schema.hazardAttachments.hazardId, h.id), eq(schema.hazardAttachments.sha256, req.params.sha256)))
          .limit(1)
        const file = link ? await loadAttachment(db, req.params.sha256) : null
        if (!file) throw new AppError('not_found', '没有这张照片')
        return reply.type(file.mime).header('cache-control', 'private, max-age=86400').send(file.bytes)
      },
    )

    /**
     * Runs a hazard service in one transaction with its audit row and the message to the hazard's group,
     * as the chat command would.
     */
    const act = async (req: FastifyRequest, action: string, run: (c: Ctx) => Promise<HazardRow>, say: (h: HazardRow, by: string) => string) => {
      const a = actorOf(req)
      const now = clock.now()
      const r = await db.transaction(async (tx) => {
        const h = await run({ tx, actor: a, now })
        await recordAudit(tx, { ...auditActor(a), action, targetType: 'hazard', targetId: h.code, detail: { status: h.status, body: req.body as Record<string, unknown> }, requestId: req.id }, now)
        const from = deps.channel && { channel: deps.channel.name, account: deps.channel.account() }
        const told = await tellHome(tx, await hazardHome(tx, h, from), say(h, a.name), now)
        return { ok: true, code: h.code, status: h.status, told }
      })
      if (r.told) deps.onOutbox?.()
      return { ok: r.ok, code: r.code, status: r.status }
    }

    app.post(
      '/console/api/hazards/:code/accept',
      {
        preValidation: can('hazard.accept'),
        schema: {
          tags: ['console'],
          summary: '受理：期限（如 2026-12-31 或 7天）、负责人、待认定单位',
          params: code,
          body: z.object({ deadline: optText(20), responsible: optText(40), business: optText(80) }),
        },
      },
      async (req) => {
        const d = req.body.deadline ? readDeadline(req.body.deadline) : null
        if (req.body.deadline && (d === 'invalid' || d === null)) throw new AppError('usage', `期限“${req.body.deadline}”看不懂，可写：2026-12-31、${DATE_FORMS}`)
        let businessName = ''
        return act(
          req,
          'hazard.accept',
          async (c) => {
            const r = await acceptHazard(c, req.params.code, { deadline: d === 'invalid' ? null : d, responsible: req.body.responsible ?? null, business: req.body.business ?? null }, { general: config.DEADLINE_DAYS_GENERAL, major: config.DEADLINE_DAYS_MAJOR })
            businessName = r.businessName
            return r.hazard
          },
          (h, by) =>
            [`${by} 已在控制台受理 ${h.code}，单位：${businessName}`, `整改期限：${deadlineText(h.deadline!)}　负责人：${h.responsibleName}`, `整改后请发：#整改 ${h.code} 整改措施，并附照片`].join('\n'),
        )
      },
    )

    app.post(
      '/console/api/hazards/:code/verify',
      {
        preValidation: can('hazard.verify'),
        schema: { tags: ['console'], summary: '验收：通过即销号，不通过须写原因', params: code, body: z.object({ passed: z.boolean(), opinion: optText(500) }) },
      },
      async (req) =>
        act(
          req,
          req.body.passed ? 'hazard.verify_pass' : 'hazard.verify_fail',
          (c) => verifyHazard(c, req.params.code, req.body.passed, req.body.opinion ?? null),
          (h, by) =>
            h.status === 'closed'
              ? `${h.code} 验收通过，已销号。（${by}，控制台）`
              : `${h.code} 验收不通过，退回整改。（${by}，控制台）\n原因：${req.body.opinion}\n整改后请再发：#整改 ${h.code} 措施`,
        ),
    )

    app.post(
      '/console/api/hazards/:code/transfer',
      {
        preValidation: can('hazard.transfer'),
        schema: { tags: ['console'], summary: '移交执法部门', params: code, body: z.object({ department: z.string().trim().min(2).max(40), note: optText(500) }) },
      },
      async (req) =>
        act(
          req,
          'hazard.transfer',
          (c) => transferHazard(c, req.params.code, matchDepartment(req.body.department) ?? req.body.department, req.body.note ?? null),
          (h, by) => `${h.code} 已由${by}移交 ${h.transferDepartment}。`,
        ),
    )

    app.post(
      '/console/api/hazards/:code/transfer-result',
      {
        preValidation: can('hazard.transfer_result'),
        schema: { tags: ['console'], summary: '登记移交部门的处理结果', params: code, body: z.object({ result: z.string().trim().min(2).max(500) }) },
      },
      async (req) =>
        act(
          req,
          'hazard.transfer_result',
          (c) => recordTransferResult(c, req.params.code, req.body.result),
          (h) => `${h.code} 移交部门（${h.transferDepartment}）的处理结果：${h.transferResult}`,
        ),
    )

    app.post(
      '/console/api/hazards/:code/void',
      {
        preValidation: can('hazard.void'),
        schema: { tags: ['console'], summary: '作废：误报、重复上报（须写原因；保留在台账，不计入统计）', params: code, body: z.object({ reason: z.string().trim().min(2).max(200) }) },
      },
      async (req) => act(req, 'hazard.void', (c) => voidHazard(c, req.params.code, req.body.reason), (h, by) => voidedText(h, by)),
    )

    // ---- businesses, people, bind codes, console accounts ----

    const changed = <T>(v: T): T => {
      deps.onDirectoryChange?.()
      return v
    }

    app.get('/console/api/businesses', { preValidation: can('admin.read'), schema: { tags: ['console'], summary: '经营主体（按查看范围）', querystring: z.object({ q: z.string().max(80).optional() }) } }, async (req) =>
      listBusinesses(db, actorOf(req), req.query.q),
    )

    app.post('/console/api/businesses', { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '新增经营主体', body: businessBody } }, async (req, reply) =>
      reply.code(201).send(changed(await db.transaction((tx) => saveBusiness(tx, actorOf(req), null, req.body, clock.now())))),
    )

    app.put(
      '/console/api/businesses/:id',
      { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '修改经营主体', params: z.object({ id: z.coerce.number().int() }), body: businessBody } },
      async (req) => changed(await db.transaction((tx) => saveBusiness(tx, actorOf(req), req.params.id, req.body, clock.now()))),
    )

    app.get('/console/api/people', { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '人员、绑定的聊天身份、控制台账号' } }, async () => listPeople(db))

    app.post('/console/api/people', { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '新增人员', body: personBody } }, async (req, reply) =>
      reply.code(201).send(changed(await db.transaction((tx) => savePerson(tx, actorOf(req), null, req.body, clock.now())))),
    )

    app.put(
      '/console/api/people/:id',
      { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '修改人员', params: z.object({ id: z.coerce.number().int() }), body: personBody } },
      async (req) => changed(await db.transaction((tx) => savePerson(tx, actorOf(req), req.params.id, req.body, clock.now()))),
    )

    app.post(
      '/console/api/people/:id/bind-code',
      { preValidation: can('admin.manage'), schema: { tags: ['console'], summary: '生成一次性绑定码', params: z.object({ id: z.coerce.number().int() }) } },
      async (req, reply) => {
        const now = clock.now()
        const a = actorOf(req)
        const r = await db.transaction(async (tx) => {
          const bc = await issueBindCode(tx, req.params.id, now, config.BIND_CODE_TTL_HOURS)
          await recordAudit(tx, { ...auditActor(a), action: 'person.bind_code', targetType: 'person', targetId: req.params.id, detail: { expiresAt: bc.expiresAt.toISOString() } }, now)
          return bc
        })
        return reply.code(201).send(r)
      },
    )

    app.post(
      '/console/api/people/:id/credentials',
      {
        preValidation: can('admin.manage'),
        schema: {
          tags: ['console'],
          summary: '设置控制台账号和密码（会结束此人已有的登录）',
          params: z.object({ id: z.coerce.number().int() }),
          body: z.object({ username: z.string().trim().max(40), password: z.string().max(200) }),
        },
      },
      async (req) => {
        const now = clock.now()
        const a = actorOf(req)
        await db.transaction(async (tx) => {
          await setCredentials(tx, req.params.id, req.body.username, req.body.password, now)
          await recordAudit(tx, { ...auditActor(a), action: 'person.credentials', targetType: 'person', targetId: req.params.id, detail: { username: req.body.username } }, now)
        })
        return { ok: true }
      },
    )

    // ---- groups and the audit log ----

    app.get('/console/api/groups', { preValidation: can('admin.read'), schema: { tags: ['console'], summary: '群：范围和接入方式（按查看范围）' } }, async (req) => listGroups(db, actorOf(req)))

    app.get(
      '/console/api/audit',
      {
        preValidation: can('audit.read'),
        schema: {
          tags: ['console'],
          summary: '操作日志（可筛选）',
          querystring: z.object({
            action: z.string().max(60).optional(),
            actor: z.string().max(40).optional(),
            targetType: z.string().max(40).optional(),
            targetId: z.string().max(60).optional(),
            from: z.iso.date().optional(),
            to: z.iso.date().optional(),
            page: z.coerce.number().int().min(1).default(1),
            pageSize: z.coerce.number().int().min(1).max(200).default(50),
          }),
        },
      },
      async (req) => {
        const q = req.query
        return listAudit(db, {
          ...q,
          from: q.from ? new Date(`${q.from}T00:00:00+08:00`) : undefined,
          to: q.to ? new Date(`${q.to}T23:59:59.999+08:00`) : undefined,
        })
      },
    )
  }
}
