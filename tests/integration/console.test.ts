import { describe, it, expect, beforeAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type TestApp, type Seed } from '../helpers/app.js'
import { consoleUser, signInAs, CONSOLE_PASSWORD, type Session } from '../helpers/console.js'
import { sessionCookieOptions } from '../../src/http/console-auth.js'
import { testConfig } from '../../src/config.js'

const ADMIN_TOKEN = 'console-test-admin-token-0123'
const XSS = '<script>alert("x")</script> 老王\'s "饭店" 🔥'

describe('console', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: ADMIN_TOKEN, role: 'admin', name: 'ops' }], CONSOLE_SIGNIN_PER_MINUTE: 5, CONSOLE_LOCKOUT_ATTEMPTS: 3 } },
  )
  const http = () => t.app.http
  let admin: Session
  let officer: Session
  let otherOfficer: Session
  let viewer: Session
  let leader: Session
  let code: string

  beforeAll(async () => {
    const db = t.database.db
    await consoleUser(db, 'admin', { role: 'admin', name: '系统管理员' })
    await consoleUser(db, 'liming', { role: 'officer', personId: s.officer.id })
    await consoleUser(db, 'zhaohong', { role: 'officer', personId: s.otherOfficer.id })
    await consoleUser(db, 'viewer', { role: 'viewer', name: '只读员' })
    await consoleUser(db, 'leader', { role: 'leader', personId: s.leader.id })
    await consoleUser(db, 'locked', { role: 'viewer', name: '锁定测试' })
    admin = await signInAs(http(), 'admin')
    officer = await signInAs(http(), 'liming')
    otherOfficer = await signInAs(http(), 'zhaohong')
    viewer = await signInAs(http(), 'viewer')
    leader = await signInAs(http(), 'leader')
    await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 地点:后厨')
    code = /Y\d+/.exec(t.botSaid(s.group)[0].text!)![0]
    await t.photo('owner', s.group)
  })

  describe('sign-in', () => {
    it('when the password is right, then an HttpOnly SameSite=Lax session cookie is set and the sign-in is audited', async () => {
      const r = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'viewer', password: CONSOLE_PASSWORD }, remoteAddress: '10.0.0.2' })
      expect(r.statusCode).toBe(200)
      const c = r.cookies.find((x) => x.name === 'csb_session')!
      expect(c.httpOnly).toBe(true)
      expect(c.sameSite).toBe('Lax')
      expect(c.path).toBe('/')
      expect(c.secure).toBeFalsy()
      expect(r.json()).toMatchObject({ ok: true, name: '只读员', role: 'viewer' })
      const rows = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'session.sign_in'))
      expect(rows.some((a) => a.actorName === '只读员' && a.detail?.ip === '10.0.0.2')).toBe(true)
      expect(JSON.stringify(rows)).not.toContain(CONSOLE_PASSWORD)
    })

    it('when CONSOLE_COOKIE_SECURE is set, then the cookie is Secure', () => {
      expect(sessionCookieOptions(testConfig({ CONSOLE_COOKIE_SECURE: true })).secure).toBe(true)
    })

    it('when the password is wrong or the name unknown, then the same 401 answer, and the failure is audited without the password', async () => {
      const wrong = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'admin', password: 'wrong password 1' }, remoteAddress: '10.0.0.3' })
      const unknown = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'nobody', password: 'wrong password 1' }, remoteAddress: '10.0.0.3' })
      expect(wrong.statusCode).toBe(401)
      expect(unknown.statusCode).toBe(401)
      expect(wrong.json().message).toBe('用户名或密码不对')
      expect(unknown.json().message).toBe(wrong.json().message)
      expect(wrong.cookies).toHaveLength(0)
      const rows = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'session.sign_in_failed'))
      expect(rows.map((r) => r.detail?.reason)).toEqual(expect.arrayContaining(['wrong_password', 'unknown_user']))
      expect(JSON.stringify(rows)).not.toContain('wrong password 1')
    })

    it('when a form posts the sign-in, then it redirects to the console, or back with the reason', async () => {
      const ok = await http().inject({ method: 'POST', url: '/console/sign-in', payload: `username=viewer&password=${encodeURIComponent(CONSOLE_PASSWORD)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: '10.0.0.4' })
      expect(ok.statusCode).toBe(303)
      expect(ok.headers.location).toBe('/console')
      const bad = await http().inject({ method: 'POST', url: '/console/sign-in', payload: 'username=viewer&password=nope', headers: { 'content-type': 'application/x-www-form-urlencoded' }, remoteAddress: '10.0.0.4' })
      expect(bad.statusCode).toBe(303)
      expect(decodeURIComponent(bad.headers.location as string)).toContain('用户名或密码不对')
    })

    it('when one address tries too often, then it gets 429 for a minute', async () => {
      const codes: number[] = []
      for (let i = 0; i < 6; i++) {
        const r = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'admin', password: 'guess ' + i }, remoteAddress: '10.9.9.9' })
        codes.push(r.statusCode)
      }
      expect(codes.slice(0, 5).every((c) => c === 401)).toBe(true)
      expect(codes[5]).toBe(429)
      const r = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'admin', password: CONSOLE_PASSWORD }, remoteAddress: '10.9.9.9' })
      expect(r.statusCode).toBe(429)
      expect(r.json().message).toContain('过于频繁')
    })

    it('when one name fails CONSOLE_LOCKOUT_ATTEMPTS times, then the right password from a new address waits, with the usual answer', async () => {
      for (let i = 0; i < 3; i++) {
        await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'locked', password: 'bad ' + i }, remoteAddress: `10.1.0.${i}` })
      }
      const r = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'locked', password: CONSOLE_PASSWORD }, remoteAddress: '10.1.1.1' })
      expect(r.statusCode).toBe(401)
      expect(r.json().message).toBe('用户名或密码不对')
      t.clock.advance(16 * 60_000)
      const later = await http().inject({ method: 'POST', url: '/console/sign-in', payload: { username: 'locked', password: CONSOLE_PASSWORD }, remoteAddress: '10.1.1.2' })
      expect(later.statusCode).toBe(200)
    })

    it('when the session expires, then the console answers 401 and the page redirects to sign-in', async () => {
      const sess = await signInAs(http(), 'viewer')
      expect((await sess.call({ url: '/console/api/me' })).statusCode).toBe(200)
      expect((await sess.call({ url: '/console' })).statusCode).toBe(200)
      t.clock.advance(13 * 3600_000)
      expect((await sess.call({ url: '/console/api/me' })).statusCode).toBe(401)
      const page = await sess.call({ url: '/console' })
      expect(page.statusCode).toBe(302)
      expect(page.headers.location).toBe('/console/sign-in')
      t.clock.advance(-13 * 3600_000)
    })

    it('when signing out, then the session ends (form post with _csrf field)', async () => {
      const sess = await signInAs(http(), 'viewer')
      const r = await sess.call({ method: 'POST', url: '/console/sign-out', csrf: false, payload: `_csrf=${encodeURIComponent(sess.csrf)}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
      expect(r.statusCode).toBe(303)
      expect((await sess.call({ url: '/console/api/me' })).statusCode).toBe(401)
      const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'session.sign_out'))
      expect(audit.length).toBeGreaterThan(0)
    })
  })

  describe('access', () => {
    const routes = (c: string) =>
      [
        ['GET', '/console/api/me'],
        ['GET', '/console/api/options'],
        ['GET', `/console/api/hazards/${c}`],
        ['GET', `/console/api/hazards/${c}/photos/${'a'.repeat(64)}`],
        ['POST', `/console/api/hazards/${c}/accept`, {}],
        ['POST', `/console/api/hazards/${c}/verify`, { passed: true }],
        ['POST', `/console/api/hazards/${c}/transfer`, { department: '消防救援' }],
        ['POST', `/console/api/hazards/${c}/transfer-result`, { result: '已处理完毕' }],
        ['GET', '/console/api/businesses'],
        ['POST', '/console/api/businesses', { name: '某某饭店', industry: 'catering' }],
        ['PUT', `/console/api/businesses/${s.shop.id}`, { name: '城关老街饭店', industry: 'catering' }],
        ['GET', '/console/api/people'],
        ['POST', '/console/api/people', { name: '某人', role: 'viewer' }],
        ['PUT', `/console/api/people/${s.officer.id}`, { name: '李明', role: 'officer' }],
        ['POST', `/console/api/people/${s.officer.id}/bind-code`],
        ['POST', `/console/api/people/${s.officer.id}/credentials`, { username: 'x', password: 'y' }],
        ['GET', '/console/api/groups'],
        ['GET', '/console/api/audit'],
      ] as [string, string, object?][]

    it('when there is no session and no token, then every console API route answers 401 and the page redirects', async () => {
      for (const [method, url, payload] of routes(code)) {
        const r = await http().inject({ method: method as 'GET', url, payload })
        expect(r.statusCode, `${method} ${url}`).toBe(401)
      }
      const page = await http().inject({ url: '/console' })
      expect(page.statusCode).toBe(302)
      const forged = await http().inject({ url: '/console/api/me', cookies: { csb_session: 'x'.repeat(43) } })
      expect(forged.statusCode).toBe(401)
    })

    it('when a state-changing request has the session cookie but no or a wrong CSRF token, then 403 and nothing changes', async () => {
      for (const [method, url, payload] of routes(code).filter(([m]) => m !== 'GET')) {
        for (const csrf of [false, 'not-the-token'] as const) {
          const r = await admin.call({ method: method as 'POST', url, payload, csrf })
          expect(r.statusCode, `${method} ${url} ${csrf}`).toBe(403)
          expect(r.json().error).toBe('csrf')
        }
      }
      // the admin API's routes are covered by the same hook
      const api = await admin.call({ method: 'POST', url: '/api/jurisdictions', payload: { name: '新乡镇' }, csrf: false })
      expect(api.statusCode).toBe(403)
      const [h] = await t.database.db.select().from(schema.hazards).where(eq(schema.hazards.code, code))
      expect(h.status).toBe('reported')
    })

    it('when the request carries a bearer token, then no CSRF token is needed', async () => {
      const r = await http().inject({ method: 'POST', url: '/console/api/businesses', headers: { authorization: `Bearer ${ADMIN_TOKEN}` }, payload: { name: '令牌新增饭店', industry: 'catering' } })
      expect(r.statusCode).toBe(201)
      const audit = await t.database.db.select().from(schema.auditLog).where(eq(schema.auditLog.action, 'business.create'))
      expect(audit.find((a) => a.targetId === String(r.json().id))).toMatchObject({ actorKind: 'token', actorName: 'ops' })
    })

    it('when another site posts without a session, then it is refused even for the loopback admin', async () => {
      const r = await http().inject({ method: 'POST', url: '/console/sign-in', headers: { 'sec-fetch-site': 'cross-site' }, payload: { username: 'admin', password: CONSOLE_PASSWORD }, remoteAddress: '10.0.0.8' })
      expect(r.statusCode).toBe(403)
    })

    it('when the role may not, then 403: viewer cannot act or manage, officer cannot manage or read the audit log', async () => {
      const denied: [Session, string, string, object?][] = [
        [viewer, 'POST', `/console/api/hazards/${code}/accept`, {}],
        [viewer, 'POST', `/console/api/hazards/${code}/verify`, { passed: true }],
        [viewer, 'POST', '/console/api/businesses', { name: '某某饭店', industry: 'catering' }],
        [viewer, 'GET', '/console/api/people'],
        [officer, 'GET', '/console/api/people'],
        [officer, 'POST', '/console/api/people', { name: '某人', role: 'viewer' }],
        [officer, 'POST', `/console/api/people/${s.owner.id}/bind-code`],
        [officer, 'PUT', `/console/api/businesses/${s.shop.id}`, { name: '城关老街饭店', industry: 'catering' }],
        [officer, 'GET', '/console/api/audit'],
        [viewer, 'GET', '/console/api/audit'],
      ]
      for (const [who, method, url, payload] of denied) {
        const r = await who.call({ method: method as 'GET', url, payload })
        expect(r.statusCode, `${method} ${url}`).toBe(403)
      }
      expect((await leader.call({ url: '/console/api/audit' })).statusCode).toBe(200)
    })

    it('when an officer of another township opens, acts on or fetches photos of a hazard, then 403', async () => {
      const d = (await officer.call({ url: `/console/api/hazards/${code}` })).json()
      const photo = d.photos[0].url as string
      expect((await otherOfficer.call({ url: `/console/api/hazards/${code}` })).statusCode).toBe(403)
      expect((await otherOfficer.call({ url: photo })).statusCode).toBe(403)
      const r = await otherOfficer.call({ method: 'POST', url: `/console/api/hazards/${code}/accept`, payload: {} })
      expect(r.statusCode).toBe(403)
      expect(r.json().message).toBe('这不在您负责的范围内')
      // the admin API honours the same scope for a session
      const list = (await otherOfficer.call({ url: '/api/hazards' })).json()
      expect(list.items.map((i: { code: string }) => i.code)).not.toContain(code)
      expect((await officer.call({ url: '/api/hazards' })).json().items.map((i: { code: string }) => i.code)).toContain(code)
    })

    it('when a file is fetched by its hash from /api/attachments, then only those who may see its hazard or notice get it', async () => {
      const d = (await officer.call({ url: `/console/api/hazards/${code}` })).json()
      const sha = d.photos[0].sha256 as string
      const mine = await officer.call({ url: `/api/attachments/${sha}` })
      expect(mine.statusCode).toBe(200)
      expect(mine.headers['content-type']).toBe('image/png')
      const theirs = (await leader.call({ url: d.photos[0].url })).rawPayload
      expect(mine.rawPayload.equals(theirs)).toBe(true)
      const denied = await otherOfficer.call({ url: `/api/attachments/${sha}` })
      expect(denied.statusCode).toBe(403)
      expect(denied.json().message).toContain('不在您负责的范围内')
      expect(denied.rawPayload.equals(theirs)).toBe(false)
      expect((await leader.call({ url: `/api/attachments/${sha}` })).statusCode).toBe(200)
      expect((await viewer.call({ url: `/api/attachments/${sha}` })).statusCode).toBe(200)
      expect((await http().inject({ url: `/api/attachments/${sha}`, headers: { authorization: `Bearer ${ADMIN_TOKEN}` } })).statusCode).toBe(200)
      expect((await http().inject({ url: `/api/attachments/${sha}` })).statusCode).toBe(401)
      expect((await officer.call({ url: `/api/attachments/${'c'.repeat(64)}` })).statusCode).toBe(404)
      // a notice's picture: for those who may see notices (not an officer), and for whoever sees everything
      const db = t.database.db
      const pic = 'd'.repeat(64)
      await db.insert(schema.attachments).values({ sha256: pic, mime: 'image/png', size: 1, bytes: Buffer.from([1]) })
      expect((await officer.call({ url: `/api/attachments/${pic}` })).statusCode).toBe(404) // belongs to nothing yet
      expect((await leader.call({ url: `/api/attachments/${pic}` })).statusCode).toBe(200)
      await db.insert(schema.notices).values({ text: '通知', imageSha256: pic, targets: {}, sendAt: t.clock.now(), channel: 'wechaty', account: 'bot', createdByName: '局办' })
      expect((await officer.call({ url: `/api/attachments/${pic}` })).statusCode).toBe(403)
      expect((await viewer.call({ url: `/api/attachments/${pic}` })).statusCode).toBe(200)
    })
  })

  describe('a hazard in the console', () => {
    it('when the officer accepts and verifies in the console, then the same service runs, the timeline, photos and audit show it', async () => {
      const me = (await officer.call({ url: '/console/api/me' })).json()
      expect(me).toMatchObject({ name: '李明', role: 'officer', townshipName: '城关街道' })
      expect(me.can['hazard.accept']).toBe(true)

      let d = (await officer.call({ url: `/console/api/hazards/${code}` })).json()
      expect(d.actions).toEqual({ accept: true, verify: false, transfer: true, transferResult: false, void: true })
      expect((await officer.call({ method: 'POST', url: `/console/api/hazards/${code}/accept`, payload: { deadline: '明年' } })).statusCode).toBe(400)
      const accepted = await officer.call({ method: 'POST', url: `/console/api/hazards/${code}/accept`, payload: { deadline: '2026-12-31' } })
      expect(accepted.statusCode).toBe(200)
      expect(accepted.json()).toEqual({ ok: true, code, status: 'rectifying' })
      // the group hears of it as if the officer had typed the command there, the reporter mentioned
      await t.settle()
      const told = t.botSaid(s.group).find((m) => m.text?.includes(`李明 已在控制台受理 ${code}`))
      expect(told?.text).toContain('整改期限：2026-12-31')
      expect(told?.mentionIds).toEqual(['owner'])

      // verifying before rectification: the same refusal as in the chat
      const early = await officer.call({ method: 'POST', url: `/console/api/hazards/${code}/verify`, payload: { passed: true } })
      expect(early.statusCode).toBe(409)
      expect(early.json().message).toContain('单位还没有报整改')

      await t.say('owner', s.group, `#整改 ${code} 已更换燃气软管`)
      await t.photo('owner', s.group)
      const noReason = await officer.call({ method: 'POST', url: `/console/api/hazards/${code}/verify`, payload: { passed: false } })
      expect(noReason.json().message).toContain('请写明原因')
      const pass = await officer.call({ method: 'POST', url: `/console/api/hazards/${code}/verify`, payload: { passed: true, opinion: XSS } })
      expect(pass.json().status).toBe('closed')

      d = (await leader.call({ url: `/console/api/hazards/${code}` })).json()
      expect(d.status).toBe('closed')
      expect(d.deadline).toBe('2026-12-31T15:59:59.000Z')
      expect(d.events.map((e: { action: string; actorName: string }) => `${e.action}:${e.actorName}`)).toEqual(['report:张老板', 'accept:李明', 'rectify:张老板', 'verify_pass:李明'])
      expect(d.events[3].note).toBe(XSS)
      expect(d.photos.map((p: { stage: string }) => p.stage)).toEqual(['report', 'rectification'])
      const img = await leader.call({ url: d.photos[1].url })
      expect(img.statusCode).toBe(200)
      expect(img.headers['content-type']).toBe('image/png')
      expect(img.rawPayload.subarray(1, 4).toString()).toBe('PNG')
      // a photo of another hazard is not reachable through this one
      expect((await leader.call({ url: `/console/api/hazards/${code}/photos/${'b'.repeat(64)}` })).statusCode).toBe(404)

      const audit = (await admin.call({ url: `/console/api/audit?targetType=hazard&targetId=${code}` })).json()
      expect(audit.items.map((a: { action: string }) => a.action).sort()).toEqual(['hazard.accept', 'hazard.verify_pass'])
    })

    it('when the officer transfers and records the result, then the hazard can be closed', async () => {
      t.botSaid(s.group)
      await t.say('owner', s.group, '#隐患 安全出口被货物堵塞')
      const c2 = /已登记隐患 (Y\d+)/.exec(t.botSaid(s.group)[0].text!)![1]
      const tr = await officer.call({ method: 'POST', url: `/console/api/hazards/${c2}/transfer`, payload: { department: '消防大队', note: '需执法' } })
      expect(tr.json(), tr.body).toMatchObject({ status: 'transferred' })
      let d = (await officer.call({ url: `/console/api/hazards/${c2}` })).json()
      expect(d.transferDepartment).toBe('消防救援')
      expect(d.actions).toMatchObject({ transferResult: true, transfer: false, accept: false })
      await officer.call({ method: 'POST', url: `/console/api/hazards/${c2}/transfer-result`, payload: { result: '消防大队已责令整改并复查合格' } })
      await officer.call({ method: 'POST', url: `/console/api/hazards/${c2}/verify`, payload: { passed: true } })
      d = (await officer.call({ url: `/console/api/hazards/${c2}` })).json()
      expect(d.status).toBe('closed')
      expect(d.transferResult).toBe('消防大队已责令整改并复查合格')
    })

    it('when the code does not exist or is malformed, then 404 or 400 in Chinese', async () => {
      expect((await officer.call({ url: '/console/api/hazards/Y999999' })).json().message).toContain('没有找到隐患')
      expect((await officer.call({ url: '/console/api/hazards/abc' })).statusCode).toBe(400)
    })
  })

  describe('directory', () => {
    it('when the admin creates and edits a business, then what was typed is stored as typed and both changes are audited', async () => {
      const created = await admin.call({ method: 'POST', url: '/console/api/businesses', payload: { name: XSS, industry: 'catering', township: '城关街道', creditCode: '91211382MA0000000X', aboveQuota: true } })
      expect(created.statusCode).toBe(201)
      const id = created.json().id
      const dup = await admin.call({ method: 'POST', url: '/console/api/businesses', payload: { name: XSS, industry: 'catering' } })
      expect(dup.statusCode).toBe(409)
      const bad = await admin.call({ method: 'POST', url: '/console/api/businesses', payload: { name: '某店', industry: 'catering', creditCode: 'abc' } })
      expect(bad.statusCode).toBe(400)
      const edited = await admin.call({ method: 'PUT', url: `/console/api/businesses/${id}`, payload: { name: XSS, industry: 'mall', township: '红山街道', aboveQuota: false } })
      expect(edited.json()).toMatchObject({ industry: 'mall', townshipId: s.town2.id, creditCode: null })
      const list = (await admin.call({ url: '/console/api/businesses?q=老王' })).json()
      expect(list.map((b: { name: string }) => b.name)).toContain(XSS)
      // an officer lists only the businesses of its township
      const mine = (await officer.call({ url: '/console/api/businesses' })).json()
      expect(mine.every((b: { townshipId: number }) => b.townshipId === s.town.id)).toBe(true)
      const audit = (await admin.call({ url: `/console/api/audit?targetType=business&targetId=${id}` })).json()
      expect(audit.items.map((a: { action: string }) => a.action)).toEqual(['business.update', 'business.create'])
      expect(audit.items[0].detail.before.industry).toBe('catering')
    })

    it('when the admin creates a person, issues a bind code and sets an account, then the person can sign in and sees bound identities', async () => {
      const p = await admin.call({ method: 'POST', url: '/console/api/people', payload: { name: '孙科员', role: 'officer', township: '红山街道', industries: ['catering'] } })
      expect(p.statusCode).toBe(201)
      const id = p.json().id
      const member = await admin.call({ method: 'POST', url: '/console/api/people', payload: { name: '店员', role: 'member' } })
      expect(member.json().message).toContain('所属单位')
      const bc = await admin.call({ method: 'POST', url: `/console/api/people/${id}/bind-code` })
      expect(bc.json().code).toMatch(/^\d{6}$/)
      const weak = await admin.call({ method: 'POST', url: `/console/api/people/${id}/credentials`, payload: { username: 'sunky', password: 'short' } })
      expect(weak.json().message).toContain('至少 10')
      const taken = await admin.call({ method: 'POST', url: `/console/api/people/${id}/credentials`, payload: { username: 'admin', password: 'long enough pass' } })
      expect(taken.statusCode).toBe(409)
      expect((await admin.call({ method: 'POST', url: `/console/api/people/${id}/credentials`, payload: { username: 'sunky', password: 'long enough pass' } })).statusCode).toBe(200)
      const sun = await signInAs(http(), 'sunky', 'long enough pass')
      expect((await sun.call({ url: '/console/api/me' })).json()).toMatchObject({ name: '孙科员', townshipName: '红山街道', industries: ['catering'] })
      const ownerAccount = await admin.call({ method: 'POST', url: `/console/api/people/${s.owner.id}/credentials`, payload: { username: 'owner', password: 'long enough pass' } })
      expect(ownerAccount.json().message).toContain('不能登录控制台')

      const people = (await admin.call({ url: '/console/api/people' })).json()
      const li = people.find((x: { id: number }) => x.id === s.officer.id)
      expect(li).toMatchObject({ username: 'liming', townshipName: '城关街道' })
      expect(li.identities).toEqual([expect.objectContaining({ channel: 'wechaty', externalId: 'officer', displayName: '李明' })])
      // an edit of the role takes effect on the next request of that person's session
      await admin.call({ method: 'PUT', url: `/console/api/people/${id}`, payload: { name: '孙科员', role: 'viewer', township: '红山街道' } })
      expect((await sun.call({ url: '/console/api/me' })).json().role).toBe('viewer')
      const actions = (await admin.call({ url: `/console/api/audit?targetType=person&targetId=${id}` })).json().items.map((a: { action: string }) => a.action)
      expect(actions).toEqual(expect.arrayContaining(['person.create', 'person.bind_code', 'person.credentials', 'person.update']))
    })

    it('when listing groups, then scope, registration and webhook are shown, officers see their township only', async () => {
      const all = (await admin.call({ url: '/console/api/groups' })).json()
      expect(all.find((g: { name: string }) => g.name === '城关商户安全群')).toMatchObject({ registered: true, townshipName: '城关街道', webhook: false })
      expect((await otherOfficer.call({ url: '/console/api/groups' })).json()).toEqual([])
    })

    it('when filtering the audit log by actor and date, then only matching rows', async () => {
      const r = (await admin.call({ url: '/console/api/audit?actor=李明&action=hazard.&from=2026-11-01&to=2026-11-30' })).json()
      expect(r.total).toBeGreaterThanOrEqual(2)
      expect(r.items.every((a: { actorName: string; action: string }) => a.actorName === '李明' && a.action.startsWith('hazard.'))).toBe(true)
      expect((await admin.call({ url: '/console/api/audit?from=2030-01-01' })).json().total).toBe(0)
    })
  })

  describe('pages', () => {
    it('when a page or script is served, then it carries a strict Content-Security-Policy and no inline script', async () => {
      const page = await http().inject({ url: '/console/sign-in' })
      expect(page.statusCode).toBe(200)
      const csp = page.headers['content-security-policy'] as string
      expect(csp).toContain("script-src 'self'")
      expect(csp).toContain("object-src 'none'")
      expect(csp).toContain("frame-ancestors 'none'")
      expect(page.headers['x-content-type-options']).toBe('nosniff')
      expect(page.body).not.toMatch(/<script>(?!<)/)
      const shell = await admin.call({ url: '/console' })
      expect(shell.body).toContain('/console/assets/echarts.min.js')
      const echarts = await admin.call({ url: '/console/assets/echarts.min.js' })
      expect(echarts.statusCode).toBe(200)
      expect(echarts.body.length).toBeGreaterThan(100_000)
      expect((await admin.call({ url: '/console/assets/../../config.ts' })).statusCode).toBe(404)
      for (const file of ['main.js', 'lib/dom.js', 'lib/api.js', 'lib/table.js', 'lib/form.js', 'pages/registry.js', 'pages/hazard.js']) {
        const js = await http().inject({ url: `/console/assets/${file}` })
        expect(js.statusCode).toBe(200)
        expect(js.headers['content-type']).toContain('javascript')
        expect(js.body).not.toContain('innerHTML')
      }
      expect((await http().inject({ url: '/console/assets/pages/../../console-routes.ts' })).statusCode).toBe(404)
      expect((await http().inject({ url: '/console/assets/index.html' })).statusCode).toBe(404)
    })
  })
})
