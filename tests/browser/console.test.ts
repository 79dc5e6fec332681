import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The console in a real browser (Debian's Chromium via playwright-core) against the real app. Screenshots of
 * the overview and the ledger go to .ci/out/screenshots/.
 */
const XSS = '<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> "引号" \'单引号\' 🔥'
const XSS_NAME = `<script>window.__xss=3</script> "老王's" 饭店 🔥`

describe('console in Chromium', () => {
  let cb: ConsoleBrowser, page: Page, base: string
  let overdueCode: string
  let awaitingCode: string

  const code = (text: string) => /已登记隐患 (Y\d+)/.exec(text)![1]
  const byTestId = (id: string) => page.getByTestId(id)

  const signIn = (username: string) => signInConsole(page, base, username, CONSOLE_PASSWORD)

  startConsoleApp(
    {
      clock: Date.now(),
      config: { ADMIN_TOKENS: [{ token: 'browser-test-token-0123456789', role: 'admin', name: 'ops' }] },
      users: ['liming', 'admin'],
      // the import's 422 (a file with a bad row, on purpose) is logged by Chromium as a failed resource
      expected: (m) => m.text().includes('status of 422') && m.location().url.includes('/api/businesses/import'),
      seed: async (t, s) => {
        // one hazard waiting for verification, with photos before and after
        await t.say('owner', s.group, '#隐患 后厨燃气软管老化开裂 地点:后厨')
        awaitingCode = code(t.botSaid(s.group)[0].text!)
        await t.photo('owner', s.group)
        await t.say('officer', s.group, `#受理 ${awaitingCode} 7天`)
        await t.say('owner', s.group, `#整改 ${awaitingCode} 已更换燃气软管`)
        await t.photo('owner', s.group)
        // one overdue hazard whose description is hostile text
        t.botSaid(s.group)
        await t.say('owner', s.group, `#隐患 ${XSS} 安全出口堵塞`)
        overdueCode = code(t.botSaid(s.group)[0].text!)
        await t.say('officer', s.group, `#受理 ${overdueCode} 1天`)
        t.clock.advance(3 * 86_400_000)
      },
    },
    (a) => ({ cb, page, base } = a),
  )

  it('when an officer signs in, then the overview shows the overdue list first, the figures and four charts', async () => {
    await signIn('liming')
    expect(await byTestId('who').textContent()).toContain('李明')
    await byTestId('figure-open').waitFor(WAIT)
    expect(await byTestId('figure-open').locator('.n').textContent()).toBe('2')
    expect(await byTestId('figure-overdue').locator('.n').textContent()).toBe('1')
    const overdue = page.locator('[data-testid="overdue-list"] [data-testid="ledger-row"]')
    await expect.poll(() => overdue.count()).toBe(1)
    expect(await overdue.first().getAttribute('data-code')).toBe(overdueCode)
    // what the reporter typed shows as typed
    expect(await overdue.first().getByTestId('ledger-description').textContent()).toBe(`${XSS} 安全出口堵塞`)
    // the overdue list comes before the figures
    const order = await page.evaluate(() => {
      const list = document.querySelector('[data-testid="overdue-list"]')!
      const cards = document.querySelector('[data-testid="figure-open"]')!
      return list.compareDocumentPosition(cards) & Node.DOCUMENT_POSITION_FOLLOWING
    })
    expect(order).toBeTruthy()
    for (const c of ['byCategory', 'byIndustry', 'byTownship', 'byMonth']) await byTestId(`chart-${c}`).locator('canvas').first().waitFor(WAIT)
    await page.screenshot({ path: path.join(SHOTS, 'console-overview.png'), fullPage: true })
  })

  it('when the ledger is filtered by status and text, then only matching hazards are listed', async () => {
    await page.goto(`${base}/console#/ledger`)
    await byTestId('ledger-table').waitFor(WAIT)
    expect(await page.locator('[data-testid="ledger-table"] [data-testid="ledger-row"]').count()).toBe(2)
    await page.locator('[data-testid="ledger-filters"] select[name="status"]').selectOption('awaiting_verification')
    await byTestId('ledger-search').click()
    await expect.poll(() => page.url()).toContain('status=awaiting_verification')
    await expect.poll(() => byTestId('ledger-total').textContent()).toBe('共 1 条')
    expect(await page.locator('[data-testid="ledger-row"]').first().getAttribute('data-code')).toBe(awaitingCode)
    await page.screenshot({ path: path.join(SHOTS, 'console-ledger.png'), fullPage: true })

    await page.goto(`${base}/console#/ledger?q=${encodeURIComponent('单引号')}`)
    await expect.poll(() => byTestId('ledger-total').textContent()).toBe('共 1 条')
    expect(await page.locator('[data-testid="ledger-row"]').first().getAttribute('data-code')).toBe(overdueCode)
  })

  it('when the ledger is exported, then both the .xlsx and the .csv download', async () => {
    await page.goto(`${base}/console#/ledger`)
    await byTestId('ledger-table').waitFor(WAIT)
    const [xlsx] = await Promise.all([page.waitForEvent('download', WAIT), byTestId('export-xlsx').click()])
    const xlsxBytes = fs.readFileSync((await xlsx.path())!)
    expect(xlsx.suggestedFilename()).toMatch(/\.xlsx$/)
    expect(xlsxBytes.subarray(0, 2).toString()).toBe('PK')
    const [csv] = await Promise.all([page.waitForEvent('download', WAIT), byTestId('export-csv').click()])
    const text = fs.readFileSync((await csv.path())!, 'utf8')
    expect(csv.suggestedFilename()).toMatch(/\.csv$/)
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text).toContain(awaitingCode)
    expect(text).toContain(overdueCode)
  })

  it('when the officer opens a hazard and verifies it, then photos before and after show and it is closed', async () => {
    await page.goto(`${base}/console#/ledger`)
    await page.locator(`[data-testid="ledger-row"][data-code="${awaitingCode}"] [data-testid="hazard-link"]`).click()
    await byTestId('hazard-title').waitFor(WAIT)
    expect(await byTestId('hazard-title').textContent()).toContain('整改完成待验收')
    for (const stage of ['report', 'rectification']) {
      const img = byTestId(`photos-${stage}`).locator('img').first()
      await img.waitFor(WAIT)
      await expect.poll(() => img.evaluate((el: HTMLImageElement) => el.complete && el.naturalWidth)).toBe(1)
    }
    expect(await byTestId('timeline').locator('li').count()).toBe(3)
    await byTestId('verify-pass').click()
    await byTestId('notice').waitFor(WAIT)
    expect(await byTestId('notice').textContent()).toContain('已销号')
    expect(await byTestId('hazard-title').textContent()).toContain('已销号')
    expect(await byTestId('timeline').locator('li[data-action="verify_pass"]').textContent()).toContain('李明 验收通过')
    await page.screenshot({ path: path.join(SHOTS, 'console-hazard.png'), fullPage: true })
  })

  it('when the hostile hazard is opened, then its text shows as typed and no script ran', async () => {
    await page.goto(`${base}/console#/hazard/${overdueCode}`)
    await byTestId('hazard-facts').waitFor(WAIT)
    // the page before showed another hazard: wait for this one to replace it
    await expect.poll(() => page.locator('[data-field="隐患描述"]').textContent(), { timeout: 10_000 }).toBe(`${XSS} 安全出口堵塞`)
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(await page.locator('#app script, #app img[src="x"]').count()).toBe(0)
  })

  it('when the admin imports a file with one bad row, then nothing is imported and the report names the row', async () => {
    await page.context().clearCookies()
    await signIn('admin')
    await page.goto(`${base}/console#/import`)
    await byTestId('import-file').waitFor(WAIT)
    const csv = '\ufeff单位名称,统一社会信用代码,行业,乡镇街,地址,限上单位\n浏览器测试饭店,,餐饮,城关街道,建设路1号,否\n坏行业单位,,烧烤,城关街道,,否\n'
    await byTestId('import-file').setInputFiles({ name: '单位.csv', mimeType: 'text/csv', buffer: Buffer.from(csv) })
    await byTestId('import-submit').click()
    await byTestId('import-summary').waitFor(WAIT)
    expect(await byTestId('import-summary').textContent()).toContain('未导入')
    const rows = page.locator('[data-testid="import-error"]')
    expect(await rows.count()).toBe(1)
    expect(await rows.first().locator('td').first().textContent()).toBe('3')
    await page.goto(`${base}/console#/businesses?q=${encodeURIComponent('浏览器测试')}`)
    await byTestId('business-table').waitFor(WAIT)
    expect(await page.locator('[data-testid="business-row"]').count()).toBe(0)
  })

  it('when an admin adds a business with hostile text, then the list shows it as typed', async () => {
    await page.goto(`${base}/console#/businesses`)
    await byTestId('business-new').click()
    const form = byTestId('business-form')
    await form.locator('input[name="name"]').fill(XSS_NAME)
    await byTestId('business-save').click()
    const row = page.locator('[data-testid="business-row"]', { hasText: '老王' })
    await row.waitFor(WAIT)
    expect(await row.locator('td').first().textContent()).toBe(XSS_NAME)
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('on a phone-sized screen, then the overview still fits and nothing failed in the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${base}/console#/overview`)
    await byTestId('figure-open').waitFor(WAIT)
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    await page.screenshot({ path: path.join(SHOTS, 'console-overview-phone.png'), fullPage: true })
    expect(cb.errors).toEqual([])
  })
})
