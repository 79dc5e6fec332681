import path from 'node:path'
import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, SHOTS, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import type { TestApp } from '../helpers/app.js'
import { CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The plan-targets page in Chromium against the real app: statuses computed from records made through the
 * real API and chat, the as-of date, a milestone recorded from the page with its evidence, hostile text.
 * Screenshots go to .ci/out/screenshots/ with the console's.
 */
const XSS = `<script>window.__xss=1</script><img src=x onerror="window.__xss=2"> "联合" '机制' 🔥`
const XSS_FILE = `<img src=x onerror="window.__xss=3">证明"材料" 🔥.pdf`
const ADMIN = { authorization: 'Bearer targets-admin-token-0123456789' }

describe('plan targets page in Chromium', () => {
  let t: TestApp, cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)
  const row = (key: string) => page.locator(`[data-testid="target-row"][data-key="${key}"]`)
  const status = (key: string) => row(key).getAttribute('data-status')

  async function signIn(username: string) {
    await cb.signIn(username, CONSOLE_PASSWORD)
  }

  async function openTargets(at?: string) {
    await page.goto(`${base}/console#/targets${at ? `?at=${at}` : ''}`)
    await byTestId('targets-table').waitFor(WAIT)
    if (at) await expect.poll(() => byTestId('targets-at').inputValue()).toBe(at)
  }

  startConsoleApp(
    {
      clock: '2026-06-10T01:00:00Z',
      config: { ADMIN_TOKENS: [{ token: 'targets-admin-token-0123456789', role: 'admin', name: '管理员' }] },
      users: ['liming', 'admin'],
      // the second record of one stage (a 409, on purpose) is logged by Chromium as a failed resource
      expected: (m) => m.text().includes('status of 409') && m.location().url.endsWith('/api/plan/milestones'),
      seed: async (t, s) => {
        const h = t.app.http
        const ok = async (p: Promise<{ statusCode: number; body: string }>, code = 201) => {
          const r = await p
          expect(r.statusCode, r.body).toBe(code)
          return JSON.parse(r.body)
        }

        // the joint mechanism of 2024, proved by a document whose title and file name are hostile
        const evidence = { name: XSS_FILE, mime: 'application/pdf', base64: Buffer.from('%PDF-1.4 联合督导检查工作机制').toString('base64') }
        await ok(h.inject({ method: 'POST', url: '/api/plan/milestones', headers: ADMIN, payload: { targetKey: 'joint_mechanism', year: 2024, achievedOn: '2024-10-10', title: XSS, evidence } }))
        // three special inspections done in 2026, half the year's six
        for (const m of [2, 3, 4]) {
          const p = await ok(h.inject({ method: 'POST', url: '/api/inspections', headers: ADMIN, payload: { plannedOn: `2026-0${m}-10`, theme: `燃气专项检查${m}`, businessIds: [s.shop.id] } }))
          await ok(h.inject({ method: 'POST', url: `/api/inspections/${p.id}/record`, headers: ADMIN, payload: { doneOn: `2026-0${m}-12` } }), 200)
        }
        // a training today: 李明 checks in through the chat, 赵红 does not
        const tr = await ok(
          h.inject({
            method: 'POST',
            url: '/api/trainings',
            headers: ADMIN,
            payload: { topic: '乡镇街安全管理人员培训', startsAt: '2026-06-10T09:00:00+08:00', endsAt: '2026-06-10T11:00:00+08:00', place: '市商务局', audience: 'officials' },
          }),
        )
        expect(await t.say('officer', s.group, `#签到 ${tr.code} ${tr.checkinCode}`)).toBe('handled')
        t.clock.set('2026-06-30T04:00:00Z')
      },
    },
    (a) => ({ t, cb, page, base } = a),
  )

  it('when the admin opens 规划目标, then every dated target shows its progress, deadline and the status computed from the records', async () => {
    await signIn('admin')
    await page.getByRole('link', { name: '规划目标' }).click()
    await byTestId('targets-table').waitFor(WAIT)
    expect(await byTestId('targets-at').inputValue()).toBe('2026-06-30')
    const keys = await page.locator('[data-testid="target-row"]').evaluateAll((rows) => rows.map((r) => r.getAttribute('data-key')))
    expect(keys).toEqual(
      expect.arrayContaining(['responsibility.above_quota', 'responsibility.others', 'joint_mechanism.2024', 'joint_mechanism.2026', 'four_into.2025', 'inspections.2026', 'training.officials.2026', 'training.focus.2026']),
    )
    // met: proved by its evidence, shown as typed
    expect(await status('joint_mechanism.2024')).toBe('met')
    expect(await row('joint_mechanism.2024').getByTestId('target-status').textContent()).toBe('已完成')
    const item = row('joint_mechanism.2024').getByTestId('evidence-item')
    expect(await item.getByTestId('evidence-link').textContent()).toBe(XSS)
    expect(await item.locator('.hint').textContent()).toBe(XSS_FILE)
    // the evidence opens for the signed-in admin
    const href = (await item.getByTestId('evidence-link').getAttribute('href'))!
    expect(await page.evaluate(async (u) => (await fetch(u)).text(), href)).toBe('%PDF-1.4 联合督导检查工作机制')
    // missed: no evidence by the end of 2024
    expect(await status('four_into.2024')).toBe('missed')
    expect(await row('four_into.2024').getByTestId('target-evidence').textContent()).toBe('未登记')
    // on track: 3 of 6 inspections at the middle of the year
    expect(await status('inspections.2026')).toBe('on_track')
    expect(await row('inspections.2026').getByTestId('target-progress').textContent()).toContain('3 / 6（50%）')
    expect(await row('inspections.2026').locator('td').nth(2).textContent()).toBe('2026-12-31')
    // one of the two township officials trained
    expect(await row('training.officials.2026').getByTestId('target-progress').textContent()).toContain('1 / 2')
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(await page.locator('#app script, #app img').count()).toBe(0)
    await page.screenshot({ path: path.join(SHOTS, 'console-plan-targets.png'), fullPage: true })
  })

  it('when the as-of date changes, then the statuses are those of that day', async () => {
    await openTargets()
    await byTestId('targets-at').fill('2026-11-28')
    await expect.poll(() => page.url()).toContain('at=2026-11-28')
    await expect.poll(() => status('inspections.2026'), WAIT).toBe('at_risk')
    expect(await row('inspections.2026').getByTestId('target-status').textContent()).toBe('有风险')

    // before the milestone's date: not proved yet, and behind the year
    await byTestId('targets-at').fill('2024-06-01')
    await expect.poll(() => status('joint_mechanism.2024'), WAIT).toBe('at_risk')
    expect(await row('joint_mechanism.2024').getByTestId('target-evidence').textContent()).toBe('未登记')
    await byTestId('targets-at').fill('2024-12-31')
    await expect.poll(() => status('joint_mechanism.2024'), WAIT).toBe('met')
  })

  it('when the admin records a milestone with evidence on the page, then the target is met and shows the evidence as typed', async () => {
    await openTargets()
    expect(await status('four_into.2026')).not.toBe('met')
    await byTestId('milestone-new').click()
    const form = byTestId('milestone-form')
    await form.locator('select[name="stage"]').selectOption('four_into.2026')
    await byTestId('milestone-date').fill('2026-06-20')
    await byTestId('milestone-title').fill(XSS)
    // no file: the browser asks for one, nothing is sent
    await byTestId('milestone-save').click()
    expect(await byTestId('milestone-result').textContent()).toBe('')
    await byTestId('milestone-file').setInputFiles({ name: XSS_FILE, mimeType: 'application/pdf', buffer: Buffer.from('%PDF-1.4 四进') })
    await byTestId('milestone-save').click()
    await byTestId('notice').waitFor(WAIT)
    expect(await byTestId('notice').textContent()).toBe(`已登记里程碑：${XSS}`)
    await expect.poll(() => status('four_into.2026'), WAIT).toBe('met')
    const item = row('four_into.2026').getByTestId('evidence-item')
    expect(await item.getByTestId('evidence-link').textContent()).toBe(XSS)
    expect(await item.locator('.hint').textContent()).toBe(XSS_FILE)

    // the same stage again: refused with the API's words
    await byTestId('milestone-new').click()
    await byTestId('milestone-form').locator('select[name="stage"]').selectOption('four_into.2026')
    await byTestId('milestone-date').fill('2026-06-21')
    await byTestId('milestone-title').fill('再次登记')
    await byTestId('milestone-file').setInputFiles({ name: 'again.pdf', mimeType: 'application/pdf', buffer: Buffer.from('%PDF again') })
    await byTestId('milestone-save').click()
    await expect.poll(() => byTestId('milestone-result').textContent(), WAIT).toContain('已登记过')
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(await page.locator('#app script, #app img').count()).toBe(0)
  })

  it("when a township officer opens the page, then counted targets are the township's and milestones cannot be recorded there", async () => {
    await signIn('liming')
    await openTargets()
    expect(await byTestId('targets-as-of').textContent()).toContain('按城关街道统计')
    // 李明 is the one official of 城关街道, and trained
    expect(await status('training.officials.2026')).toBe('met')
    expect(await row('training.officials.2026').getByTestId('target-progress').textContent()).toContain('1 / 1')
    expect(await byTestId('milestone-new').count()).toBe(0)
  })

  it('when the admin opens 报告, then the plan’s summary, a month’s report and the statistics table download as Word, and the page fits a phone', async () => {
    const made = await t.app.http.inject({ method: 'POST', url: '/api/reports/monthly', headers: ADMIN, payload: { month: '2026-05' } })
    expect(made.statusCode, made.body).toBe(201)
    await signIn('admin')
    await page.goto(`${base}/console#/reports`)
    await byTestId('reports-table').waitFor(WAIT)
    const reportRow = page.locator('[data-testid="report-row"][data-period="2026-05"]')
    expect(await reportRow.textContent()).toContain('发现')
    const hrefs = [
      await reportRow.getByTestId('report-download').getAttribute('href'),
      await byTestId('summary-lingyuan-2024-2026').getAttribute('href'),
    ]
    for (const href of hrefs) {
      const r = await page.request.get(`${base}${href}`)
      expect(r.status()).toBe(200)
      expect(r.headers()['content-type']).toContain('wordprocessingml')
      expect((await r.body()).subarray(0, 2).toString()).toBe('PK')
    }
    const [download] = await Promise.all([page.waitForEvent('download'), byTestId('stats-docx').click()])
    expect(download.suggestedFilename()).toMatch(/^隐患统计表-\d{4}年第[一二三四]季度-按乡镇街\.docx$/)
    // the 规划目标 page names the plan it shows, and can switch
    await openTargets()
    expect(await page.locator('select[name="plan"] option').allTextContents()).toContain('全市商务领域安全生产治本攻坚三年行动方案（2024-2026年）')
    await page.setViewportSize({ width: 390, height: 844 })
    await page.goto(`${base}/console#/reports`)
    await byTestId('reports-table').waitFor(WAIT)
    expect(await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)).toBeLessThanOrEqual(0)
    await page.screenshot({ path: path.join(SHOTS, 'console-reports-phone.png'), fullPage: true })
    await page.setViewportSize({ width: 1280, height: 900 })
  })

  it('on a phone-sized screen, then the page fits and nothing failed in the page', async () => {
    await page.setViewportSize({ width: 390, height: 844 })
    await openTargets('2026-11-28')
    const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth)
    expect(overflow).toBeLessThanOrEqual(0)
    // each target is a card: its status is on the screen without scrolling sideways
    const tag = row('inspections.2026').getByTestId('target-status')
    expect(await tag.textContent()).toBe('有风险')
    const box = (await tag.boundingBox())!
    expect(box.x + box.width).toBeLessThanOrEqual(390)
    await page.screenshot({ path: path.join(SHOTS, 'console-plan-targets-phone.png'), fullPage: true })
    expect(cb.errors).toEqual([])
  })
})
