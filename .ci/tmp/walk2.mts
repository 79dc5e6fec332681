import { launchChromium, watchPage } from '/work/wt-console/tests/helpers/browser.ts'
const [user, pass, ...routes] = process.argv.slice(2)
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
for (const r of routes) {
  await page.goto(`${base}/console#/${r}`)
  await page.waitForTimeout(1500)
  const w = await page.evaluate(() => document.documentElement.scrollWidth)
  await page.screenshot({ path: `/tmp/walk/x-${r.replace(/[^a-z0-9]/gi, '_')}.png`, fullPage: true })
  console.log(r, w, errors.join(';'))
}
await browser.close()
