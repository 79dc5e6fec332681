import path from 'node:path'
import fs from 'node:fs'
import type { AddressInfo } from 'node:net'
import { beforeAll, afterAll } from 'vitest'
import { chromium, type Browser, type ConsoleMessage, type Page } from 'playwright-core'
import type { AppConfig } from '../../src/config.js'
import { ManualClock } from '../../src/core/clock.js'
import type { CreateUserArgs } from '../../src/services/console-admin.js'
import { startTestApp, seedBasics, type TestApp, type Seed } from './app.js'
import { consoleUser } from './console.js'

/** Debian's Chromium, the only browser the tests use. */
export const CHROMIUM = '/usr/bin/chromium'
/** screenshots kept as CI artifacts */
export const SHOTS = path.resolve('.ci/out/screenshots')
/** how long a browser step may wait for the page */
export const WAIT = { timeout: 20_000 }

export async function launchChromium(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM)) {
    throw new Error(`Chromium not found at ${CHROMIUM}: the browser tests need Debian's Chromium (apt-get install -y chromium)`)
  }
  return chromium.launch({
    executablePath: CHROMIUM,
    args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--no-first-run'],
  })
}

/**
 * Collects what went wrong in the page into `errors`: uncaught exceptions, console errors (except those
 * `expected` says a test provokes on purpose) and dialogs, which are dismissed.
 */
export function watchPage(page: Page, errors: string[], expected: (m: ConsoleMessage) => boolean = () => false): void {
  page.on('pageerror', (e) => errors.push(`pageerror: ${e.message}`))
  page.on('console', (m) => {
    if (m.type() === 'error' && !expected(m)) errors.push(`console: ${m.text()} (${m.location().url})`)
  })
  page.on('dialog', (d) => {
    errors.push(`unexpected dialog: ${d.message()}`)
    void d.dismiss()
  })
}

/** Signs in on the console's sign-in page and waits until the console page is ready. */
export async function signInConsole(page: Page, base: string, username: string, password: string, timeout = 20_000): Promise<void> {
  await page.goto(`${base}/console`)
  await page.waitForURL(/\/console\/sign-in/, { timeout })
  await page.getByTestId('username').fill(username)
  await page.getByTestId('password').fill(password)
  await page.getByTestId('sign-in').click()
  await page.waitForURL(/\/console$|\/console#/, { timeout })
  await page.locator('body[data-ready="true"]').waitFor({ timeout })
}

/** desktop and phone viewports the console tests use */
export const DESKTOP = { width: 1280, height: 860 }
export const PHONE = { width: 390, height: 844 }

export interface ConsoleBrowser {
  browser: Browser
  page: Page
  /** what went wrong in the page (see watchPage) */
  errors: string[]
  /** signs out (cookies cleared) and signs in as another console user */
  signIn(username: string, password: string): Promise<void>
  /** opens #/route and waits for the element with `testid` */
  open(route: string, testid: string): Promise<void>
  /**
   * At 390 px: the page is no wider than the screen (a wide table scrolls inside its own box), and a full-page
   * screenshot goes to .ci/out/screenshots/<name>; then back to the desktop size.
   */
  phone(name: string): Promise<number>
  close(): Promise<void>
}

/** One Chromium, one zh-CN page in Asia/Shanghai, watched for errors: what every console browser test starts with. */
export async function openConsoleBrowser(base: string, expected?: (m: ConsoleMessage) => boolean): Promise<ConsoleBrowser> {
  fs.mkdirSync(SHOTS, { recursive: true })
  const browser = await launchChromium()
  const context = await browser.newContext({ viewport: DESKTOP, locale: 'zh-CN', timezoneId: 'Asia/Shanghai', acceptDownloads: true })
  const page = await context.newPage()
  const errors: string[] = []
  watchPage(page, errors, expected)
  return {
    browser,
    page,
    errors,
    async signIn(username, password) {
      await context.clearCookies()
      await signInConsole(page, base, username, password)
    },
    async open(route, testid) {
      await page.goto(`${base}/console#/${route}`)
      await page.getByTestId(testid).first().waitFor(WAIT)
    },
    async phone(name) {
      await page.setViewportSize(PHONE)
      const width = await page.evaluate(() => document.documentElement.scrollWidth)
      await page.screenshot({ path: path.join(SHOTS, name), fullPage: true })
      await page.setViewportSize(DESKTOP)
      return width
    },
    close: () => browser.close(),
  }
}

/** The console accounts the browser tests sign in with, all with CONSOLE_PASSWORD. */
const CONSOLE_USERS = {
  /** 城关街道's officer 李明 */
  liming: (s) => ({ role: 'officer', personId: s.officer.id }),
  /** 红山街道's officer 赵红 */
  zhaohong: (s) => ({ role: 'officer', personId: s.otherOfficer.id }),
  clerk: () => ({ role: 'admin', name: '办公室小王' }),
  admin: () => ({ role: 'admin', name: '系统管理员' }),
} satisfies Record<string, (s: Seed) => Omit<CreateUserArgs, 'username' | 'password'>>
export type ConsoleUserName = keyof typeof CONSOLE_USERS

export interface ConsoleApp {
  t: TestApp
  s: Seed
  cb: ConsoleBrowser
  /** cb.page */
  page: Page
  /** the app's address, http://127.0.0.1:PORT */
  base: string
}

export interface ConsoleAppOptions {
  /** when the app's clock starts (default 2026-12-03 10:00 in Shanghai) */
  clock?: Date | string | number
  config?: Partial<AppConfig>
  /** console accounts to create after seedBasics (default liming and clerk) */
  users?: ConsoleUserName[]
  /** more data, after the accounts and before the app listens */
  seed?: (t: TestApp, s: Seed) => Promise<unknown>
  /** console errors the tests provoke on purpose (see watchPage) */
  expected?: (m: ConsoleMessage) => boolean
}

/**
 * Before the suite: the real app over seedBasics, its console accounts and `seed`, listening on a free port,
 * and a console browser on it; hands them to `use`. After the suite it closes both.
 */
export function startConsoleApp(o: ConsoleAppOptions, use: (a: ConsoleApp) => void): void {
  let t: TestApp | undefined
  let cb: ConsoleBrowser | undefined
  beforeAll(async () => {
    t = await startTestApp({ clock: new ManualClock(o.clock ?? '2026-12-03T02:00:00Z'), config: o.config })
    const s = await seedBasics(t)
    for (const name of o.users ?? ['liming', 'clerk']) await consoleUser(t.database.db, name, CONSOLE_USERS[name](s))
    await o.seed?.(t, s)
    await t.app.http.listen({ port: 0, host: '127.0.0.1' })
    const base = `http://127.0.0.1:${(t.app.http.server.address() as AddressInfo).port}`
    cb = await openConsoleBrowser(base, o.expected)
    use({ t, s, cb, page: cb.page, base })
  })
  afterAll(async () => {
    await cb?.close()
    await t?.close()
  })
}
