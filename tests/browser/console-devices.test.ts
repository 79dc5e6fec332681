import { describe, it, expect } from 'vitest'
import type { Page } from 'playwright-core'
import { startConsoleApp, signInConsole, WAIT, type ConsoleBrowser } from '../helpers/browser.js'
import { schema } from '../../db/client.js'
import { signPush } from '../../src/core/sensors.js'
import type { TestApp, Seed } from '../helpers/app.js'
import { consoleUser, CONSOLE_PASSWORD } from '../helpers/console.js'

/**
 * The 设备 page in a real browser: a detector added by hand and a smoke detector imported from a CSV table, an
 * alarm pushed by the vendor (HMAC) shows the device as 报警 and in the alarms list, where 收到 acknowledges it;
 * a device removed; the overview shows the device figures; phone-sized (390 px). The 红山 officer sees only 红山's
 * devices.
 */
const SECRET = 'acme-push-secret-0123456789'

describe('设备 page in Chromium', () => {
  let t: TestApp, s: Seed, cb: ConsoleBrowser, page: Page, base: string
  const byTestId = (id: string) => page.getByTestId(id)
  const phone = async (name: string) => expect(await cb.phone(name)).toBeLessThanOrEqual(390)

  startConsoleApp(
    {
      config: { SENSOR_HTTP_KEYS: { acme: SECRET }, QUIET_HOURS: 'off' },
      users: ['clerk'],
      seed: async (t, s) => {
        await t.database.db.insert(schema.devices).values({ vendor: 'acme', vendorDeviceId: 'HS-9', businessId: s.other.id, kind: 'gas_detector', location: '红山后厨' })
      },
    },
    (a) => ({ t, s, cb, page, base } = a),
  )

  it('when the clerk adds a detector and imports a table, then both are listed 在线; a pushed alarm shows 报警 and 收到 acknowledges it', async () => {
    await signInConsole(page, base, 'clerk', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/devices`)
    await expect.poll(() => byTestId('devices-table').textContent(), WAIT).toContain('HS-9')

    await byTestId('device-new').click()
    await byTestId('device-business').selectOption({ label: '城关老街饭店' })
    await byTestId('device-kind').selectOption('gas_detector')
    await byTestId('device-vendor').fill('acme')
    await byTestId('device-id').fill('GD-1')
    await byTestId('device-location').fill('后厨')
    await byTestId('device-form-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已登记')

    await byTestId('device-import').click()
    await byTestId('device-import-file').setInputFiles({ name: 'devices.csv', mimeType: 'text/csv', buffer: Buffer.from('厂商,设备编号,单位名称,设备类型,安装位置\nacme,SM-2,城关老街饭店,烟感,大堂\n') })
    await byTestId('device-import-submit').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已导入 1 台设备')
    const rows = byTestId('device-row')
    await expect.poll(() => rows.count(), WAIT).toBe(3)
    const gd1 = rows.filter({ hasText: 'GD-1' })
    expect(await gd1.textContent()).toContain('可燃气体探测器')
    expect(await gd1.getByTestId('device-state').textContent()).toBe('在线')
    expect(await rows.filter({ hasText: 'SM-2' }).textContent()).toContain('烟感')
  })

  it('when the vendor pushes an alarm for GD-1, then it shows 报警 and 收到 in the alarms list acknowledges it', async () => {
    const rows = byTestId('device-row')

    // the vendor's platform pushes an alarm for GD-1 (signed as the README says)
    const body = JSON.stringify({ device: 'GD-1', event: 'alarm', id: 'push-1', reading: 25, unit: '%LEL' })
    const ts = String(Math.floor(t.clock.now().getTime() / 1000))
    const res = await fetch(`${base}/api/sensors/push`, { method: 'POST', headers: { 'content-type': 'application/json', 'x-sensor-vendor': 'acme', 'x-sensor-timestamp': ts, 'x-sensor-signature': signPush(SECRET, ts, body) }, body })
    expect(res.status).toBe(200)
    await page.reload()
    await expect.poll(() => rows.filter({ hasText: 'GD-1' }).getByTestId('device-state').textContent(), WAIT).toBe('报警')
    await expect.poll(() => byTestId('device-alarm').textContent(), WAIT).toContain('1')
    await phone('console-devices-phone.png')

    await byTestId('devices-view-alarms').click()
    const alarm = byTestId('alarm-row').filter({ hasText: 'GD-1' })
    await expect.poll(() => alarm.textContent(), WAIT).toContain('未确认')
    expect(await alarm.textContent()).toContain('城关老街饭店')
    expect(await alarm.textContent()).toContain('25 %LEL')
    await phone('console-alarms-phone.png')
    await alarm.getByTestId('alarm-received').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已确认收到报警')
    await expect.poll(() => byTestId('alarm-row').filter({ hasText: 'GD-1' }).textContent(), WAIT).toContain('已收到')
    const [a] = await t.database.db.select().from(schema.alarms)
    expect(a.answer).toBe('received')
    expect(a.nextEscalationAt).toBeNull()
  })

  it('when the clerk opens the overview, then the device figures are there', async () => {

    await page.goto(`${base}/console#/overview`)
    await expect.poll(() => byTestId('figure-devices').textContent(), WAIT).toContain('3')
    expect(await byTestId('figure-devicesAlarm').textContent()).toContain('1')
    await phone('console-overview-devices-phone.png')
  })

  it('when the clerk removes the imported smoke detector, then it leaves the list', async () => {
    await page.goto(`${base}/console#/devices`)
    const sm = byTestId('device-row').filter({ hasText: 'SM-2' })
    await expect.poll(() => sm.count(), WAIT).toBe(1)
    await sm.getByTestId('device-remove').click()
    await sm.getByTestId('device-remove-confirm').click()
    await expect.poll(() => byTestId('notice').textContent(), WAIT).toContain('已移除 SM-2')
    await expect.poll(() => byTestId('device-row').count(), WAIT).toBe(2)
    expect(cb.errors).toEqual([])
  })

  it('when the 城关 officer opens 设备, then only 城关 devices are listed and nothing can be added', async () => {
    await consoleUser(t.database.db, 'liming', { role: 'officer', personId: s.officer.id })
    await cb.signIn('liming', CONSOLE_PASSWORD)
    await page.goto(`${base}/console#/devices`)
    await expect.poll(() => byTestId('devices-table').textContent(), WAIT).toContain('GD-1')
    expect(await byTestId('devices-table').textContent()).not.toContain('HS-9')
    expect(await byTestId('device-new').count()).toBe(0)
  })
})
