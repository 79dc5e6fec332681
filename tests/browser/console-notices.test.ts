import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 通知与提醒 in a real browser: a clerk writes a notice to a township served by a chat group and a robot-only
 * group, sees the reach before sending, members acknowledge in the simulator, the page shows who did not, the
 * reminder goes, the list exports. A township officer has no notice page and the API refuses them.
 */
const XSS = '<img src=x onerror="window.__xss=1">燃气安全 "提醒" 🔥'

describe('通知与提醒 in Chromium', () => {
  let t: TestApp, s: Seed, cb: ConsoleBrowser, page: Page, base: string
  let code: string
  const byTestId = (id: string) => page.getByTestId(id)

  startConsoleApp(
    {
      seed: async (t, s) => {
        // a push-only group in the same township, served by its WeCom robot alone
        await t.database.db.insert(schema.groups).values({ channel: 'wecom-robot', externalId: 'robot-fp-1', name: '城关加油站推送群', registered: true, townshipId: s.town.id, webhookKey: 'key-1' })
      },
    },
    (a) => ({ t, s, cb, page, base } = a),
  )

  it('when the clerk chooses a township, then the page counts the groups and people, the robot-only group marked 无法回执, and the notice goes to both', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="notices"]').click()
    await byTestId('notice-new').click()
    await byTestId('notice-form').waitFor(WAIT)
    await byTestId('notice-text').fill(XSS)
    await byTestId('notice-townships').selectOption('城关街道')
    await expect.poll(() => byTestId('reach-count').textContent(), WAIT).toContain('将发到 2 个群')
    expect(await byTestId('reach-count').textContent()).toContain('1 个群只有群机器人')
    expect(await byTestId('reach-count').textContent()).toContain('约 6 人')
    expect(await page.locator('[data-testid="reach-row"]', { hasText: '城关加油站推送群' }).textContent()).toContain('无法回执')
    expect(await byTestId('reach-last').textContent()).toContain('最后一个群约在')
    expect(await cb.phone('console-notice-compose-phone.png')).toBeLessThanOrEqual(390)

    await byTestId('notice-form-submit').click()
    await byTestId('notice-title').waitFor(WAIT)
    code = /通知 (N\d+)/.exec((await byTestId('notice-title').textContent())!)![1]
    expect(await byTestId('notice-text').textContent()).toBe(XSS)
    expect(await page.locator('[data-testid="delivery-row"]').count()).toBe(2)
    expect(await page.locator('[data-testid="delivery-row"][data-group="城关加油站推送群"] [data-testid="no-receipt"]').count()).toBe(1)
    await t.settle()
    const said = t.botSaid(s.group).map((e) => e.text ?? '')
    expect(said.some((x) => x.includes(`【通知 ${code}】`) && x.includes(XSS))).toBe(true)
    // the robot's message is queued for the robot, without asking for 收到
    const robotRows = await t.database.db.select().from(schema.outbox)
    const robot = robotRows.filter((r) => r.channel === 'wecom-robot')
    expect(robot).toHaveLength(1)
    expect(robot[0].text).not.toContain('收到')
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('when some members acknowledge in the chat, then the page shows who did not, and the reminder @-mentions only them', async () => {
    expect(await t.say('owner', s.group, '收到')).toBe('handled')
    expect(await t.say('passer', s.group, '收到')).toBe('handled')
    t.botSaid(s.group)
    await page.goto(`${base}/console#/notices/${code}`)
    await page.reload()
    await byTestId('notice-rate').waitFor(WAIT)
    expect(await byTestId('notice-rate').textContent()).toContain('2 / 6')
    const missing = await page.locator('[data-testid="missing-row"]').allTextContents()
    expect(missing).toHaveLength(4)
    expect(missing.join()).not.toContain('张老板')
    expect(missing.join()).toContain('李明')
    expect(await page.locator('[data-testid="ack-row"]').count()).toBe(2)

    await byTestId('notice-remind').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已在 1 个群里提醒')
    await t.settle()
    const reminder = t.botSaid(s.group)
    expect(reminder).toHaveLength(1)
    expect(reminder[0].text).toContain(`请回复“收到”确认通知 ${code}`)
    expect([...reminder[0].mentionIds].sort()).toEqual(['leader', 'officer', 'officer2', 'other-owner'])
    expect(await page.locator('[data-testid="delivery-row"][data-group="城关商户安全群"]').textContent()).toContain('4 人')
  })

  it('when the clerk exports the list, then the CSV names who acknowledged, who did not and the group that cannot', async () => {
    const [csv] = await Promise.all([page.waitForEvent('download', WAIT), byTestId('notice-export').click()])
    const text = fs.readFileSync((await csv.path())!, 'utf8')
    expect(text.charCodeAt(0)).toBe(0xfeff)
    expect(text).toContain('城关商户安全群,张老板,已确认')
    expect(text).toContain('城关商户安全群,李明,未确认')
    expect(text).toContain('城关加油站推送群,,无法回执')
  })

  it('on a phone, then the list and the notice fit 390 px', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${base}/console#/notices`)
    await page.locator(`[data-testid="notice-row"][data-code="${code}"]`).waitFor(WAIT)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-notices-phone.png'), fullPage: true })
    await page.goto(`${base}/console#/notices/${code}`)
    await byTestId('notice-rate').waitFor(WAIT)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-notice-phone.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 860 })
    expect(cb.errors).toEqual([])
  })

  it('when a township officer signs in, then there is no notice page and the API refuses to list, send or remind', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    expect(await page.locator('[data-nav="notices"]').count()).toBe(0)
    const officer = await signInAs(t.app.http, 'liming')
    expect((await officer.call({ method: 'GET', url: '/api/notices' })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: '/api/notices/preview', payload: { targets: { townships: ['红山街道'] } } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: `/api/notices/${code}/remind` })).statusCode).toBe(403)
    expect((await officer.call({ method: 'GET', url: `/api/notices/${code}/export.csv` })).statusCode).toBe(403)
  })
})
