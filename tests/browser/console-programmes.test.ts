import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The plan's oversight pages in a real browser: 展览备案 approved only once the last document is uploaded (as
 * files), 责任制 verified, 专项检查 planned and recorded, 不予政策支持名单 recorded and shown on 通报表扬 with the
 * reason, 瓶改管 recorded, a commendation published. The 城关 officer sees only 城关 and cannot decide exhibitions.
 */
describe('方案工作 pages in Chromium', () => {
  let t: TestApp, s: Seed, cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)
  const phone = async (name: string) => expect(await cb.phone(name)).toBeLessThanOrEqual(390)
  const pdf = (name: string) => ({ name, mimeType: 'application/pdf', buffer: Buffer.from(`%PDF-1.4 ${name}`) })

  startConsoleApp(
    {
      // the refused approval (材料不全) is a 409/422 the page shows; Chromium logs it as a failed resource
      expected: (m) => /status of 4\d\d/.test(m.text()) && m.location().url.includes('/decision'),
      seed: async (t, s) => {
        await t.database.db.insert(schema.responsibilitySystems).values({ businessId: s.shop.id, status: 'revised', submittedAt: t.clock.now(), submittedByPersonId: s.owner.id })
        // this year's self-check done: 城关老街饭店 may be commended
        expect(await t.say('owner', s.group, '#自查 燃气')).toBe('handled')
        expect(await t.say('owner', s.group, '全部合格')).toBe('handled')
      },
    },
    (a) => ({ t, s, cb, page, base } = a),
  )

  it('when an exhibition is a large public event, then it is approved only after the last of its three documents is uploaded', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/exhibitions`)
    await byTestId('exhibition-new').click()
    await byTestId('exhibition-name').fill('2026 凌源年货博览会')
    await byTestId('exhibition-organiser').fill('凌源市会展中心')
    await byTestId('exhibition-starts').fill('2026-12-20')
    await byTestId('exhibition-ends').fill('2026-12-25')
    await byTestId('exhibition-large').check()
    await byTestId('exhibition-form-submit').click()
    const row = page.locator('[data-testid="exhibition-row"][data-name="2026 凌源年货博览会"]')
    await row.waitFor(WAIT)
    expect(await row.textContent()).toContain('缺公安安全许可')
    const approve = async () => {
      await row.getByTestId('exhibition-decide').click()
      await byTestId('decision').selectOption('approved')
      await byTestId('decision-form-submit').click()
    }
    await approve()
    await expect.poll(() => byTestId('decision-form-result').textContent(), WAIT).toContain('材料不全')
    await row.getByTestId('upload-safety_plan').setInputFiles(pdf('安全工作方案.pdf'))
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已上传安全工作方案')
    await row.getByTestId('upload-emergency_plan').setInputFiles(pdf('应急预案.pdf'))
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已上传应急预案')
    await approve()
    await expect.poll(() => byTestId('decision-form-result').textContent(), WAIT).toContain('缺公安机关大型群众性活动安全许可')
    await row.getByTestId('upload-police_permit').setInputFiles(pdf('公安许可.pdf'))
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已上传公安安全许可')
    await phone('console-exhibitions-phone.png')
    await approve()
    await expect.poll(() => row.getByTestId('exhibition-decision').textContent(), WAIT).toBe('已通过')
    // the document is stored as the file sent
    const href = await row.locator('[data-doc="police_permit"] a').getAttribute('href')
    const got = await page.request.get(`${base}${href}`)
    expect(await got.text()).toBe('%PDF-1.4 公安许可.pdf')
  })

  it('when the clerk verifies a revised responsibility system, then it is 已核验', async () => {
    await page.goto(`${base}/console#/responsibility`)
    const row = page.locator('[data-testid="responsibility-row"][data-name="城关老街饭店"]')
    await row.waitFor(WAIT)
    expect(await row.getByTestId('responsibility-status').textContent()).toBe('已修订待核验')
    await row.getByTestId('responsibility-verify').click()
    await expect.poll(() => row.getByTestId('responsibility-status').textContent(), WAIT).toBe('已核验')
    await phone('console-responsibility-phone.png')
  })

  it('when a special inspection is planned and recorded, then the year counts it as done', async () => {
    await page.goto(`${base}/console#/inspections`)
    await byTestId('inspection-new').click()
    await byTestId('inspection-theme').fill('城镇燃气安全专项检查')
    await byTestId('inspection-date').fill('2026-12-05')
    await page.locator('[data-testid="inspection-form"] select[name="departments"]').selectOption({ index: 0 })
    await byTestId('inspection-form-submit').click()
    const row = page.locator('[data-testid="inspection-row"][data-theme="城镇燃气安全专项检查"]')
    await row.waitFor(WAIT)
    expect(await row.textContent()).toContain('联合检查')
    await row.getByTestId('inspection-record').click()
    await byTestId('record-note').fill('检查餐饮单位3家，发现问题1处')
    await byTestId('record-form-submit').click()
    await expect.poll(() => byTestId('inspection-figures').textContent(), WAIT).toContain('已完成 1 次')
    await phone('console-inspections-phone.png')
  })

  it('when a business is put on the exclusion list, then 通报表扬 says why it cannot be commended; a commendable one is published', async () => {
    await page.goto(`${base}/console#/exclusions`)
    await byTestId('exclusion-new').click()
    await byTestId('exclusion-business').selectOption({ label: '红山羊汤馆' })
    await byTestId('exclusion-detail').fill('拒不整改燃气隐患，造成严重不良影响')
    await byTestId('exclusion-source').fill('市应急管理局 凌应急罚〔2026〕12号')
    await byTestId('exclusion-form-submit').click()
    await page.locator('[data-testid="exclusion-row"]', { hasText: '红山羊汤馆' }).waitFor(WAIT)
    await phone('console-exclusions-phone.png')

    await page.goto(`${base}/console#/commendations`)
    const red = page.locator('[data-testid="candidate-row"][data-name="红山羊汤馆"]')
    await red.waitFor(WAIT)
    expect(await red.getByTestId('commendation-eligible').textContent()).toBe('不可')
    expect(await red.textContent()).toContain('不予政策支持')
    const shop = page.locator('[data-testid="candidate-row"][data-name="城关老街饭店"]')
    expect(await shop.getByTestId('commendation-eligible').textContent()).toBe('可以')
    await shop.getByTestId('commendation-pick').check()
    await byTestId('commendation-publish').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已发布通报表扬：1 家单位')
    await t.settle()
    expect(t.botSaid(s.group).map((e) => e.text ?? '').join('\n')).toContain('城关老街饭店')
    await phone('console-commendations-phone.png')
  })

  it('when a restaurant is recorded as converted from bottles to pipes, then the progress counts it', async () => {
    await page.goto(`${base}/console#/gas`)
    const row = page.locator('[data-testid="gas-row"][data-name="城关老街饭店"]')
    await row.waitFor(WAIT)
    await row.getByTestId('gas-edit').click()
    await byTestId('gas-plan').selectOption('bottle_to_pipe')
    await byTestId('gas-status').selectOption('converted')
    await byTestId('gas-date').fill('2026-11-30')
    await byTestId('gas-form-submit').click()
    await expect.poll(() => byTestId('gas-figures').textContent(), WAIT).toContain('瓶改管 1 / 1')
    await phone('console-gas-phone.png')
    expect(cb.errors).toEqual([])
  })

  it('when the 城关 officer opens them, then only 城关 businesses show and city-wide decisions are refused', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    for (const [route, table] of [
      ['responsibility', 'responsibility-table'],
      ['gas', 'gas-table'],
      ['commendations', 'candidates-table'],
    ]) {
      await page.goto(`${base}/console#/${route}`)
      await byTestId(table).waitFor(WAIT)
      expect(await byTestId(table).textContent()).not.toContain('红山羊汤馆')
    }
    await page.goto(`${base}/console#/exclusions`)
    await byTestId('exclusions-table-empty').waitFor(WAIT)
    const officer = await signInAs(t.app.http, 'liming')
    const [filing] = await t.database.db.select().from(schema.exhibitionFilings)
    expect((await officer.call({ method: 'POST', url: `/api/exhibitions/${filing.id}/decision`, payload: { decision: 'rejected', note: '越权' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'PUT', url: `/api/gas-conversions/${s.other.id}`, payload: { fuel: 'electric' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: '/api/commendations', payload: { title: '越权表扬', businessIds: [s.shop.id] } })).statusCode).toBe(403)
  })
})
