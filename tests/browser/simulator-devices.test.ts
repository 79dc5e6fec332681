import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Browser, Page } from 'playwright-core'
import { launchChromium, watchPage, SHOTS, WAIT } from '../helpers/browser.js'
import { ManualClock } from '../../src/core/clock.js'
import { seedDemo } from '../../db/seed/demo.js'
import { startTestApp, type TestApp } from '../helpers/app.js'
import { testDatabase } from '../helpers/db.js'

/**
 * The simulator's 设备模拟 panel in Chromium against the app in demo mode: 报警 on the restaurant's gas detector
 * shows the alarm in its group, played as the owner, who answers 误报 and sees the device 在线 again.
 */
describe('the simulator’s 设备模拟 panel in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let page: Page
  let base: string
  const pageErrors: string[] = []

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true })
    const database = await testDatabase()
    await seedDemo(database.db)
    // the app's clock at the real time, so that messages the page sends (stamped now) are fresh
    t = await startTestApp({ database, demoDevices: true, clock: new ManualClock(Date.now()) })
    await t.app.http.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`
    browser = await launchChromium()
    const context = await browser.newContext({ viewport: { width: 1280, height: 900 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await context.newPage()
    watchPage(page, pageErrors)
  })

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('when 报警 is clicked on the gas detector, then the alarm message appears in its group, and the owner’s 误报 closes it', async () => {
    await page.goto(`${base}/sim`)
    const gas = page.locator('[data-testid="device-item"]', { hasText: '可燃气体探测器（后厨）' })
    await gas.waitFor(WAIT)
    await expect.poll(() => page.getByTestId('device-item').count()).toBe(5)
    expect(await gas.getByTestId('device-state').textContent()).toBe('在线')
    expect(await gas.getByTestId('device-reading').inputValue()).toBe('25')
    expect(await gas.textContent()).toContain('城关老街饭店')

    await gas.getByTestId('device-alarm').click()
    const alarm = page.locator('[data-testid="msg"][data-bot="true"]', { hasText: '【设备报警】城关老街饭店' })
    await alarm.waitFor(WAIT)
    expect(await page.getByTestId('chat-title').textContent()).toContain('城关街道商户安全群')
    const text = (await alarm.textContent()) ?? ''
    expect(text).toContain('可燃气体探测器（后厨）报警，读数 25 %LEL')
    expect(text).toContain('【燃气泄漏·先保命】')
    const code = /误报 (A\d+)/.exec(text)?.[1]
    expect(code).toBeDefined()
    await expect.poll(() => gas.getByTestId('device-state').textContent(), WAIT).toBe(`报警中 ${code}`)
    // the page plays the owner the alarm @-mentions
    expect(await page.getByTestId('player-select').inputValue()).toBe((await t.app.sensors!.demo!.list())[0].ownerIds[0])
    await page.screenshot({ path: path.join(SHOTS, 'simulator-device-alarm.png') })

    const input = page.getByTestId('message-input')
    await input.fill(`误报 ${code}`)
    await input.press('Enter')
    await page.locator('[data-testid="msg"][data-bot="true"]', { hasText: `${code} 已按误报关闭` }).waitFor(WAIT)
    await expect.poll(() => gas.getByTestId('device-state').textContent(), WAIT).toBe('在线')
    expect(pageErrors).toEqual([])
  })
})
