import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import type { TestApp } from '../helpers/app.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 产业政策 (方案 3), 宣传活动 (方案 12) and the history import of the other kinds in a real browser: a measure for
 * an excluded business refused, a publicity activity recorded and summed up, a training sign-in sheet with a bad
 * row listed and a good one imported, a drill corrected; the 红山 officer sees only the city-wide and 红山's activities.
 */
describe('产业政策, 宣传活动 and 历史数据 pages in Chromium', () => {
  let t: TestApp, cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)

  startConsoleApp(
    {
      users: ['zhaohong', 'clerk'],
      seed: async (t, s) => {
        await t.database.db.insert(schema.policyExclusions).values({ businessId: s.shop.id, reason: 'larger_accident', detail: '燃气爆炸', source: '市应急管理局 凌应急罚〔2026〕9号', decidedOn: '2026-05-01', recordedBy: '管理员' })
        await t.database.db.insert(schema.publicityActivities).values({ kind: 'five_into', title: '城关进社区宣传', heldOn: '2026-06-10', townshipId: s.town.id, organiser: '城关街道', forms: ['进社区'], recordedBy: '李明' })
      },
    },
    (a) => ({ t, cb, page, base } = a),
  )

  it('when the clerk records a measure for an excluded business, then it is refused; refused with a reason, it is listed', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/policy`)
    await byTestId('policy-new').click()
    await byTestId('policy-programme').selectOption('time_honoured_brand')
    await byTestId('policy-title').fill('2026年老字号示范创建')
    await byTestId('policy-business').selectOption({ label: '城关老街饭店' })
    await byTestId('policy-requirement').fill('近三年未发生生产安全事故')
    await byTestId('policy-date').fill('2026-11-01')
    await byTestId('policy-form-submit').click()
    await expect.poll(() => byTestId('policy-form-result').textContent(), WAIT).toContain('在不再给予政策支持名单上')
    await byTestId('policy-outcome').selectOption('refused')
    await byTestId('policy-reason').fill('发生较大事故')
    await byTestId('policy-form-submit').click()
    await expect.poll(() => byTestId('policy-table').textContent(), WAIT).toContain('不予支持：发生较大事故')
    expect(await byTestId('policy-figures').textContent()).toContain('老字号示范创建')
    await page.screenshot({ path: path.join(SHOTS, 'console-policy.png'), fullPage: true })
  })

  it('when the clerk records a safety-month activity, then the summary counts it and its reach', async () => {
    await page.goto(`${base}/console#/publicity`)
    await byTestId('publicity-new').click()
    await byTestId('publicity-kind').selectOption('safety_month')
    await byTestId('publicity-title').fill('安全生产月<b>商业街</b>大屏宣传')
    await byTestId('publicity-date').fill('2026-06-16')
    await byTestId('publicity-forms').selectOption(['大屏滚动', '横幅'])
    await byTestId('publicity-reach').fill('300')
    await byTestId('publicity-form-submit').click()
    await expect.poll(() => byTestId('publicity-summary').textContent(), WAIT).toContain('全年 2 场，覆盖 300 人；安全生产月 1 场')
    // user text shows as typed
    expect(await byTestId('publicity-table').textContent()).toContain('安全生产月<b>商业街</b>大屏宣传')
    expect(await page.locator('[data-testid="publicity-table"] b').count()).toBe(0)
  })

  it('when a training sign-in sheet with a bad row is checked, then the row is listed; the good sheet imports', async () => {
    await page.goto(`${base}/console#/history`)
    await byTestId('history-kind').selectOption('trainings')
    expect(await byTestId('history-template').getAttribute('href')).toBe('/api/import/history/trainings/template.xlsx')
    expect(await byTestId('history-export').getAttribute('href')).toBe('/api/import/history/trainings/export.xlsx')
    const head = '培训主题,开始时间,结束时间,地点,对象,行业,参加人,参加单位'
    const good = `${head}\n乡镇街安全管理人员培训,2025-05-10 09:00,,市商务局,乡镇街安全管理人员,,赵红,`
    await page.locator('[data-testid="history-file"]').setInputFiles({ name: 'bad.csv', mimeType: 'text/csv', buffer: Buffer.from(`${good}\n乡镇街安全管理人员培训,2025-05-10 09:00,,市商务局,乡镇街安全管理人员,,不认识的人,`) })
    await byTestId('history-check').click()
    await expect.poll(() => byTestId('history-result').textContent(), WAIT).toContain('整批未导入')
    expect(await byTestId('history-errors').textContent()).toContain('没有人员“不认识的人”')
    await page.locator('[data-testid="history-file"]').setInputFiles({ name: 'good.csv', mimeType: 'text/csv', buffer: Buffer.from(good) })
    await byTestId('history-import').click()
    await expect.poll(() => byTestId('history-result').textContent(), WAIT).toContain('已导入 1 行培训签到')
    expect(await t.database.db.select().from(schema.trainingAttendance)).toHaveLength(1)
  })

  it('when the clerk records a drill and corrects its number of people, then the record shows the correction', async () => {
    await page.goto(`${base}/console#/drills?year=2026`)
    await byTestId('drill-new').click()
    await byTestId('drill-business').selectOption({ label: '城关老街饭店' })
    await byTestId('drill-kind').fill('疏散演练')
    await byTestId('drill-date').fill('2026-11-18')
    await byTestId('drill-people').fill('12')
    await byTestId('drill-form-submit').click()
    await expect.poll(() => byTestId('drills-table').textContent(), WAIT).toContain('疏散演练')
    await byTestId('drill-edit').first().click()
    await byTestId('drill-people').fill('15')
    await byTestId('drill-form-submit').click()
    await expect.poll(async () => (await t.database.db.select().from(schema.drills))[0]?.participants, WAIT).toBe(15)
    await expect.poll(() => byTestId('drills-table').textContent(), WAIT).toContain('疏散演练15')
  })

  it('when the 红山 officer opens 宣传活动, then the city-wide activity is listed and 城关’s is not', async () => {
    await cb.signIn('zhaohong', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/publicity?year=2026`)
    await expect.poll(() => byTestId('publicity-table').textContent(), WAIT).toContain('大屏宣传')
    expect(await byTestId('publicity-table').textContent()).not.toContain('城关进社区宣传')
    expect(cb.errors.filter((e) => !/status of (403|409|422)/.test(e))).toEqual([])
  })
})
