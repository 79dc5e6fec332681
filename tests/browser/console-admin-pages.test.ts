import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect, beforeAll } from 'vitest'
import { eq } from 'drizzle-orm'
import { startConsoleApp, DESKTOP, PHONE, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { signInAs, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The pages over the APIs that had none: 天气预警, 群机器人 on 群, 自查清单, 规划文件, the monthly report generated
 * now, 个人信息 (查阅, 删除). A clerk does each task end to end; every page fits a 390 px screen; a township
 * officer only reaches their own township and gets no buttons the API would refuse.
 */
const XSS = '<img src=x onerror="window.__xss=1">推送群'
const KEY = '0a1b2c3d-4e5f-6789-abcd-ef0123456789'

describe('天气预警、群机器人、自查清单、规划文件、月度报告、个人信息 in Chromium', () => {
  let t: TestApp, s: Seed, c: ConsoleBrowser
  const byTestId = (id: string) => c.page.getByTestId(id)
  const notice = () => byTestId('notice').textContent()

  startConsoleApp(
    {
      // the refusals the tests provoke on purpose (a broken plan file, a wrong webhook address) answer 400
      expected: (m) => m.text().includes('status of 400'),
      seed: async (t, s) => {
        // a WeCom group served by the assistant's account, whose robot the clerk adds
        await t.database.db.insert(schema.groups).values({ channel: 'wecom', externalId: 'wr-chengguan', name: '城关企业微信群', registered: true, townshipId: s.town.id })
      },
    },
    (a) => ({ t, s, cb: c } = a),
  )
  beforeAll(() => c.signIn('clerk', CONSOLE_PASSWORD))

  it('when the clerk publishes a 高温 alert for 城关街道, then the page lists the groups it goes to and the outbox has it', async () => {
    await c.page.locator('[data-nav="alerts"]').click()
    await byTestId('alert-form').waitFor(WAIT)
    await c.page.locator('[data-testid="alert-form"] select[name="type"]').selectOption('高温')
    await c.page.locator('[data-testid="alert-form"] select[name="township"]').selectOption('城关街道')
    await byTestId('alert-form-submit').click()
    await expect.poll(notice, WAIT).toContain('已发布')
    const groups = await c.page.locator('[data-testid="alert-group"]').allTextContents()
    expect(groups).toContain('城关商户安全群')
    expect(groups.join()).not.toContain('局领导群')
    const queued = await t.database.db.select().from(schema.outbox).where(eq(schema.outbox.chatId, s.group))
    expect(queued.length).toBeGreaterThan(0)
    expect(await c.phone('console-alerts-phone.png')).toBeLessThanOrEqual(390)
    // on a phone the clerk picks the next page from the list instead of scrolling the bar through every page
    await c.page.setViewportSize(PHONE)
    expect(await byTestId('nav-select').inputValue()).toBe('alerts')
    await byTestId('nav-select').selectOption('groups')
    await byTestId('group-table').waitFor(WAIT)
    await c.page.setViewportSize(DESKTOP)
    expect(await byTestId('nav-select').isVisible()).toBe(false)
  })

  it('when the clerk sets a group robot and registers a robot-only group, then both show on 群 (its name as typed) and the key is never shown', async () => {
    await c.open('groups', 'group-table')
    const row = c.page.locator('[data-testid="group-row"][data-name="城关企业微信群"]')
    await row.getByTestId('webhook-set').click()
    await byTestId('webhook-url').fill('https://example.com/not-a-webhook')
    await byTestId('webhook-form-submit').click()
    await expect.poll(() => byTestId('webhook-form-result').textContent(), WAIT).toContain('webhook 地址不对')
    await byTestId('webhook-url').fill(`https://qyapi.weixin.qq.com/cgi-bin/webhook/send?key=${KEY}`)
    await byTestId('webhook-form-submit').click()
    await expect.poll(notice, WAIT).toContain('已设置“城关企业微信群”的群机器人')
    expect(await c.page.locator('[data-testid="group-row"][data-name="城关企业微信群"] [data-testid="group-robot"]').textContent()).toContain('有')
    expect(await c.page.content()).not.toContain(KEY)

    await byTestId('robot-group-new').click()
    await byTestId('robot-group-name').fill(XSS)
    await byTestId('robot-group-webhook').fill('ffffeeee-dddd-cccc-bbbb-aaaa99998888')
    await c.page.locator('[data-testid="robot-group-form"] select[name="township"]').selectOption('红山街道')
    await byTestId('robot-group-form-submit').click()
    await expect.poll(notice, WAIT).toContain('无法回执')
    const robotRow = c.page.locator('[data-testid="group-row"]', { hasText: '推送群' })
    expect(await robotRow.locator('td').first().textContent()).toBe(XSS)
    expect(await robotRow.locator('td').nth(1).textContent()).toBe('群机器人')
    expect(await c.page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
    expect(await c.phone('console-groups-phone.png')).toBeLessThanOrEqual(390)

    await c.page.locator('[data-testid="group-row"][data-name="城关企业微信群"]').getByTestId('webhook-clear').click()
    await expect.poll(notice, WAIT).toContain('已清除')
    const [g] = await t.database.db.select().from(schema.groups).where(eq(schema.groups.externalId, 'wr-chengguan'))
    expect(g.webhookKey).toBeNull()
  })

  it('when the clerk follows 自查 → 自查清单, then every list shows its items and what a failed item is filed as', async () => {
    await c.open('selfchecks', 'checklists-link')
    await byTestId('checklists-link').click()
    await byTestId('checklist').first().waitFor(WAIT)
    expect(await byTestId('checklist').count()).toBeGreaterThanOrEqual(5)
    const gas = c.page.locator('[data-testid="checklist"][data-key="gas"]')
    expect(await gas.locator('h2').textContent()).toBe('餐饮燃气安全自查')
    expect(await gas.getByTestId('checklist-item').first().textContent()).toContain('不合格记为：燃气')
    expect(await c.page.locator('[data-nav="selfchecks"]').getAttribute('class')).toContain('active')
    expect(await c.phone('console-checklists-phone.png')).toBeLessThanOrEqual(390)
  })

  it('when the clerk uploads plan files, then a broken file is refused with every problem, a good one is listed and active, and it can be stopped', async () => {
    await c.open('targets', 'plans-link')
    await byTestId('plans-link').click()
    await byTestId('plans-table').waitFor(WAIT)
    expect(await c.page.locator('[data-testid="plan-row"][data-key="lingyuan-2024-2026"] [data-testid="plan-state"]').textContent()).toBe('启用')
    await c.page.locator('[data-testid="plan-row"][data-key="lingyuan-2024-2026"]').getByTestId('plan-open').click()
    await byTestId('plan-detail').waitFor(WAIT)
    expect(await byTestId('plan-target').count()).toBeGreaterThan(5)

    const dir = fs.mkdtempSync(path.join(process.env.TMPDIR || '/tmp', 'plans-'))
    const bundled = JSON.parse(fs.readFileSync('db/plans/lingyuan-2024-2026.json', 'utf8'))
    fs.writeFileSync(path.join(dir, 'not-json.json'), '这不是 JSON')
    fs.writeFileSync(path.join(dir, 'bad.json'), JSON.stringify({ ...bundled, key: 'next-2027', from: 'someday', targets: [{ kind: 'nonsense' }] }))
    fs.writeFileSync(path.join(dir, 'next.json'), JSON.stringify({ ...bundled, key: 'next-2027-2029', title: '下一轮三年行动（测试）', from: '2027-01-01', to: '2029-12-31', targets: bundled.targets.filter((x: { kind: string }) => x.kind !== 'milestone'), outline: { tasks: [], measures: [] } }))

    await byTestId('plan-new').click()
    await byTestId('plan-file').setInputFiles(path.join(dir, 'not-json.json'))
    await byTestId('plan-form-submit').click()
    await expect.poll(() => byTestId('plan-form-result').textContent(), WAIT).toContain('不是 JSON')
    await byTestId('plan-file').setInputFiles(path.join(dir, 'bad.json'))
    await byTestId('plan-form-submit').click()
    await expect.poll(() => byTestId('plan-form-result').textContent(), WAIT).toMatch(/from|目标/)
    expect((await byTestId('plan-form-result').textContent())!.split('\n').length).toBeGreaterThan(1)
    await byTestId('plan-file').setInputFiles(path.join(dir, 'next.json'))
    await byTestId('plan-form-submit').click()
    await expect.poll(notice, WAIT).toContain('已上传并启用：下一轮三年行动（测试）')
    const next = c.page.locator('[data-testid="plan-row"][data-key="next-2027-2029"]')
    expect(await next.getByTestId('plan-state').textContent()).toBe('启用')
    expect(await c.phone('console-plans-phone.png')).toBeLessThanOrEqual(390)
    await next.getByTestId('plan-toggle').click()
    await expect.poll(notice, WAIT).toContain('已停用')
    expect(await c.page.locator('[data-testid="plan-row"][data-key="next-2027-2029"] [data-testid="plan-state"]').textContent()).toBe('停用')
  })

  it('when the clerk generates November’s report now, then it is listed with its figures and downloads', async () => {
    await c.open('reports', 'monthly-form')
    await byTestId('monthly-generate-month').fill('2026-11')
    await byTestId('monthly-form-submit').click()
    await expect.poll(notice, WAIT).toContain('已生成')
    const row = c.page.locator('[data-testid="report-row"][data-period="2026-11"]')
    expect(await row.textContent()).toContain('发现')
    const download = c.page.waitForEvent('download')
    await row.getByTestId('report-download').click()
    expect((await download).suggestedFilename()).toMatch(/\.docx$/)
    expect(await c.phone('console-reports-generate-phone.png')).toBeLessThanOrEqual(390)
  })

  it('when someone asks for their personal data and then its erasure, then the clerk shows it, hands it over as a file, and erases it', async () => {
    await c.page.locator('[data-nav="privacy"]').click()
    await byTestId('privacy-person').waitFor(WAIT)
    await byTestId('privacy-filter').fill('张老板')
    const option = await c.page.locator('[data-testid="privacy-person"] option', { hasText: '张老板' }).getAttribute('value')
    await byTestId('privacy-person').selectOption(option!)
    await byTestId('privacy-export').click()
    await byTestId('privacy-summary').waitFor(WAIT)
    expect(await byTestId('privacy-summary').textContent()).toContain('张老板 的个人信息')
    const download = c.page.waitForEvent('download')
    await byTestId('privacy-download').click()
    const file = await (await download).path()
    expect(JSON.parse(fs.readFileSync(file, 'utf8')).person.name).toBe('张老板')
    expect(await c.phone('console-privacy-phone.png')).toBeLessThanOrEqual(390)

    await byTestId('privacy-person').selectOption(option!)
    await byTestId('privacy-erase').click()
    await byTestId('erase-reason').fill('本人申请')
    await byTestId('erase-form-submit').click()
    await expect.poll(() => byTestId('erase-form-result').textContent(), WAIT).toContain('请勾选确认')
    await byTestId('erase-sure').check()
    await byTestId('erase-form-submit').click()
    await expect.poll(notice, WAIT).toContain('已删除人员')
    const [p] = await t.database.db.select().from(schema.people).where(eq(schema.people.id, s.owner.id))
    expect(p.name).not.toBe('张老板')
    expect(c.errors).toEqual([])
  })

  it('when a township officer opens these pages, then the alert goes only to their township, and nothing the API refuses is offered', async () => {
    await c.signIn('liming', CONSOLE_PASSWORD)
    const nav = await c.page.locator('[data-testid="nav"] a').allTextContents()
    expect(nav).toContain('天气预警')
    expect(nav).not.toContain('个人信息')
    expect(nav).not.toContain('报告')
    await c.open('alerts', 'alert-form')
    expect(await c.page.locator('[data-testid="alert-form"] select[name="township"] option').allTextContents()).toEqual(['城关街道'])
    await c.open('groups', 'group-table')
    expect(await byTestId('robot-group-new').count()).toBe(0)
    expect(await byTestId('webhook-set').count()).toBe(0)
    const names = await c.page.locator('[data-testid="group-row"] td:first-child').allTextContents()
    expect(names).not.toContain(XSS)
    await c.open('plans', 'plans-table')
    expect(await byTestId('plan-new').count()).toBe(0)
    expect(await byTestId('plan-toggle').count()).toBe(0)
    await c.open('privacy', 'nav')
    expect(await byTestId('privacy-person').count()).toBe(0)

    const officer = await signInAs(t.app.http, 'liming')
    expect((await officer.call({ method: 'POST', url: '/api/alerts/weather', payload: { type: '暴雨', township: '红山街道' } })).statusCode).toBe(403)
    const [g] = await t.database.db.select().from(schema.groups).where(eq(schema.groups.externalId, 'wr-chengguan'))
    expect((await officer.call({ method: 'PUT', url: `/api/wecom/groups/${g.id}/webhook`, payload: { webhook: KEY } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: '/api/wecom/robot-groups', payload: { name: '越权群', webhook: KEY } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'PATCH', url: '/api/plans/lingyuan-2024-2026', payload: { active: false } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: '/api/reports/monthly', payload: { month: '2026-10' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'POST', url: `/api/people/${s.otherOwner.id}/erase`, payload: { reason: '越权删除' } })).statusCode).toBe(403)
    expect((await officer.call({ method: 'GET', url: `/api/people/${s.otherOwner.id}/personal-data` })).statusCode).toBe(403)
    // without the CSRF token the clerk's own change is refused too
    const clerk = await signInAs(t.app.http, 'clerk')
    expect((await clerk.call({ method: 'POST', url: '/api/alerts/weather', payload: { type: '暴雨' }, csrf: false })).statusCode).toBe(403)
    expect(c.errors).toEqual([])
  })
})
