import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 自查 in a real browser: a restaurant self-checks its gas in the chat and fails two items; the page shows it as
 * done with its two hazards, and the other restaurant as not yet checked. The 城关 officer sees only 城关's.
 */
describe('自查 in Chromium', () => {
  let cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)

  startConsoleApp(
    {
      seed: async (t, s) => {
        expect(await t.say('owner', s.group, '#自查 燃气')).toBe('handled')
        expect(await t.say('owner', s.group, '第3项和第5项不合格 其余合格')).toBe('handled')
      },
    },
    (a) => ({ cb, page, base } = a),
  )

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
    expect(cb.errors).toEqual([])
  })
})
