import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The registers' pages in a real browser: a campaign defined, a 较大 accident recorded (the business shows as
 * excluded), a zone with its member and its assessment record, a regulation item confirmed, the history
 * template offered; the 城关 officer sees only 城关's accidents and cannot define a campaign.
 */
describe('登记 pages in Chromium', () => {
  let cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)
  const phone = async (name: string) => expect(await cb.phone(name)).toBeLessThanOrEqual(390)

  startConsoleApp(
    {
      seed: async (t, s) => {
        await t.database.db.insert(schema.accidents).values({ businessId: s.other.id, occurredOn: '2026-05-01', level: 'general', description: '红山的事故', sourceDepartment: '市应急管理局', sourceDocument: '凌应急〔2026〕1号', recordedBy: '管理员' })
      },
    },
    (a) => ({ cb, page, base } = a),
  )

  it('when the clerk defines a campaign and records a 较大 accident, then both are listed and the business shows as excluded', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/campaigns`)
    await byTestId('campaign-new').click()
    await byTestId('campaign-name').fill('城镇燃气安全专项整治')
    await byTestId('campaign-short').fill('燃气')
    await byTestId('campaign-starts').fill('2026-06-01')
    await byTestId('campaign-ends').fill('2026-12-31')
    await byTestId('campaign-form-submit').click()
    await expect.poll(() => byTestId('campaigns-table').textContent(), WAIT).toContain('城镇燃气安全专项整治')

    await page.goto(`${base}/console#/accidents`)
    await byTestId('accident-new').click()
    await byTestId('accident-business').selectOption({ label: '城关老街饭店' })
    await byTestId('accident-level').selectOption('larger')
    await byTestId('accident-description').fill('后厨燃气爆燃，3人受伤')
    await byTestId('accident-department').fill('市应急管理局')
    await byTestId('accident-document').fill('凌应急罚〔2026〕9号')
    // the browser's today is the machine's, not the app's test clock (after 16:00 UTC it is already tomorrow in Shanghai)
    await byTestId('accident-date').fill('2026-11-20')
    await byTestId('accident-form-submit').click()
    await expect.poll(() => byTestId('accidents-table').textContent(), WAIT).toContain('已自动列入')
    await phone('console-accidents-phone.png')
    await page.goto(`${base}/console#/exclusions`)
    await expect.poll(() => byTestId('exclusions-table').textContent(), WAIT).toContain('凌应急罚〔2026〕9号')
  })

  it('when the clerk records a zone with its member, then its assessment record opens with an Excel link', async () => {
    await page.goto(`${base}/console#/zones`)
    await byTestId('zone-new').click()
    await byTestId('zone-name').fill('凌源经济开发区')
    await byTestId('zone-members').selectOption([{ label: '城关老街饭店' }])
    await byTestId('zone-form-submit').click()
    await expect.poll(() => byTestId('zones-table').textContent(), WAIT).toContain('凌源经济开发区')
    await byTestId('zone-record-open').click()
    await expect.poll(() => byTestId('zone-record').textContent(), WAIT).toContain('成员单位 1 家')
    expect(await byTestId('zone-record').textContent()).toContain('事故 1（较大及以上 1）')
    expect(await byTestId('zone-export').getAttribute('href')).toMatch(/^\/api\/zones\/\d+\/record\.xlsx\?from=2026-01-01&to=2026-12-31$/)
    await phone('console-zones-phone.png')
  })

  it('when the clerk checks a regulation item and confirms it, then it is 已确认 and may be pushed; the history page offers the template', async () => {
    await page.goto(`${base}/console#/regulations`)
    await byTestId('regulation-edit').first().click()
    await byTestId('regulation-title').fill('餐饮经营者是安全生产第一责任人')
    await byTestId('regulation-confirm').check()
    await byTestId('regulation-form-submit').click()
    await expect.poll(() => byTestId('regulations-table').textContent(), WAIT).toContain('已确认')
    await phone('console-regulations-phone.png')
    await page.goto(`${base}/console#/history`)
    expect(await byTestId('history-template').getAttribute('href')).toBe('/api/import/templates/hazards.xlsx')
    await byTestId('history-check').click()
    await expect.poll(() => byTestId('history-result').textContent(), WAIT).toContain('请先选择文件')
  })

  it('when the 城关 officer signs in, then 事故 lists only 城关, and defining a campaign is refused', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/accidents`)
    await expect.poll(() => byTestId('accidents-table').textContent(), WAIT).toContain('城关老街饭店')
    expect(await byTestId('accidents-table').textContent()).not.toContain('红山的事故')
    await page.goto(`${base}/console#/campaigns`)
    await byTestId('campaign-new').click()
    await byTestId('campaign-name').fill('城关自己的专项')
    await byTestId('campaign-short').fill('城关')
    await byTestId('campaign-starts').fill('2026-06-01')
    await byTestId('campaign-ends').fill('2026-12-31')
    await byTestId('campaign-form-submit').click()
    await expect.poll(() => byTestId('campaign-form-result').textContent(), WAIT).toContain('这是全市的记录')
    expect(cb.errors.filter((e) => !/status of 403/.test(e))).toEqual([])
  })
})
