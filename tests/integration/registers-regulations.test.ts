import { describe, it, expect } from 'vitest'
import { like } from 'drizzle-orm'
import { schema } from '../../db/client.js'
import { useSeededApp, type Seed, type TestApp } from '../helpers/app.js'
import { registerJobs } from '../../schedules/index.js'
import { seedRegulations } from '../../src/services/registers/regulations.js'

const ADMIN = { authorization: 'Bearer admin-token-0123456789' }
const at = (local: string) => new Date(local + '+08:00')

/** 方案 5: the regulations series ships as drafts 待核; only what a bureau user confirmed is pushed, weekly, to its industries. */
describe('regulations and standards promotion', () => {
  let t: TestApp
  let s: Seed
  useSeededApp(
    (app, seed) => {
      t = app
      s = seed
    },
    { config: { ADMIN_TOKENS: [{ token: 'admin-token-0123456789', role: 'admin', name: '管理员' }] } },
  )
  const api = (method: 'GET' | 'POST' | 'PUT', url: string, payload?: unknown) => t.app.http.inject({ method, url, headers: ADMIN, payload: payload as object })
  const pushed = async () => (await t.database.db.select().from(schema.outbox).where(like(schema.outbox.text, '【法规标准宣贯】%'))).filter((o) => o.chatId === s.group).map((o) => o.text!.split('\n')[1])
  const item = async (key: string) => ((await api('GET', '/api/regulations')).json() as { id: number; key: string }[]).find((r) => r.key === key)!

  it('when the app starts, then at least 24 items wait as 待核 drafts, naming their regulation', async () => {
    const list = (await api('GET', '/api/regulations')).json() as { status: string; statusLabel: string; regulation: string }[]
    expect(list.length).toBeGreaterThanOrEqual(24)
    expect(new Set(list.map((r) => r.statusLabel))).toEqual(new Set(['待核']))
    expect(new Set(list.map((r) => r.regulation))).toEqual(new Set(['《餐饮业经营管理办法（试行）》', '《报废机动车回收管理办法》', '《购物中心等级划分与评定》', '安全生产标准化']))
  })

  it('when a draft is pushed, then it is refused; once confirmed (and edited), it goes to the groups', async () => {
    const c1 = await item('catering-1')
    const refused = await api('POST', `/api/regulations/${c1.id}/push`)
    expect(refused.statusCode).toBe(409)
    expect(refused.json().message).toContain('请先核对原文并确认')
    const ok = await api('PUT', `/api/regulations/${c1.id}`, { status: 'confirmed', title: '餐饮经营者是安全生产第一责任人' })
    expect(ok.json()).toMatchObject({ status: 'confirmed', statusLabel: '已确认', confirmedBy: '管理员' })
    expect((await api('POST', `/api/regulations/${c1.id}/push`)).json().groups).toEqual(['城关商户安全群'])
    await t.settle()
    expect(await pushed()).toEqual(['餐饮经营者是安全生产第一责任人'])
    // a restart seeds again without touching the edited item
    await seedRegulations(t.database.db, t.clock.now())
    expect(((await item('catering-1')) as unknown as { title: string }).title).toBe('餐饮经营者是安全生产第一责任人')
  })

  it('when Wednesdays come, then the next confirmed item goes out each week and drafts never do', async () => {
    await api('PUT', `/api/regulations/${(await item('standard-3')).id}`, { status: 'confirmed' })
    const job = registerJobs.find((j) => j.name === 'regulation-promotion')!
    for (const day of ['2026-11-25', '2026-12-02', '2026-12-09']) {
      t.clock.set(at(`${day}T10:00:00`))
      expect(await t.app.scheduler.fire(job, t.clock.now(), 'cron')).toBe(true)
    }
    await t.settle()
    expect(await pushed()).toEqual(['餐饮经营者是安全生产第一责任人', '隐患排查要形成闭环', '餐饮经营者是安全生产第一责任人', '隐患排查要形成闭环'])
  })
})
