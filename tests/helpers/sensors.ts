import { spawn, type ChildProcess } from 'node:child_process'
import { execFileSync } from 'node:child_process'
import fs from 'node:fs'
import net from 'node:net'
import os from 'node:os'
import path from 'node:path'
import { randomUUID } from 'node:crypto'
import mqtt, { type MqttClient, type IClientOptions } from 'mqtt'
import { freePort } from './process.js'

export const BROKER = process.env.TEST_MQTT_URL ?? 'mqtt://127.0.0.1:1883'

/** Fails loudly (with the fix) when no broker answers: the broker suites need the real Mosquitto. */
export async function requireBroker(url = BROKER): Promise<void> {
  const u = new URL(url)
  const ok = await new Promise<boolean>((resolve) => {
    const s = net.connect(Number(u.port || 1883), u.hostname)
    s.once('connect', () => (s.destroy(), resolve(true)))
    s.once('error', () => resolve(false))
  })
  if (!ok) throw new Error(`no MQTT broker answers on ${url}: start Mosquitto (\`mosquitto -d -p 1883\`, or .ci/run starts it)`)
}

/** A topic prefix of its own for one suite, so suites on the shared broker never read each other's messages. */
export const testPrefix = () => `test-${randomUUID().slice(0, 8)}/sensors`

/** A publisher (a vendor's platform) connected to the broker. */
export async function publisher(url = BROKER, opts: IClientOptions = {}): Promise<MqttClient> {
  return mqtt.connectAsync(url, { clientId: `pub-${randomUUID().slice(0, 8)}`, reconnectPeriod: 0, ...opts })
}

/** Polls `fn` until it returns something truthy (or throws after `ms`). */
export async function waitFor<T>(fn: () => Promise<T | null | undefined | false> | T | null | undefined | false, ms = 10_000, what = 'condition'): Promise<T> {
  const until = Date.now() + ms
  for (;;) {
    const v = await fn()
    if (v) return v
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`)
    await new Promise((r) => setTimeout(r, 25))
  }
}

export interface SpawnedBroker {
  port: number
  url: string
  dir: string
  child: ChildProcess
  stop(): Promise<void>
  /** starts it again on the same port (after stop) */
  restart(): Promise<void>
}

/**
 * Its own `mosquitto -p PORT` with a config file: `users` become a password file (mosquitto_passwd), `acl`
 * the ACL file; no anonymous clients when users are given. Persistence on, so a restart keeps sessions.
 */
export async function spawnBroker(opts: { users?: Record<string, string>; acl?: string } = {}): Promise<SpawnedBroker> {
  const port = await freePort()
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'mosq-'))
  // as root, Mosquitto would switch to the `mosquitto` user, who cannot read this directory's files
  const lines = [`user ${os.userInfo().username}`, `listener ${port} 127.0.0.1`, `persistence true`, `persistence_location ${dir}/`, `log_dest file ${dir}/mosquitto.log`, `log_type ${process.env.TEST_MQTT_LOG ?? 'error'}`]
  if (opts.users) {
    const pw = path.join(dir, 'passwd')
    fs.writeFileSync(pw, '')
    for (const [u, p] of Object.entries(opts.users)) execFileSync('mosquitto_passwd', ['-b', pw, u, p])
    lines.push('allow_anonymous false', `password_file ${pw}`)
  } else lines.push('allow_anonymous true')
  if (opts.acl) {
    fs.writeFileSync(path.join(dir, 'acl'), opts.acl)
    lines.push(`acl_file ${path.join(dir, 'acl')}`)
  }
  fs.writeFileSync(path.join(dir, 'mosquitto.conf'), lines.join('\n') + '\n')
  const b: SpawnedBroker = {
    port,
    url: `mqtt://127.0.0.1:${port}`,
    dir,
    child: undefined as unknown as ChildProcess,
    async stop() {
      const c = b.child
      if (c.exitCode !== null || c.signalCode !== null) return
      const gone = new Promise((r) => c.once('exit', r))
      c.kill('SIGTERM')
      await gone
    },
    async restart() {
      b.child = spawn('mosquitto', ['-c', path.join(dir, 'mosquitto.conf')], { stdio: ['ignore', 'ignore', 'pipe'] })
      b.child.stderr?.resume()
      await waitFor(
        () =>
          new Promise<boolean>((resolve) => {
            const s = net.connect(port, '127.0.0.1')
            s.once('connect', () => (s.destroy(), resolve(true)))
            s.once('error', () => resolve(false))
          }),
        10_000,
        `mosquitto on ${port}`,
      )
    },
  }
  await b.restart()
  return b
}
