import fs from 'node:fs'
import path from 'node:path'
import { execFileSync } from 'node:child_process'
import { inject } from 'vitest'
import type { AppProcess } from './process.js'

/** For tests that drive an app process over HTTP: the simulator and admin APIs. */
export interface Transcript {
  entries: { seq: number; bot: boolean; text?: string; fromId: string }[]
  cursor: number
}

/**
 * Starts a PGlite data directory from the migrated template the global setup dumped (a tarball of PGDATA), so the
 * first process skips initdb and the migrations (seconds of wasm work); without `tar` the process creates it itself.
 */
export function seedDataDir(dir: string): void {
  const target = path.join(dir, 'pglite')
  fs.mkdirSync(target, { recursive: true })
  try {
    execFileSync('tar', ['-xzf', inject('pgliteTemplate'), '-C', target], { stdio: 'ignore' })
  } catch {
    fs.rmSync(target, { recursive: true, force: true })
  }
}

/** A request that must succeed; names the process's stderr when not. */
export async function api<T>(p: AppProcess, method: string, url: string, body?: unknown, expected = [200, 201, 202]): Promise<T> {
  const r = await p.request<T>(method, url, body)
  if (!expected.includes(r.status)) throw new Error(`${method} ${url} -> ${r.status} ${JSON.stringify(r.body)}\n${p.diagnostics()}`)
  return r.body
}

/** Waits until the bot says something matching `re` in `chat` after the cursor; returns the new cursor. */
export async function botSays(p: AppProcess, chat: string, after: number, re: RegExp, timeoutMs = 15_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  let cursor = after
  const seen: string[] = []
  while (Date.now() < deadline) {
    const t = await api<Transcript>(p, 'GET', `/sim/api/transcript?chat=${encodeURIComponent(chat)}&after=${cursor}&wait=1000`)
    cursor = t.cursor
    for (const e of t.entries) {
      if (!e.bot) continue
      seen.push(e.text ?? '')
      if (re.test(e.text ?? '')) return cursor
    }
  }
  throw new Error(`the bot did not say ${re} in ${chat} within ${timeoutMs} ms; it said: ${JSON.stringify(seen)}\n${p.diagnostics()}`)
}

/**
 * The directory through the admin API (a township, a restaurant, an officer and its owner), both bound in chat with
 * their one-time codes and the group registered by the officer. Returns the group's id and the transcript cursor.
 */
export async function setUpGroup(p: AppProcess, groupId: string): Promise<{ group: string; cursor: number }> {
  await api(p, 'POST', '/api/jurisdictions', { name: '城关街道' })
  const shop = await api<{ id: number }>(p, 'POST', '/api/businesses', { name: '城关老街饭店', industry: 'catering', township: '城关街道' })
  const officer = await api<{ id: number }>(p, 'POST', '/api/people', { name: '李明', role: 'officer' })
  const owner = await api<{ id: number }>(p, 'POST', '/api/people', { name: '张老板', role: 'member', businessIds: [shop.id] })
  const officerCode = (await api<{ code: string }>(p, 'POST', `/api/people/${officer.id}/bind-codes`)).code
  const ownerCode = (await api<{ code: string }>(p, 'POST', `/api/people/${owner.id}/bind-codes`)).code
  await api(p, 'POST', '/sim/api/contacts', { id: 'officer', name: '李明' })
  await api(p, 'POST', '/sim/api/contacts', { id: 'owner', name: '张老板' })
  const group = (await api<{ id: string }>(p, 'POST', '/sim/api/groups', { id: groupId, name: '城关商户安全群', memberIds: ['officer', 'owner'] })).id
  let cursor = 0
  await api(p, 'POST', '/sim/api/messages', { from: 'officer', groupId: group, text: `#绑定 ${officerCode}`, messageId: 'setup-bind-officer' })
  cursor = await botSays(p, group, cursor, /绑定成功：李明/)
  await api(p, 'POST', '/sim/api/messages', { from: 'owner', groupId: group, text: `#绑定 ${ownerCode}`, messageId: 'setup-bind-owner' })
  cursor = await botSays(p, group, cursor, /绑定成功：张老板/)
  await api(p, 'POST', '/sim/api/messages', { from: 'officer', groupId: group, text: '#本群登记 全市', messageId: 'setup-register' })
  cursor = await botSays(p, group, cursor, /本群已登记：全市/)
  return { group, cursor }
}
