import type { FastifyInstance, InjectOptions, LightMyRequestResponse } from 'fastify'
import type { Db } from '../../db/client.js'
import { createConsoleUser, type CreateUserArgs } from '../../src/services/console-admin.js'

export const CONSOLE_PASSWORD = 'correct horse battery'

/** Console accounts for seeded people (by person id) or new people. */
export async function consoleUser(db: Db, username: string, a: Omit<CreateUserArgs, 'username' | 'password'>): Promise<number> {
  return (await createConsoleUser(db, { username, password: CONSOLE_PASSWORD, ...a })).personId
}

export interface Session {
  cookie: string
  csrf: string
  /** injects with the session cookie, and the CSRF token on state-changing requests unless `csrf: false` */
  call(o: InjectOptions & { csrf?: boolean | string }): Promise<LightMyRequestResponse>
}

let seq = 0

/** Signs in from an address of its own each time, so the sign-in rate limit stays out of the way. */
export async function signInAs(http: FastifyInstance, username: string, password = CONSOLE_PASSWORD): Promise<Session> {
  seq++
  const r = await http.inject({ method: 'POST', url: '/console/sign-in', payload: { username, password }, remoteAddress: `10.77.${seq >> 8}.${seq & 255}` })
  if (r.statusCode !== 200) throw new Error(`sign-in of ${username} failed: ${r.statusCode} ${r.body}`)
  const cookie = r.cookies.find((c) => c.name === 'csb_session')!.value
  const csrf = r.json().csrfToken as string
  return {
    cookie,
    csrf,
    call({ csrf: token = true, ...o }) {
      const headers: Record<string, string> = { ...(o.headers as Record<string, string>) }
      if (token !== false) headers['x-csrf-token'] = token === true ? csrf : token
      return http.inject({ ...o, headers, cookies: { ...(o.cookies ?? {}), csb_session: cookie } })
    },
  }
}
