import path from 'node:path'
import { createLogger, prettyDestination } from './logging.js'
import { loadConfig, ConfigError } from './config.js'
import { openPglite, openPostgres, type Database } from '../db/client.js'
import { lockDataDir } from './data-lock.js'
import { SchemaTooNewError } from '../db/levels.js'
import { buildApp } from './app.js'
import { seedDemo } from '../db/seed/demo.js'
import { demoConsoleAccounts, hasConsoleAdmin, issueSetupToken, tellSecret, SETUP_MINUTES } from './services/first-start.js'
import type { Channel } from './channels/types.js'

/** The one place that reads the environment, picks the database, listens and handles signals. */
async function main() {
  let config
  try {
    config = loadConfig()
  } catch (e) {
    if (e instanceof ConfigError) {
      console.error(e.message)
      process.exit(2)
    }
    throw e
  }
  const demoFlag = process.argv.includes('--demo')
  // readable lines for a person at a terminal; JSON for services and log collectors; secrets and phone numbers masked
  const logger = createLogger({ level: config.LOG_LEVEL, destination: process.stdout.isTTY ? await prettyDestination() : undefined })

  let unlock = () => {}
  let database: Database
  try {
    if (config.DATABASE_URL) {
      database = await openPostgres(config.DATABASE_URL)
    } else {
      const dir = path.resolve(config.DATA_DIR)
      try {
        unlock = lockDataDir(dir)
      } catch (e) {
        console.error((e as Error).message)
        process.exit(3)
      }
      // photo bytes in files beside the database, out of PGlite's memory
      database = await openPglite({ dataDir: path.join(dir, 'pglite'), filesDir: path.join(dir, 'files') })
    }
  } catch (e) {
    // exit code 4: the database has migrations this code does not know (an older program on a newer database)
    if (e instanceof SchemaTooNewError) {
      console.error(e.message)
      unlock()
      process.exit(e.exitCode)
    }
    throw e
  }
  if (config.DEMO_DATA || demoFlag) {
    const r = await seedDemo(database.db, 'wechaty', { history: new Date() })
    logger.info(r, r.created ? 'demo data loaded' : 'demo data already present')
  }

  let channel: Channel | undefined
  if (config.WECHATY_PUPPET) {
    const { realPuppetChannel } = await import('./channels/puppet.js')
    channel = await realPuppetChannel(config, logger)
  }
  const app = await buildApp({ config, db: database.db, logger, channel, exclusiveDatabase: database.kind === 'pglite', demoDevices: config.DEMO_DATA || demoFlag })
  await app.start()
  const address = await app.http.listen({ port: config.PORT, host: config.HOST })
  const base = address.replace('[::1]', 'localhost').replace('127.0.0.1', 'localhost')
  const lines = [
    '',
    '商务安全生产群助手 已启动 / started',
    `  数据库 database: ${database.kind === 'pglite' ? 'PGlite ' + path.resolve(config.DATA_DIR) : 'PostgreSQL'}`,
    app.simulator ? `  模拟器 simulator: ${base}/sim` : config.WECHATY_PUPPET ? `  渠道 channel: ${config.WECHATY_PUPPET}` : '',
    app.sensors?.demo ? `  演示设备 demo devices: ${base}/sim 左侧「设备模拟」可让设备报警 / fire alarms from the panel 设备模拟` : '',
    config.WECOM_BOT_MODE === 'callback' ? `  企业微信智能机器人回调 WeCom bot callback: ${base}${config.WECOM_CALLBACK_PATH}` : '',
    config.WECOM_BOT_MODE === 'longconn' ? `  企业微信智能机器人长连接 WeCom bot long connection: ${config.WECOM_WS_URL ?? 'wss://openws.work.weixin.qq.com'}` : '',
    config.WECOM_ROBOT_ENABLED ? `  企业微信群机器人 WeCom group robots: 每个机器人每分钟最多 ${config.WECOM_ROBOT_PER_MINUTE} 条 / ${config.WECOM_ROBOT_PER_MINUTE} a minute per robot` : '',
    `  控制台 console: ${base}/console`,
    `  接口文档 API docs: ${base}/docs`,
    `  健康检查 health: ${base}/health`,
    app.simulator && !(config.DEMO_DATA || demoFlag) ? '  提示: 演示数据请用 npm start -- --demo 启动 / start with demo data: npm start -- --demo' : '',
    '',
  ].filter((l) => l !== '')
  console.log(lines.join('\n'))
  await firstStart(database, config, base, config.DEMO_DATA || demoFlag)

  // graceful shutdown: the first SIGTERM/SIGINT stops taking messages, finishes those in flight and the outbox
  // row in hand, closes the database and exits 0; a second signal, a failure or SHUTDOWN_TIMEOUT_MS exits 1 at once
  let stopping = false
  const stop = async (signal: string) => {
    if (stopping) {
      logger.warn({ signal }, 'second signal: exiting now')
      process.exit(1)
    }
    stopping = true
    const started = Date.now()
    logger.info({ signal, timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutting down')
    const timer = setTimeout(() => {
      logger.error({ timeoutMs: config.SHUTDOWN_TIMEOUT_MS }, 'shutdown timed out: exiting now')
      process.exit(1)
    }, config.SHUTDOWN_TIMEOUT_MS)
    timer.unref()
    let code = 0
    try {
      await app.close()
    } catch (err) {
      code = 1
      logger.error({ err }, 'stopping the app failed')
    }
    try {
      await database.close()
    } catch (err) {
      code = 1
      logger.error({ err }, 'closing the database failed')
    }
    unlock()
    logger.info({ ms: Date.now() - started, code }, 'stopped')
    process.exit(code)
  }
  process.on('SIGINT', () => void stop('SIGINT'))
  process.on('SIGTERM', () => void stop('SIGTERM'))
  process.on('exit', () => unlock())
}

/**
 * How the person at the terminal gets into the console: the demo's accounts with fresh passwords, or, when no
 * administrator exists, a one-time setup link. Passwords and links are printed only to a terminal; under
 * systemd or Docker they go to a file under the data directory that only its owner can read.
 */
async function firstStart(database: Database, config: ReturnType<typeof loadConfig>, base: string, demo: boolean) {
  const tty = !!process.stdout.isTTY
  const say = (lines: string[], file: string) => {
    const written = tellSecret(lines, { tty, dataDir: path.resolve(config.DATA_DIR), file, print: (x) => console.log(x) })
    if (written) console.log(`  控制台登录信息已写入（仅本用户可读）/ console sign-in details written to (owner-only): ${written}`)
  }
  if (demo) {
    const accounts = await demoConsoleAccounts(database.db, new Date())
    if (accounts.length) {
      say(['  演示控制台账号 / demo console accounts:', ...accounts.map((a) => `    ${a.username} / ${a.password}  ${a.name}（${a.role}）`), `  登录 / sign in: ${base}/console`], 'demo-console-accounts.txt')
    }
    return
  }
  if (await hasConsoleAdmin(database.db)) return
  const token = await issueSetupToken(database.db, new Date())
  say(
    [
      `  还没有控制台管理员。${SETUP_MINUTES} 分钟内打开这个一次性链接创建第一个管理员 / no console admin yet: open this one-time link within ${SETUP_MINUTES} minutes:`,
      `    ${base}/console/setup?token=${token}`,
      '  （或停服后用命令行：npm run user:create -- <用户名> --role admin --name <姓名>）',
    ],
    'console-setup-link.txt',
  )
}

main().catch((e) => {
  console.error(e)
  process.exit(1)
})
