import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, watchPage, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * Every page of the registry (src/http/console/pages/registry.js) on a phone, 390 px wide: it loads without an
 * error and the page is no wider than the screen (a wide table scrolls in its own box). For an admin and for a
 * township officer, who is offered only the pages the API lets them open.
 */
const REGISTRY = fs.readFileSync(path.resolve('src/http/console/pages/registry.js'), 'utf8')
const ROUTES = [...REGISTRY.matchAll(/\{ route: '([\w-]+)', title: '([^']+)'(, need: '([\w.]+)')?(, nav: false)?/g)].filter((m) => !m[5]).map((m) => ({ route: m[1], title: m[2] }))

describe('every console page on a phone', () => {
  let cb: ConsoleBrowser, base: string

  startConsoleApp(
    {
      seed: async (t, s) => {
        await t.say('owner', s.group, '#隐患 后厨燃气软管老化 "开裂" <b>严重</b>')
      },
    },
    (a) => ({ cb, base } = a),
  )

  const visit = async (page: Page, route: string) => {
    await page.goto(`${base}/console#/${route}`)
    await page.locator('#app h1').first().waitFor(WAIT)
    // the page's own data has arrived when its loading hint is gone
    await expect.poll(() => page.locator('#app').textContent(), WAIT).not.toContain('加载中…')
  }

  it('when the admin opens each page at 390 px, then it loads without an error and fits the screen', async () => {
    expect(ROUTES.length).toBeGreaterThanOrEqual(20)
    const context = await cb.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true })
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
    const context = await cb.browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
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
