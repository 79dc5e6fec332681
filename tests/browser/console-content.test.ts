import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import type { TestApp } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 内容库, 节假日与重点时段 and 值班表 in a real browser: a tip added (hostile text shown as typed), previewed as the
 * chat shows it, retired; 2027's unconfirmed 元旦 flagged, then confirmed; a duty roster saved. A township
 * officer reads them but cannot change them.
 */
const XSS = '<img src=x onerror="window.__xss=1">燃气 "软管" 🔥'

describe('内容库、节假日、值班表 in Chromium', () => {
  let t: TestApp, cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)
  const phone = async (name: string) => expect(await cb.phone(name)).toBeLessThanOrEqual(390)

  startConsoleApp({}, (a) => ({ t, cb, page, base } = a))

  it('when the clerk adds a tip, then it is listed as typed, previews as the chat shows it, and can be retired', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="content"]').click()
    await byTestId('content-table').waitFor(WAIT)
    expect(await page.locator('[data-testid="content-row"]').count()).toBeGreaterThan(3)
    await byTestId('content-new').click()
    await byTestId('content-title').fill(XSS)
    await byTestId('content-body').fill('燃气软管每两年更换一次，发现老化开裂立即停用。')
    await page.locator('[data-testid="content-form"] select[name="industries"]').selectOption('catering')
    await byTestId('content-form-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已新增')
    const row = page.locator('[data-testid="content-row"]', { hasText: '燃气软管每两年' })
    expect(await row.locator('td').first().textContent()).toBe(XSS)
    await row.getByTestId('content-preview-button').click()
    expect(await byTestId('content-preview').locator('.preview').textContent()).toBe(`【安全提示】${XSS}\n燃气软管每两年更换一次，发现老化开裂立即停用。`)
    await phone('console-content-phone.png')
    await row.getByTestId('content-retire').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已停用')
    expect(await page.locator('[data-testid="content-row"]', { hasText: '燃气软管每两年' }).textContent()).toContain('已停用')
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('when the clerk opens 2027 in 节假日, then 元旦 waits for confirmation as one day, and confirming sets the range', async () => {
    await page.goto(`${base}/console#/calendar?year=2027`)
    await byTestId('calendar-pending').waitFor(WAIT)
    expect(await byTestId('calendar-pending').textContent()).toContain('元旦')
    const row = page.locator('[data-testid="calendar-row"][data-key="new_year"]')
    expect(await row.textContent()).toContain('2027年1月1日 星期五')
    expect(await row.getByTestId('calendar-source').textContent()).toBe('默认，待确认')
    await phone('console-calendar-phone.png')
    await row.getByTestId('calendar-confirm').click()
    await byTestId('calendar-end').fill('2027-01-03')
    await byTestId('calendar-form-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已确认 2027 年元旦')
    expect(await page.locator('[data-testid="calendar-row"][data-key="new_year"] [data-testid="calendar-source"]').textContent()).toBe('局里已确认')
    expect(await page.locator('[data-testid="calendar-row"][data-key="new_year"]').textContent()).toContain('至 2027年1月3日')
  })

  it('when the clerk saves a duty roster, then it is listed', async () => {
    await page.goto(`${base}/console#/duty`)
    await byTestId('duty-new').click()
    await byTestId('duty-text').fill('带班领导：马局长 13800000000\n值班：李明 13900000000')
    await byTestId('duty-form-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已保存 2027 年元旦值班表')
    expect(await page.locator('[data-testid="duty-row"]').first().textContent()).toContain('马局长')
    await phone('console-duty-phone.png')
    expect(cb.errors).toEqual([])
  })

  it('when a township officer opens them, then they read but have no buttons to change, and the API refuses changes', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/content`)
    await byTestId('content-table').waitFor(WAIT)
    expect(await byTestId('content-new').count()).toBe(0)
    expect(await byTestId('content-edit').count()).toBe(0)
    await page.goto(`${base}/console#/calendar?year=2027`)
    await byTestId('calendar-table').waitFor(WAIT)
    expect(await byTestId('calendar-confirm').count()).toBe(0)
    const officer = await signInAs(t.app.http, 'liming')
    expect((await officer.call({ method: 'POST', url: '/api/content', payload: { kind: 'tip', title: '越权', body: '越权的提示内容' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'PUT', url: '/api/calendar/new_year/2028', payload: { start: '2028-01-01', end: '2028-01-02' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'PUT', url: '/api/duty-rosters/new_year/2028', payload: { text: '越权值班表' } })).statusCode).toBe(403)
  })
})
