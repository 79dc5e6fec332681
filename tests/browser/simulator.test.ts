import fs from 'node:fs'
import path from 'node:path'
import type { AddressInfo } from 'node:net'
import { describe, it, expect, beforeAll, afterAll } from 'vitest'
import type { Browser, BrowserContext, Page } from 'playwright-core'
import { launchChromium, watchPage } from '../helpers/browser.js'
import { ManualClock } from '../../src/core/clock.js'
import { startTestApp, seedBasics, uniquePng, type TestApp } from '../helpers/app.js'

/**
 * The simulator page in a real browser (Debian's Chromium driven by playwright-core) against the real app
 * (Wechaty on the mock puppet, PGlite). Screenshots go to test-results/simulator-*.png.
 */
const SHOTS = path.resolve('test-results')
const XSS_NAME = '<img src=x onerror="window.__xss=1">'
const XSS_MESSAGE = '<script>window.__xss=2</script>"quotes" 🔥'
const WAIT = { timeout: 20_000 }

describe('simulator page in Chromium', () => {
  let t: TestApp
  let browser: Browser
  let context: BrowserContext
  let page: Page
  let base: string
  const pageErrors: string[] = []

  const chatItem = (id: string) => page.locator(`[data-testid="chat-item"][data-chat-id="${id}"]`)
  const botMessage = (text: string) => page.locator('[data-testid="msg"][data-bot="true"]', { hasText: text })
  const shot = (p: Page, name: string) => p.screenshot({ path: path.join(SHOTS, `simulator-${name}.png`) })
  const sim = () => t.app.simulator!

  async function send(text: string) {
    const input = page.getByTestId('message-input')
    await input.fill(text)
    await input.press('Enter')
    await page.locator('[data-testid="msg"]', { hasText: text }).first().waitFor(WAIT)
    await expect.poll(() => input.inputValue()).toBe('')
  }

  beforeAll(async () => {
    fs.mkdirSync(SHOTS, { recursive: true })
    // the app's clock at the real time, so that messages the page sends (stamped now) are fresh
    t = await startTestApp({ clock: new ManualClock(Date.now()) })
    await seedBasics(t)
    await t.app.http.listen({ port: 0, host: '127.0.0.1' })
    base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`
    browser = await launchChromium()
    context = await browser.newContext({ viewport: { width: 1280, height: 820 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    page = await context.newPage()
    // the 400 the refusal test provokes on purpose is logged by Chromium as a failed resource
    watchPage(page, pageErrors, (m) => m.text().includes('status of 400') && m.location().url.endsWith('/sim/api/groups'))
  })

  afterAll(async () => {
    await browser?.close()
    await t?.close()
  })

  it('when /sim opens, then the seeded groups and contacts are listed and the help links to /docs', async () => {
    const res = await page.goto(`${base}/sim`)
    expect(res?.status()).toBe(200)
    expect(res?.headers()['content-type']).toContain('text/html')
    await chatItem('g1@chatroom').waitFor(WAIT)
    await expect.poll(() => page.getByTestId('conn-status').getAttribute('data-state')).toBe('ok')
    await expect.poll(() => page.getByTestId('contact-name').allTextContents()).toEqual(expect.arrayContaining(['张老板', '李明', '热心群众']))
    expect(await chatItem('dm').textContent()).toContain('私聊机器人')
    expect(await page.getByTestId('help-strip').textContent()).toContain('#验收 Y1 通过')
    expect(await page.getByTestId('docs-link').getAttribute('href')).toBe('/docs')
  })

  it('when a contact, a group and a member are added through the page, then the simulator has them', async () => {
    await page.getByTestId('new-contact-button').click()
    await page.getByTestId('contact-name-input').fill('小王')
    await page.getByTestId('contact-submit').click()
    await page.getByTestId('contact-name').filter({ hasText: /^小王$/ }).waitFor(WAIT)
    const wang = sim().contacts().find((c) => c.name === '小王')
    expect(wang).toBeDefined()

    await page.getByTestId('new-group-button').click()
    const dialog = page.getByTestId('group-dialog')
    await dialog.getByTestId('group-name-input').fill('新街商户群')
    await dialog.getByTestId('group-id-input').fill('newstreet')
    await dialog.locator(`input[data-contact-id="${wang!.id}"]`).check()
    await dialog.locator('input[data-contact-id="owner"]').check()
    await dialog.getByTestId('group-submit').click()
    await chatItem('newstreet@chatroom').waitFor(WAIT)
    expect(sim().group('newstreet@chatroom')).toMatchObject({ name: '新街商户群', memberIds: expect.arrayContaining([wang!.id, 'owner']) })
    // the new group is opened
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe('新街商户群')

    await page.getByTestId('add-members-button').click()
    const members = page.getByTestId('members-dialog')
    await members.locator('input[data-contact-id="officer"]').check()
    await members.getByTestId('members-submit').click()
    await expect.poll(() => sim().group('newstreet@chatroom')?.memberIds).toContain('officer')
    await expect.poll(() => page.getByTestId('chat-members').textContent()).toContain('李明')
  })

  it('when the server refuses a request, then its message shows in a Chinese notice', async () => {
    await page.getByTestId('new-group-button').click()
    const dialog = page.getByTestId('group-dialog')
    await dialog.getByTestId('group-name-input').fill('坏群')
    await dialog.getByTestId('group-id-input').fill('bad id!')
    await dialog.getByTestId('group-submit').click()
    const notice = page.getByTestId('error-notice').last()
    await notice.waitFor(WAIT)
    expect(await notice.textContent()).toContain('参数有误')
    expect(await notice.textContent()).toContain('ID 只能用字母')
    await dialog.getByRole('button', { name: '取消' }).click()
    expect(sim().groups().some((g) => g.name === '坏群')).toBe(false)
  })

  it('when 张老板 reports a hazard in g1, then the bot answers 已登记隐患 in a bot bubble mentioning him', async () => {
    await chatItem('g1@chatroom').click()
    await page.getByTestId('player-select').selectOption('owner')
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe('城关商户安全群')
    await send('#隐患 后厨燃气软管老化 地点:后厨')
    const reply = botMessage('已登记隐患').first()
    await reply.waitFor(WAIT)
    expect(await reply.locator('[data-testid="msg-text"]').textContent()).toMatch(/已登记隐患 Y\d+/)
    expect(await reply.locator('[data-testid="mention"]').first().textContent()).toBe('@张老板')
    expect(await reply.getAttribute('class')).toContain('mentions-me')
    expect(await reply.locator('[data-testid="msg-time"]').textContent()).toMatch(/\d\d:\d\d/)
    // his own message is on his side
    const mine = page.locator('[data-testid="msg"]', { hasText: '#隐患 后厨燃气软管老化' }).first()
    expect(await mine.getAttribute('class')).toContain('self')
  })

  it('when 张老板 attaches a photo, then it shows as an image and the bot answers 已收到照片', async () => {
    await page.getByTestId('image-input').setInputFiles({ name: 'photo.png', mimeType: 'image/png', buffer: Buffer.from(uniquePng(), 'base64') })
    await botMessage('已收到照片').first().waitFor(WAIT)
    const img = page.locator('[data-testid="msg"].self [data-testid="msg-image"]').first()
    expect(await img.getAttribute('src')).toMatch(/^data:image\/png;base64,/)
    await shot(page, 'desktop')
  })

  it('when a contact named like HTML sends markup, then both show as typed text and no script runs', async () => {
    await page.getByTestId('new-contact-button').click()
    await page.getByTestId('contact-name-input').fill(XSS_NAME)
    await page.getByTestId('contact-submit').click()
    await expect.poll(() => page.getByTestId('contact-name').allTextContents()).toContain(XSS_NAME)
    const evil = sim().contacts().find((c) => c.name === XSS_NAME)!
    expect(evil).toBeDefined()

    // play them in g1: they are not a member yet, so the page offers to add them
    await page.getByTestId('player-select').selectOption(evil.id)
    const banner = page.getByTestId('chat-banner')
    await banner.waitFor(WAIT)
    expect(await banner.textContent()).toContain(XSS_NAME)
    expect(await page.getByTestId('message-input').isDisabled()).toBe(true)
    await page.getByTestId('banner-button').click()
    await expect.poll(() => sim().group('g1@chatroom')?.memberIds).toContain(evil.id)
    await expect.poll(() => page.getByTestId('message-input').isDisabled()).toBe(false)

    await send(XSS_MESSAGE)
    // seen by someone else: the name label and the text exactly as typed
    await page.getByTestId('player-select').selectOption('owner')
    const msg = page.locator(`[data-testid="msg"][data-from="${evil.id}"]`).last()
    await msg.waitFor(WAIT)
    expect(await msg.getAttribute('class')).toContain('other')
    expect(await msg.getByTestId('msg-name').textContent()).toBe(XSS_NAME)
    expect(await msg.getByTestId('msg-text').textContent()).toBe(XSS_MESSAGE)
    expect(await page.getByTestId('chat-members').textContent()).toContain(XSS_NAME)
    expect(await page.locator('img[src="x"]').count()).toBe(0)
    expect(await page.locator('[data-testid="messages"] script').count()).toBe(0)
    expect(await page.evaluate(() => (window as unknown as { __xss?: number }).__xss)).toBeUndefined()
  })

  it('when the page is reloaded, then the chosen contact and chat are kept', async () => {
    await page.reload()
    await expect.poll(() => page.getByTestId('chat-title').textContent()).toBe('城关商户安全群')
    expect(await page.getByTestId('player-select').inputValue()).toBe('owner')
    await botMessage('已登记隐患').first().waitFor(WAIT)
  })

  it('when 李明 is played in another tab, then messages arrive without reloading', async () => {
    const other = await context.newPage()
    await other.goto(`${base}/sim`)
    await other.getByTestId('player-select').selectOption('officer')
    // same localStorage: the second tab now plays 李明 in g1; the first still shows g1
    await other.locator('[data-testid="msg"]', { hasText: '已登记隐患' }).first().waitFor(WAIT)
    const code = /Y\d+/.exec((await botMessage('已登记隐患').first().textContent()) ?? '')![0]
    await other.getByTestId('message-input').fill(`#受理 ${code} 7天`)
    await other.getByTestId('send-button').click()
    // the first tab receives both the officer's message and the bot's answer through the long poll
    await page.locator('[data-testid="msg"]', { hasText: `#受理 ${code} 7天` }).first().waitFor(WAIT)
    await botMessage(`已受理 ${code}`).first().waitFor(WAIT)
    await other.close()
  })

  it('when the page is opened on a phone, then the chat fits and the drawer lists the chats', async () => {
    const phone = await browser.newContext({ viewport: { width: 390, height: 844 }, deviceScaleFactor: 2, isMobile: true, hasTouch: true, locale: 'zh-CN', timezoneId: 'Asia/Shanghai' })
    const p = await phone.newPage()
    p.on('pageerror', (e) => pageErrors.push(`phone pageerror: ${e.message}`))
    await p.goto(`${base}/sim`)
    await p.getByTestId('player-select').selectOption('owner')
    await p.locator('[data-testid="chat-item"][data-chat-id="g1@chatroom"]').waitFor({ state: 'attached', ...WAIT })
    await expect.poll(() => p.getByTestId('chat-title').textContent()).toBe('城关商户安全群')
    await p.locator('[data-testid="msg"][data-bot="true"]', { hasText: '已收到照片' }).first().waitFor(WAIT)
    const box = await p.getByTestId('send-button').boundingBox()
    expect(box && box.x + box.width).toBeLessThanOrEqual(390)
    const overflow = await p.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)
    expect(overflow).toBe(0)
    await shot(p, 'phone')
    await p.getByTestId('drawer-toggle').click()
    await p.locator('[data-testid="chat-item"][data-chat-id="newstreet@chatroom"]').click()
    await expect.poll(() => p.getByTestId('chat-title').textContent()).toBe('新街商户群')
    await p.getByTestId('drawer-toggle').click()
    await p.waitForTimeout(300) // the slide-in transition
    await shot(p, 'phone-drawer')
    await phone.close()
  })

  it('when everything above ran, then the page logged no errors', () => {
    expect(pageErrors).toEqual([])
  })
})
