import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, signInConsole, watchPage, SHOTS, WAIT } from '../helpers/browser.js'
import { ManualClock } from '../../src/core/clock.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * Every page of the registry (src/http/console/pages/registry.js) on a phone, 390 px wide: it loads without an
 * error and the page is no wider than the screen (a wide table scrolls in its own box). For an admin and for a
 * township officer, who is offered only the pages the API lets them open.
 */
const REGISTRY = fs.readFileSync(path.resolve('src/http/console/pages/registry.js'), 'utf8')
const ROUTES = [...REGISTRY.matchAll(/\{ route: '([\w-]+)', title: '([^']+)'(, need: '([\w.]+)')?(, nav: false)?/g)].filter((m) => !m[5]).map((m) => ({ route: m[1], title: m[2] }))

describe('every console page on a phone', () => {
  let t: TestApp
  let s: Seed
  let browser: Browser
  let base: string

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true })
    t = await startTestApp({ clock: new ManualClock(new Date('2026-12-03T02:00:00Z')) })
    s = await seedBasics(t)
    await consoleUser(t.database.db, 'liming', { role: 'officer', personId: s.officer.id })
    await consoleUser(t.database.db, 'clerk', { role: 'admin', name: '办公室小王' })
    await t.say('owner', s.group, '#隐患 后厨燃气软管老化 "开裂" <b>严重</b>')
    await t.app.http.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`
    browser = await launchChromium()
  })

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  const visit = async (page: Page, route: string) => {
    await page.goto(`${base}/console#/${route}`)
    await page.locator('#app h1').first().waitFor(WAIT)
    // the page's own data has arrived when its loading hint is gone
    await expect.poll(() => page.locator('#app').textContent(), WAIT).not.toContain('加载中…')
  }

  it('when the admin opens each page at 390 px, then it loads without an error and fits the screen', async () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(20)
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true })
    const page = await context.newPage()
    const errors: string[] = []
    watchPage(page, errors)
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    const nav = await page.locator('[data-testid="nav"] a').evaluateAll((as) => as.map((a) => a.getAttribute('data-nav')))
    expect(nav).toEqual(ROUTES.map((r) => r.route))
    for (const { route } of ROUTES) {
      await visit(page, route)
      expect(await page.getByTestId('error').count(), route).toBe(0)
      expect(await page.evaluate(() => document.documentElement.scrollWidth), route).toBeLessThanOrEqual(390)
      await page.screenshot({ path: path.join(SHOTS, `console-page-${route}-phone.png`), fullPage: true })
    }
    expect(errors).toEqual([])
    await context.close()
  })

  it('when a township officer signs in, then every page offered opens without an error and the others are not offered', async () => {
    const context = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const page = await context.newPage()
    const errors: string[] = []
    watchPage(page, errors)
    await signInConsole(page, base, 'liming', CONSOLE_PASSWORD)
    const offered = await page.locator('[data-testid="nav"] a').evaluateAll((as) => as.map((a) => a.getAttribute('data-nav')))
    for (const hidden of ['notices', 'push-plan', 'tasks', 'people', 'import', 'audit']) expect(offered).not.toContain(hidden)
    for (const route of offered) {
      await visit(page, route!)
      expect(await page.getByTestId('error').count(), route!).toBe(0)
    }
    expect(errors).toEqual([])
    await context.close()
  })
})
