import type { AddressInfo } from 'node:net'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Page } from 'playwright-core'
import { openConsoleBrowser, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { ManualClock } from '../../src/core/clock.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 自查 in a real browser: a restaurant self-checks its gas in the chat and fails two items; the page shows it as
 * done with its two hazards, and the other restaurant as not yet checked. The 城关 officer sees only 城关's.
 */
describe('自查 in Chromium', () => {
  let t: TestApp
  let s: Seed
  let cb: ConsoleBrowser
  let page: Page
  let base: string
  let pageErrors: string[] = []
  const byTestId = (id: string) => page.getByTestId(id)

  beforeAll(async () => {
    t = await startTestApp({ clock: new ManualClock(new Date('2026-12-03T02:00:00Z')) })
    s = await seedBasics(t)
    await consoleUser(t.database.db, 'liming', { role: 'officer', personId: s.officer.id })
    await consoleUser(t.database.db, 'clerk', { role: 'admin', name: '办公室小王' })
    expect(await t.say('owner', s.group, '#自查 燃气')).toBe('handled')
    expect(await t.say('owner', s.group, '第3项和第5项不合格 其余合格')).toBe('handled')
    await t.app.http.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`
    cb = await openConsoleBrowser(base)
    page = cb.page
    pageErrors = cb.errors
  })

  afterAll(async () => {
    await cb?.close()
    await t?.close()
  })

  it('when the clerk opens 自查, then the check shows two failed items as hazards and the other restaurant as not yet checked', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="selfchecks"]').click()
    const row = page.locator('[data-testid="selfcheck-row"][data-business="城关老街饭店"]')
    await row.waitFor(WAIT)
    expect(await row.textContent()).toContain('项中2项不合格')
    expect(await row.getByTestId('finding-link').count()).toBe(2)
    expect(await page.locator('[data-testid="missing-row"]').allTextContents()).toEqual([expect.stringContaining('红山羊汤馆')])
    await row.getByTestId('finding-link').first().click()
    await byTestId('hazard-title').waitFor(WAIT)
    await page.goto(`${base}/console#/selfchecks`)
    await row.waitFor(WAIT)
    expect(await cb.phone('console-selfchecks-phone.png')).toBeLessThanOrEqual(390)
  })

  it('when the 城关 officer opens 自查, then 红山 is in neither list', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/selfchecks`)
    await page.locator('[data-testid="selfcheck-row"]').first().waitFor(WAIT)
    expect(await byTestId('missing-table-empty').textContent()).toBe('本月都已自查')
    expect(await page.locator('body').textContent()).not.toContain('红山羊汤馆')
    expect(pageErrors).toEqual([])
  })
})
