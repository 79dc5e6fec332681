import { createHash, randomBytes, scrypt as scryptCb, timingSafeEqual, type ScryptOptions } from 'node:crypto'
import { and, eq, gt, lt, sql } from 'drizzle-orm'
import { schema, type Tx } from '../../db/client.js'
import { AppError } from '../core/errors.js'
import type { Role } from '../core/permissions.js'
import { recordAudit } from './audit.js'

const { consoleCredentials, consoleSessions, people } = schema

/** Roles that may sign in to the console (members and the public use the chat). */
export const CONSOLE_ROLES = ['admin', 'leader', 'officer', 'viewer', 'association'] as const satisfies readonly Role[]

const PARAMS = { N: 16384, r: 8, p: 1 }
const KEYLEN = 64

function scrypt(password: string, salt: Buffer, o: ScryptOptions): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scryptCb(password.normalize('NFC'), salt, KEYLEN, { ...o, maxmem: 64 * 1024 * 1024 }, (err, key) => (err ? reject(err) : resolve(key))),
  )
}

export async function hashPassword(password: string): Promise<{ params: string; salt: string; hash: string }> {
  const salt = randomBytes(16)
  const key = await scrypt(password, salt, PARAMS)
  return { params: `scrypt:${PARAMS.N}:${PARAMS.r}:${PARAMS.p}`, salt: salt.toString('base64'), hash: key.toString('base64') }
}

export async function verifyPassword(password: string, stored: { params: string; salt: string; hash: string }): Promise<boolean> {
  const [kind, N, r, p] = stored.params.split(':')
  if (kind !== 'scrypt') return false
  const key = await scrypt(password, Buffer.from(stored.salt, 'base64'), { N: Number(N), r: Number(r), p: Number(p) })
  const want = Buffer.from(stored.hash, 'base64')
  return key.length === want.length && timingSafeEqual(key, want)
}

/** Spent on unknown user names so that they take as long as wrong passwords. */
let dummy: Promise<{ params: string; salt: string; hash: string }> | undefined

export const USERNAME = /^[A-Za-z0-9_.@-]{3,40}$/
export const PASSWORD_RULE = '密码至少 10 个字符'

export function checkPassword(password: string): void {
  if (password.length < 10 || password.length > 200) throw new AppError('usage', PASSWORD_RULE)
}

/** Creates or replaces a person's console credentials. */
export async function setCredentials(tx: Tx, personId: number, username: string, password: string, now: Date): Promise<void> {
  if (!USERNAME.test(username)) throw new AppError('usage', '用户名为 3–40 个字母、数字或 _ . @ -')
  checkPassword(password)
  const [p] = await tx.select({ role: people.role }).from(people).where(eq(people.id, personId))
  if (!p) throw new AppError('not_found', '没有这个人员')
  if (!(CONSOLE_ROLES as readonly string[]).includes(p.role)) throw new AppError('usage', '经营主体人员不能登录控制台')
  const [taken] = await tx.select({ personId: consoleCredentials.personId }).from(consoleCredentials).where(eq(consoleCredentials.username, username))
  if (taken && taken.personId !== personId) throw new AppError('conflict', `用户名“${username}”已被使用`)
  const h = await hashPassword(password)
  await tx
    .insert(consoleCredentials)
    .values({ personId, username, ...h, createdAt: now, updatedAt: now })
    .onConflictDoUpdate({ target: consoleCredentials.personId, set: { username, ...h, failedAttempts: 0, lockedUntil: null, updatedAt: now } })
  // a new password ends every session of that person
  await tx.delete(consoleSessions).where(eq(consoleSessions.personId, personId))
}

export interface SessionActor {
  personId: number
  name: string
  role: Role
  townshipId: number | null
  industries: string[]
  csrfToken: string
  username: string
}

const hashId = (id: string) => createHash('sha256').update(id).digest('base64url')

export interface SignInResult {
  ok: boolean
  /** the cookie value on success */
  sessionId?: string
  actor?: SessionActor
  /** why not, in Chinese */
  message?: string
}

export interface SignInPolicy {
  sessionHours: number
  /** wrong passwords in a row before each further attempt must wait */
  lockoutAttempts: number
  /** the longest wait (minutes); the wait doubles from 30 s with each wrong password past lockoutAttempts */
  lockoutMinutes: number
}

/** The one answer to every failed sign-in: unknown name, wrong password, a name that must wait, a role without console. */
export const SIGN_IN_FAILED = '用户名或密码不对'

/** How long a name waits after `failed` wrong passwords in a row: nothing below the threshold, then 30 s, 1 min, 2 min … up to the cap. */
export function signInDelayMs(failed: number, policy: Pick<SignInPolicy, 'lockoutAttempts' | 'lockoutMinutes'>): number {
  if (failed < policy.lockoutAttempts) return 0
  return Math.min(policy.lockoutMinutes * 60_000, 30_000 * 2 ** Math.min(20, failed - policy.lockoutAttempts))
}

/** The person signed in from this address before: the right password from there passes a wait. */
async function knownAddress(db: Tx, personId: number, ip: string): Promise<boolean> {
  const [row] = await db
    .select({ id: schema.auditLog.id })
    .from(schema.auditLog)
    .where(and(eq(schema.auditLog.action, 'session.sign_in'), eq(schema.auditLog.actorId, String(personId)), sql`${schema.auditLog.detail}->>'ip' = ${ip}`))
    .limit(1)
  return !!row
}

