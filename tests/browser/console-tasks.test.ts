import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import type { TestApp } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * 督办任务 in a real browser: the clerk assigns a task to two officers, one acknowledges and one completes it from
 * the chat, the board shows 已确认 / 已完成, then 逾期 after the deadline. A township officer has no task board.
 */
describe('督办任务 in Chromium', () => {
  let t: TestApp, cb: ConsoleBrowser, page: Page, base: string
  let code: string
  const byTestId = (id: string) => page.getByTestId(id)
  const statusOf = (name: string) => page.locator(`[data-testid="assignee-row"][data-name="${name}"] [data-testid="assignee-status"]`).textContent()

  startConsoleApp({}, (a) => ({ t, cb, page, base } = a))

  it('when the clerk assigns a task to two officers, then each gets it by direct message and the board lists both as 未确认', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.locator('[data-nav="tasks"]').click()
    await byTestId('task-new').click()
    await byTestId('task-text').fill('请于本周内完成辖区加油站安全检查并报告 "<重点>"')
    await byTestId('task-deadline').fill('2026-12-05')
    expect(await page.locator('.date-said').first().textContent()).toBe('2026年12月5日 星期六')
    await byTestId('task-officers').fill('李明、赵红')
    await byTestId('task-form-submit').click()
    await byTestId('task-title').waitFor(WAIT)
    code = /(R\d+)/.exec((await byTestId('task-title').textContent())!)![1]
    expect(await statusOf('李明')).toBe('未确认')
    expect(await statusOf('赵红')).toBe('未确认')
    await t.settle()
    expect(t.botSaid('dm:officer').map((e) => e.text ?? '').join('\n')).toContain(code)
  })

  it('when one acknowledges and the other completes from the chat, then the board shows it; after the deadline the open one is 逾期', async () => {
    expect(await t.say('officer', undefined, '收到')).toBe('handled')
    expect(await t.say('officer2', undefined, `收到 ${code}`)).toBe('handled')
    expect(await t.say('officer2', undefined, `完成 ${code} 已检查加油站5家，问题2处已督促整改`)).toBe('handled')
    await page.reload()
    await byTestId('task-summary').waitFor(WAIT)
    expect(await statusOf('李明')).toBe('已确认')
    expect(await statusOf('赵红')).toBe('已完成')
    expect(await page.locator('[data-testid="assignee-row"][data-name="赵红"]').textContent()).toContain('已检查加油站5家')
    t.clock.advance(3 * 86_400_000)
    // three days on, the console session has ended: sign in again
    await cb.signIn('clerk', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/tasks/${code}`)
    await byTestId('task-summary').waitFor(WAIT)
    expect(await statusOf('李明')).toBe('逾期')
    expect(await byTestId('task-summary').textContent()).toContain('逾期 1')
    await page.setViewportSize({ width: 390, height: 844 })
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-task-phone.png'), fullPage: true })
    await page.goto(`${base}/console#/tasks`)
    await page.locator(`[data-testid="task-row"][data-code="${code}"]`).waitFor(WAIT)
    expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-tasks-phone.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 860 })
    expect(cb.errors).toEqual([])
  })

  it('when a township officer signs in, then there is no task board and the API refuses to list or assign', async () => {
    await cb.signIn('liming', CONSOLE_PASSWORD)
    expect(await page.locator('[data-nav="tasks"]').count()).toBe(0)
    const officer = await signInAs(t.app.http, 'liming')
    expect((await officer.call({ method: 'GET', url: '/api/tasks' })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: '/api/tasks', payload: { text: '越权派发', deadline: '2026-12-30', officers: ['赵红'] } })).statusCode).toBe(403)
  })
})
