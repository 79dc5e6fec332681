import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { seedDemo } from '../../db/seed/demo.js'
import { ManualClock } from '../../src/core/clock.js'
import { namedGroup } from '../../src/services/pushes.js'
import { demoConsoleAccounts, hasConsoleAdmin, issueSetupToken, tellSecret } from '../../src/services/first-start.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { signInAs } from '../helpers/console.js'

/** First start: the demo's console accounts, secrets never in a kept log, and the one-time link for the first admin. */
describe('first start', () => {
  let t: TestApp

  beforeAll(async () => {
    t = await startTestApp({ clock: new ManualClock(new Date('2026-12-03T02:00:00Z')) })
  })
  afterAll(async () => t?.close())

  it('when there is no admin, then a setup link creates the first one once, within 30 minutes, its token stored hashed', async () => {
    const db = t.database.db
    expect(await hasConsoleAdmin(db)).toBe(false)
    const token = await issueSetupToken(db, t.clock.now())
    const [row] = await db.select().from(schema.consoleSetupTokens)
    expect(row.tokenHash).not.toContain(token)
    expect(row.tokenHash).toMatch(/^[0-9a-f]{64}$/)

    const form = await t.app.http.inject({ url: `/console/setup?token=${token}` })
    expect(form.statusCode).toBe(200)
    expect(form.body).toContain(`value="${token}"`)
    expect(form.headers['content-security-policy']).toContain("script-src 'self'")
    expect((await t.app.http.inject({ url: '/console/setup?token=not-a-real-token-0123456789' })).statusCode).toBe(403)

    const made = await t.app.http.inject({ method: 'POST', url: '/console/setup', payload: `token=${token}&name=${encodeURIComponent('张主任')}&username=zhang&password=${encodeURIComponent('a long password 1')}`, headers: { 'content-type': 'application/x-www-form-urlencoded' } })
    expect(made.statusCode).toBe(303)
    expect(made.headers.location).toBe('/console/sign-in')
    expect(await hasConsoleAdmin(db)).toBe(true)
    const admin = await signInAs(t.app.http, 'zhang', 'a long password 1')
    expect((await admin.call({ url: '/console/api/me' })).json()).toMatchObject({ name: '张主任', role: 'admin' })

    // single use
    const again = await t.app.http.inject({ method: 'POST', url: '/console/setup', payload: { token, name: '再来', username: 'again', password: 'a long password 2' } })
    expect(again.statusCode).toBe(403)
    expect(again.json().message).toContain('已用过或已过期')
    expect((await t.app.http.inject({ url: `/console/setup?token=${token}` })).statusCode).toBe(403)

    // 30 minutes
    const late = await issueSetupToken(db, t.clock.now())
    t.clock.advance(31 * 60_000)
    expect((await t.app.http.inject({ method: 'POST', url: '/console/setup', payload: { token: late, name: '晚了', username: 'late', password: 'a long password 3' } })).statusCode).toBe(403)
  })

  it('when the demo is loaded, then an admin and a township officer get console accounts once, and the bureau group exists', async () => {
    const db = t.database.db
    await seedDemo(db)
    const accounts = await demoConsoleAccounts(db, t.clock.now())
    expect(accounts.map((a) => a.username)).toEqual(['admin', 'liming'])
    for (const a of accounts) expect(a.password).toMatch(/^[A-Za-z0-9]{16}$/)
    const officer = await signInAs(t.app.http, 'liming', accounts[1].password)
    expect((await officer.call({ url: '/console/api/me' })).json()).toMatchObject({ name: '李明', role: 'officer', townshipName: '城关街道' })
    expect(await demoConsoleAccounts(db, t.clock.now())).toEqual([])
    const bureau = await namedGroup(db, t.config.BUREAU_GROUP)
    expect(bureau?.name).toBe('局机关工作群')
    const [g] = await db.select().from(schema.groups).where(eq(schema.groups.name, '局机关工作群'))
    expect(g.registered).toBe(false)
  })

  it('when standard output is not a terminal, then secrets go to an owner-only file and nothing is printed', () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'first-start-'))
    const printed: string[] = []
    const file = tellSecret(['admin / secret-password'], { tty: false, dataDir: dir, file: 'demo-console-accounts.txt', print: (x) => printed.push(x) })
    expect(printed).toEqual([])
    expect(fs.readFileSync(file!, 'utf8')).toContain('secret-password')
    expect(fs.statSync(file!).mode & 0o777).toBe(0o600)
    expect(tellSecret(['admin / secret-password'], { tty: true, dataDir: dir, file: 'x.txt', print: (x) => printed.push(x) })).toBeNull()
    expect(printed).toEqual(['admin / secret-password'])
    fs.rmSync(dir, { recursive: true })
  })
})
