import { launchChromium, watchPage } from '/work/wt-console/tests/helpers/browser.ts'
import { PAGES } from '/work/wt-console/src/http/console/pages/registry.js'
const [user, pass, tag] = process.argv.slice(2)
const base = 'http://127.0.0.1:3123'
const browser = await launchChromium()
const ctx = await browser.newContext({ viewport: { width: 390, height: 844 }, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', isMobile: true, hasTouch: true })
const page = await ctx.newPage()
const errors: string[] = []
watchPage(page, errors)
await page.goto(`${base}/console/sign-in`)
await page.getByTestId('username').fill(user)
await page.getByTestId('password').fill(pass)
await page.getByTestId('sign-in').click()
await page.locator('body[data-ready="true"]').waitFor({ timeout: 20000 })
for (const p of PAGES) {
  if (p.route === 'hazard') continue
  errors.length = 0
  const t0 = Date.now()
  await page.goto(`${base}/console#/${p.route}`)
  await page.waitForTimeout(1500)
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  const h1 = await page.locator('#app h1').first().textContent().catch(() => '')
  const err = await page.locator('[data-testid="error"]').allTextContents()
  await page.screenshot({ path: `/tmp/walk/${tag}-${p.route}.png`, fullPage: false })
  console.log(p.route, 'w=' + w, 'h1=' + h1, err.length ? 'ERR=' + err.join('|') : '', errors.join(' ; '), (Date.now() - t0) + 'ms')
}
await page.goto(`${base}/console#/hazard/Y1`)
await page.waitForTimeout(1500)
await page.screenshot({ path: `/tmp/walk/${tag}-hazard.png`, fullPage: true })
console.log('hazard', await page.evaluate(() => document.documentElement.scrollWidth), errors.join(';'))
await browser.close()
