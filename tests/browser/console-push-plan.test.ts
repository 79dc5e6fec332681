import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 推送计划 and the outbox in a real browser: the next 14 days of scheduled pushes (元旦 2027 said as 元旦（1月1日）,
 * the weekly summary's missing bureau group named), a dead message retried and then delivered. A township
 * officer has neither page nor API.
 */
describe('推送计划 in Chromium', () => {
  let t: TestApp, s: Seed, cb: ConsoleBrowser, page: Page, base: string
  let deadId: number
  const byTestId = (id: string) => page.getByTestId(id)

  startConsoleApp(
    {
      clock: '2026-12-20T02:00:00Z',
      seed: async (t, s) => {
        const account = t.app.channel.account()!
        const [dead] = await t.database.db
          .insert(schema.outbox)
          .values({ channel: t.app.channel.name, account, chatId: s.group, isGroup: true, priority: 2, text: '【安全提示】<b>燃气</b>软管要定期更换', status: 'dead', attempts: 8, lastError: '发送消息过于频繁', nextAttemptAt: t.clock.now(), createdAt: t.clock.now() })
          .returning()
        deadId = dead.id
      },
    },
    (a) => ({ t, s, cb, page, base } = a),
  )

  it('when the clerk opens 推送计划, then the next 14 days list tips, 元旦 (one day, not a range), the duty roster and the weekly summary with its missing group', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="push-plan"]').click()
    await byTestId('plan-table').waitFor(WAIT)
    const rows = page.locator('[data-testid="plan-row"]')
    expect(await rows.count()).toBeGreaterThan(5)
    const newYear = page.locator('[data-testid="plan-row"][data-job="key-periods"]', { hasText: '元旦' })
    expect(await newYear.textContent()).toContain('元旦（1月1日）')
    expect(await newYear.textContent()).not.toContain('1月1日至1月1日')
    expect(await newYear.textContent()).toContain('2026/12/29')
    expect(await page.locator('[data-testid="plan-row"][data-job="duty-roster"]').textContent()).toContain('2026/12/31 16:00')
    const weekly = page.locator('[data-testid="plan-row"][data-job="weekly-summary"]').first()
    expect(await weekly.getByTestId('plan-problem').textContent()).toContain('局机关工作群')
    const tips = page.locator('[data-testid="plan-row"][data-job="safety-tips"]').first()
    expect(await tips.textContent()).toContain('1 个群')
    expect(await cb.phone('console-push-plan-phone.png')).toBeLessThanOrEqual(390)
  })

  it('when a dead message is retried, then it leaves the dead list, is audited and reaches its group', async () => {
    await byTestId('tab-outbox').click()
    const row = page.locator(`[data-testid="outbox-row"][data-id="${deadId}"]`)
    await row.waitFor(WAIT)
    expect(await row.getByTestId('outbox-reason').textContent()).toBe('发送消息过于频繁')
    expect(await byTestId('status-dead').textContent()).toContain('1')
    expect(await cb.phone('console-outbox-phone.png')).toBeLessThanOrEqual(390)
    await row.getByTestId('outbox-retry').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain(`已重新排队：第 ${deadId} 条`)
    expect(await row.count()).toBe(0)
    t.app.sender.kick()
    await t.settle()
    await expect.poll(() => t.botSaid(s.group).map((e) => e.text).join('\n'), WAIT).toContain('【安全提示】<b>燃气</b>软管要定期更换')
    const audit = await t.database.db.select().from(schema.auditLog)
    expect(audit.filter((a) => a.action === 'outbox.retry').map((a) => [a.targetId, a.actorName])).toEqual([[String(deadId), '办公室小王']])
    await page.goto(`${base}/console#/push-plan/outbox?status=sent`)
    await page.locator(`[data-testid="outbox-row"][data-id="${deadId}"]`).waitFor(WAIT)
    expect(cb.errors).toEqual([])
  })

  it('when a township officer signs in, then there is no push plan page and the API refuses it', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    expect(await page.locator('[data-nav="push-plan"]').count()).toBe(0)
    const officer = await signInAs(t.app.http, 'liming')
    expect((await officer.call({ method: 'GET', url: '/api/push-plan' })).statusCode).toBe(403)
    expect((await officer.call({ method: 'GET', url: '/api/outbox?status=dead' })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: `/api/outbox/${deadId}/retry` })).statusCode).toBe(403)
  })
})