/**
 * Checks a user name and password; every attempt is audited (without the password). An unknown name, a wrong
 * password and a name that must wait get the same answer after the same work (one scrypt, the same queries),
 * so the answer tells nobody which names exist. Wrong passwords in a row make the name wait longer and longer
 * instead of locking it; during a wait the right password still passes from an address the person signed in
 * from before, so nobody can lock the admin out.
 */
export async function signIn(
  db: Tx,
  input: { username: string; password: string; ip: string; userAgent?: string },
  policy: SignInPolicy,
  now: Date,
): Promise<SignInResult> {
  const username = input.username.trim()
  const [c] = await db
    .select({ cred: consoleCredentials, person: people })
    .from(consoleCredentials)
    .innerJoin(people, eq(people.id, consoleCredentials.personId))
    .where(eq(consoleCredentials.username, username))
  // every failure writes the name's row (none for an unknown name) and the audit: the same work whatever the reason
  const fail = async (reason: string, counts: { failedAttempts: number; lockedUntil: Date | null } | null = null) => {
    await db
      .update(consoleCredentials)
      .set(counts ?? { failedAttempts: sql`${consoleCredentials.failedAttempts}`, lockedUntil: sql`${consoleCredentials.lockedUntil}` })
      .where(eq(consoleCredentials.username, username))
    await recordAudit(db, { actorKind: 'person', actorId: c?.person.id ?? null, actorName: c?.person.name ?? username.slice(0, 40), action: 'session.sign_in_failed', detail: { username: username.slice(0, 40), reason, ip: input.ip } }, now)
    return { ok: false, message: SIGN_IN_FAILED }
  }
  dummy ??= hashPassword('not a password of anyone')
  const right = await verifyPassword(input.password, c?.cred ?? (await dummy))
  // asked for every name, known or not, so its time does not tell them apart
  const known = await knownAddress(db, c?.person.id ?? -1, input.ip)
  if (!c) return fail('unknown_user')
  const waiting = !!c.cred.lockedUntil && c.cred.lockedUntil.getTime() > now.getTime()
  if (!(CONSOLE_ROLES as readonly string[]).includes(c.person.role)) return fail('role')
  if (waiting && !(right && known)) return fail(right ? 'waiting_right_password' : 'waiting')
  if (!right) {
    const failed = c.cred.failedAttempts + 1
    const delay = signInDelayMs(failed, policy)
    return fail(delay ? 'wrong_password_wait' : 'wrong_password', { failedAttempts: failed, lockedUntil: delay ? new Date(now.getTime() + delay) : c.cred.lockedUntil })
  }
  const sessionId = randomBytes(32).toString('base64url')
  const csrfToken = randomBytes(24).toString('base64url')
  await db.transaction(async (tx) => {
    await tx.update(consoleCredentials).set({ failedAttempts: 0, lockedUntil: null, lastSignInAt: now }).where(eq(consoleCredentials.personId, c.person.id))
    // expired sessions are swept on each sign-in
    await tx.delete(consoleSessions).where(lt(consoleSessions.expiresAt, now))
    await tx.insert(consoleSessions).values({
      idHash: hashId(sessionId),
      personId: c.person.id,
      csrfToken,
      expiresAt: new Date(now.getTime() + policy.sessionHours * 3600_000),
      ip: input.ip,
      userAgent: input.userAgent?.slice(0, 300) ?? null,
      createdAt: now,
    })
    await recordAudit(tx, { actorKind: 'person', actorId: c.person.id, actorName: c.person.name, action: 'session.sign_in', detail: { username, ip: input.ip } }, now)
  })
  return {
    ok: true,
    sessionId,
    actor: { personId: c.person.id, name: c.person.name, role: c.person.role, townshipId: c.person.townshipId, industries: c.person.industries, csrfToken, username },
  }
}

/** The signed-in person behind a cookie value, or null when unknown or expired. */
export async function loadSession(db: Tx, sessionId: string, now: Date): Promise<SessionActor | null> {
  if (sessionId.length < 20 || sessionId.length > 100) return null
  const [r] = await db
    .select({ s: consoleSessions, p: people, username: consoleCredentials.username })
    .from(consoleSessions)
    .innerJoin(people, eq(people.id, consoleSessions.personId))
    .innerJoin(consoleCredentials, eq(consoleCredentials.personId, people.id))
    .where(and(eq(consoleSessions.idHash, hashId(sessionId)), gt(consoleSessions.expiresAt, now)))
  if (!r || !(CONSOLE_ROLES as readonly string[]).includes(r.p.role)) return null
  return { personId: r.p.id, name: r.p.name, role: r.p.role, townshipId: r.p.townshipId, industries: r.p.industries, csrfToken: r.s.csrfToken, username: r.username }
}

export async function signOut(db: Tx, sessionId: string, actor: SessionActor, now: Date): Promise<void> {
  await db.transaction(async (tx) => {
    await tx.delete(consoleSessions).where(eq(consoleSessions.idHash, hashId(sessionId)))
    await recordAudit(tx, { actorKind: 'person', actorId: actor.personId, actorName: actor.name, action: 'session.sign_out' }, now)
  })
}
