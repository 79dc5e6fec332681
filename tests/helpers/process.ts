import { spawn, type ChildProcess } from 'node:child_process'
import net from 'node:net'
import path from 'node:path'
import { fileURLToPath } from 'node:url'

export const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..')
const MAIN = path.join(ROOT, 'src/main.ts')

/** A port nobody listens on right now: listen on 0, read it, close. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const srv = net.createServer()
    srv.unref()
    srv.once('error', reject)
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address() as net.AddressInfo
      srv.close(() => resolve(port))
    })
  })
}

export interface AppProcess {
  readonly child: ChildProcess
  readonly pid: number
  readonly port: number
  /** http://127.0.0.1:PORT */
  readonly base: string
  /** what the process printed on stdout / stderr so far */
  stdout(): string
  stderr(): string
  /** resolves with the exit code (null when killed by a signal) and the signal */
  exited: Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  readonly alive: boolean
  kill(signal?: NodeJS.Signals): void
  /** kill(signal) and wait for the exit; SIGKILL after `timeoutMs` */
  stop(signal?: NodeJS.Signals, timeoutMs?: number): Promise<{ code: number | null; signal: NodeJS.Signals | null }>
  /** fetch against the app, JSON in and out */
  request<T = unknown>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }>
  /** a short, readable summary of the process for failure messages */
  diagnostics(): string
}

export interface StartOptions {
  /** embedded PGlite in this directory */
  dataDir?: string
  /** PostgreSQL instead of PGlite */
  databaseUrl?: string
  env?: Record<string, string | undefined>
  /** how long to wait for GET /health = 200 */
  healthTimeoutMs?: number
}

/**
 * Spawns the app as a plain node process (`node --import tsx src/main.ts`, no npm in between, so signals reach
 * the app itself) on a free port, and waits until GET /health answers 200.
 */
export async function startAppProcess(opts: StartOptions): Promise<AppProcess> {
  if (!opts.dataDir && !opts.databaseUrl) throw new Error('startAppProcess needs dataDir or databaseUrl')
  const port = await freePort()
  const env: Record<string, string> = {}
  for (const [k, v] of Object.entries(process.env)) {
    // the child picks its own database and must not inherit the test runner's tuning
    if (v === undefined || k.startsWith('VITEST') || k === 'NODE_OPTIONS' || k === 'DATABASE_URL' || k === 'DATA_DIR' || k === 'WECHATY_PUPPET') continue
    env[k] = v
  }
  Object.assign(env, {
    PORT: String(port),
    HOST: '127.0.0.1',
    LOG_LEVEL: 'warn',
    NODE_ENV: 'test',
    ...(opts.databaseUrl ? { DATABASE_URL: opts.databaseUrl } : { DATA_DIR: opts.dataDir! }),
  })
  for (const [k, v] of Object.entries(opts.env ?? {})) {
    if (v === undefined) delete env[k]
    else env[k] = v
  }
  const child = spawn(process.execPath, ['--import', 'tsx', MAIN], { cwd: ROOT, env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  let err = ''
  const cap = (s: string, add: string) => (s.length > 200_000 ? s.slice(-100_000) : s) + add
  child.stdout!.setEncoding('utf8').on('data', (d: string) => (out = cap(out, d)))
  child.stderr!.setEncoding('utf8').on('data', (d: string) => (err = cap(err, d)))
  let alive = true
  const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => {
    child.once('exit', (code, signal) => {
      alive = false
      resolve({ code, signal })
    })
    child.once('error', (e) => {
      err += `\nspawn error: ${e.message}`
      alive = false
      resolve({ code: null, signal: null })
    })
  })
  const base = `http://127.0.0.1:${port}`

  async function request<T>(method: string, url: string, body?: unknown): Promise<{ status: number; body: T }> {
    const r = await fetch(base + url, {
      method,
      headers: body === undefined ? {} : { 'content-type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
      signal: AbortSignal.timeout(30_000),
    })
    const text = await r.text()
    let parsed: unknown = text
    try {
      parsed = text ? JSON.parse(text) : undefined
    } catch {
      /* not JSON */
    }
    return { status: r.status, body: parsed as T }
  }

  const p: AppProcess = {
    child,
    pid: child.pid!,
    port,
    base,
    stdout: () => out,
    stderr: () => err,
    exited,
    get alive() {
      return alive
    },
    kill(signal = 'SIGTERM') {
      if (alive) child.kill(signal)
    },
    async stop(signal = 'SIGTERM', timeoutMs = 15_000) {
      if (!alive) return exited
      child.kill(signal)
      const t = setTimeout(() => {
        if (alive) {
          err += `\n[test] no exit ${timeoutMs} ms after ${signal}: SIGKILL`
          child.kill('SIGKILL')
        }
      }, timeoutMs)
      try {
        return await exited
      } finally {
        clearTimeout(t)
      }
    },
    request,
    diagnostics() {
      const tail = (s: string) => (s.length > 4000 ? '…' + s.slice(-4000) : s)
      return `app process pid ${child.pid} on ${base} (${alive ? 'running' : 'exited'})\n--- stderr ---\n${tail(err)}\n--- stdout ---\n${tail(out)}`
    },
  }

  const deadline = Date.now() + (opts.healthTimeoutMs ?? 60_000)
  let last: string
  for (;;) {
    if (!alive) {
      const e = await exited
      throw new Error(`the app exited during start-up (code ${e.code}, signal ${e.signal})\n${p.diagnostics()}`)
    }
    try {
      const r = await fetch(base + '/health', { signal: AbortSignal.timeout(2000) })
      last = `${r.status} ${await r.text()}`
      if (r.status === 200) return p
    } catch (e) {
      last = (e as Error).message
    }
    if (Date.now() > deadline) {
      await p.stop('SIGKILL')
      throw new Error(`the app did not become healthy within ${opts.healthTimeoutMs ?? 60_000} ms (last: ${last})\n${p.diagnostics()}`)
    }
    await new Promise((r) => setTimeout(r, 100))
  }
}
