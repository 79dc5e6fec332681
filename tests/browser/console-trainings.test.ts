import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 培训 in a real browser: the clerk creates a training for one township, a restaurant owner signs up and checks
 * in from the chat, the roster and the year's coverage show it. An officer of another township sees neither the
 * training nor its roster.
 */
describe('培训 in Chromium', () => {
  let t: TestApp, s: Seed, cb: ConsoleBrowser, page: Page, base: string
  let code: string
  let checkin: string
  const byTestId = (id: string) => page.getByTestId(id)

  startConsoleApp({ clock: '2026-12-03T01:30:00Z', users: ['zhaohong', 'clerk'] }, (a) => ({ t, s, cb, page, base } = a))

  it('when the clerk creates a training for 城关街道, then it is listed with its check-in code and announced in the group', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="trainings"]').click()
    await byTestId('training-new').click()
    const form = byTestId('training-form')
    // the form says what is missing before sending
    await byTestId('training-form-submit').click()
    expect(await byTestId('error-topic').textContent()).toBe('请填写培训主题')
    await byTestId('training-topic').fill('餐饮燃气安全培训 <b>第一期</b>')
    await byTestId('training-starts').fill('2026-12-03T10:00')
    await byTestId('training-ends').fill('2026-12-03T12:00')
    await form.locator('input[name="place"]').fill('商务局三楼会议室')
    await form.locator('select[name="targetTownships"]').selectOption('城关街道')
    await byTestId('training-form-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已新建培训 P')
    const m = /已新建培训 (P\d+)，签到码 (\w+)/.exec((await byTestId('notice').textContent())!)!
    code = m[1]
    checkin = m[2]
    expect(await page.locator(`[data-testid="training-row"][data-code="${code}"]`).textContent()).toContain('餐饮燃气安全培训 <b>第一期</b>')
    await t.settle()
    expect(t.botSaid(s.group).map((e) => e.text ?? '').join('\n')).toContain(code)
  })

  it('when the owner signs up and checks in from the chat, then the roster and the coverage show it', async () => {
    const before = await byTestId('coverage-principals').locator('strong').textContent()
    expect(await t.say('owner', s.group, `#报名 ${code}`)).toBe('handled')
    t.clock.advance(30 * 60_000)
    expect(await t.say('owner', s.group, `#签到 ${code} ${checkin}`)).toBe('handled')
    await page.goto(`${base}/console#/trainings/${code}`)
    await byTestId('roster-figures').waitFor(WAIT)
    expect(await byTestId('roster-figures').textContent()).toBe('报名 1 人，签到 1 人')
    expect(await page.locator('[data-testid="roster-row"]').first().textContent()).toContain('张老板')
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-training-phone.png'), fullPage: true })
    await page.goto(`${base}/console#/trainings`)
    await byTestId('coverage-principals').waitFor(WAIT)
    const after = await byTestId('coverage-principals').locator('strong').textContent()
    expect(Number(/：(\d+) \//.exec(after!)![1])).toBe(Number(/：(\d+) \//.exec(before!)![1]) + 1)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-trainings-phone.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 860 })
    expect(cb.errors).toEqual([])
  })

  it('when an officer of 红山街道 opens 培训, then the 城关 training is not listed and its roster is refused', async () => {
    await cb.signIn('zhaohong', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/trainings`)
    await byTestId('trainings-table-empty').waitFor(WAIT)
    const officer = await signInAs(t.app.http, 'zhaohong')
    expect((await officer.call({ method: 'GET', url: `/api/trainings/${code}/roster` })).statusCode).toBe(403)
    const made = await officer.call({ method: 'POST', url: '/api/trainings', payload: { topic: '越权培训', startsAt: '2026-12-05T09:00:00+08:00', endsAt: '2026-12-05T10:00:00+08:00', audience: 'all', targetTownships: ['城关街道'] } })
    expect(made.statusCode).toBe(403)
  })
})
