import fs from 'node:fs'
import path from 'node:path'
import { createHash, randomBytes } from 'node:crypto'
import { and, eq, gt, isNull } from 'drizzle-orm'
import { schema, type Db } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import { setCredentials } from './console-auth.js'
import { recordAudit } from './audit.js'

const { people, consoleCredentials, consoleSetupTokens } = schema

/** a password a person can type: 16 letters and digits without look-alikes */
function password(): string {
  const abc = 'abcdefghjkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789'
  return [...randomBytes(16)].map((b) => abc[b % abc.length]).join('')
}

export interface DemoAccount {
  username: string
  name: string
  role: string
  password: string
}

/**
 * The demo city's console accounts (an admin and 城关街道's officer), created once with new random passwords;
 * none when they already exist.
 */
export async function demoConsoleAccounts(db: Db, now: Date): Promise<DemoAccount[]> {
  const wanted = [
    { username: 'admin', name: '系统管理员', role: '管理员' },
    { username: 'liming', name: '李明', role: '监管人员（城关街道）' },
  ]
  const out: DemoAccount[] = []
  for (const w of wanted) {
    await db.transaction(async (tx) => {
      const [p] = await tx.select({ id: people.id }).from(people).where(and(eq(people.name, w.name), eq(people.demo, true)))
      if (!p) return
      const [has] = await tx.select({ id: consoleCredentials.personId }).from(consoleCredentials).where(eq(consoleCredentials.personId, p.id))
      if (has) return
      const pw = password()
      await setCredentials(tx, p.id, w.username, pw, now)
      await recordAudit(tx, { actorKind: 'system', actorId: 'demo', actorName: '演示数据', action: 'person.credentials', targetType: 'person', targetId: p.id, detail: { username: w.username } }, now)
      out.push({ ...w, password: pw })
    })
  }
  return out
}

/**
 * Says secrets to the person who started the program, never into a kept log: on a terminal they are printed;
 * otherwise written to a file under the data directory that only its owner may read, and only its path is said.
 */
export function tellSecret(lines: string[], o: { tty: boolean; dataDir: string; file: string; print: (s: string) => void }): string | null {
  if (o.tty) {
    o.print(lines.join('\n'))
    return null
  }
  fs.mkdirSync(o.dataDir, { recursive: true })
  const file = path.join(o.dataDir, o.file)
  fs.writeFileSync(file, lines.join('\n') + '\n', { mode: 0o600 })
  fs.chmodSync(file, 0o600)
  return file
}

const sha256 = (s: string) => createHash('sha256').update(s).digest('hex')
export const SETUP_MINUTES = 30

/** Whether anyone can sign in to the console as an administrator. */
export async function hasConsoleAdmin(db: Db): Promise<boolean> {
  const [r] = await db
    .select({ id: people.id })
    .from(consoleCredentials)
    .innerJoin(people, eq(people.id, consoleCredentials.personId))
    .where(eq(people.role, 'admin'))
    .limit(1)
  return !!r
}

/** A one-time setup token for the first administrator: 30 minutes, single use; only its hash is stored. */
export async function issueSetupToken(db: Db, now: Date): Promise<string> {
  const token = randomBytes(24).toString('base64url')
  await db.insert(consoleSetupTokens).values({ tokenHash: sha256(token), expiresAt: new Date(now.getTime() + SETUP_MINUTES * 60_000), createdAt: now })
  return token
}

/** Whether a setup token may still be used (shown before the form). */
export async function setupTokenValid(db: Db, token: string, now: Date): Promise<boolean> {
  const [t] = await db
    .select({ id: consoleSetupTokens.id })
    .from(consoleSetupTokens)
    .where(and(eq(consoleSetupTokens.tokenHash, sha256(token)), isNull(consoleSetupTokens.usedAt), gt(consoleSetupTokens.expiresAt, now)))
  return !!t
}

/** Uses a setup token to create the first administrator; the token is spent in the same transaction. */
export async function createFirstAdmin(db: Db, a: { token: string; username: string; password: string; name: string }, now: Date): Promise<{ personId: number }> {
  return db.transaction(async (tx) => {
    const [t] = await tx
      .update(consoleSetupTokens)
      .set({ usedAt: now })
      .where(and(eq(consoleSetupTokens.tokenHash, sha256(a.token)), isNull(consoleSetupTokens.usedAt), gt(consoleSetupTokens.expiresAt, now)))
      .returning({ id: consoleSetupTokens.id })
    if (!t) throw new AppError('forbidden', '设置链接无效、已用过或已过期（30分钟）。请重启服务获取新链接，或用 npm run user:create 创建管理员')
    const [p] = await tx.insert(people).values({ name: a.name, role: 'admin' }).returning({ id: people.id })
    await setCredentials(tx, p.id, a.username, a.password, now)
    await recordAudit(tx, { actorKind: 'system', actorId: 'setup', actorName: '首次设置', action: 'person.credentials', targetType: 'person', targetId: p.id, detail: { username: a.username, role: 'admin' } }, now)
    return { personId: p.id }
  })
}
