/** `npm run user:create`: the first admin (or any console user) from the command line. */
import path from 'node:path'
import readline from 'node:readline'
import { parseArgs } from 'node:util'
import { loadConfig } from '../config.js'
import { openPglite, openPostgres } from '../../db/client.js'
import { lockDataDir } from '../data-lock.js'
import { isAppError } from '../core/errors.js'
import { CONSOLE_ROLES, checkPassword, USERNAME } from '../services/console-auth.js'
import { createConsoleUser, type CreateUserArgs } from '../services/console-admin.js'

const USAGE = `用法 / usage:
  npm run user:create -- <用户名> --role admin|leader|officer|viewer|association --name 张三 [--township 城关街道] [--person-id 12]
密码取自环境变量 CONSOLE_PASSWORD，未设置时在终端提示输入（不回显）。
--person-id 给已有人员开通账号（或重设密码）；不写则新建人员。`

function promptHidden(question: string): Promise<string> {
  return new Promise((resolve) => {
    const rl = readline.createInterface({ input: process.stdin, output: process.stdout, terminal: true })
    const out = rl as unknown as { _writeToOutput: (s: string) => void }
    let prompted = false
    out._writeToOutput = (s: string) => {
      // echo the question once, then nothing of what is typed
      if (!prompted) process.stdout.write(s)
      prompted = true
    }
    rl.question(question, (answer) => {
      rl.close()
      process.stdout.write('\n')
      resolve(answer)
    })
  })
}

async function main() {
  let parsed
  try {
    parsed = parseArgs({
      allowPositionals: true,
      options: { role: { type: 'string' }, name: { type: 'string' }, township: { type: 'string' }, 'person-id': { type: 'string' } },
    })
  } catch (e) {
    console.error(`${(e as Error).message}\n${USAGE}`)
    process.exit(2)
  }
  const { values: v, positionals } = parsed
  const username = positionals[0]
  const role = v.role as CreateUserArgs['role'] | undefined
  if (!username || !USERNAME.test(username) || !role || !(CONSOLE_ROLES as readonly string[]).includes(role) || (v['person-id'] === undefined && !v.name)) {
    console.error(USAGE)
    process.exit(2)
  }
  let password = process.env.CONSOLE_PASSWORD ?? ''
  if (!password) {
    if (!process.stdin.isTTY) {
      console.error('请设置 CONSOLE_PASSWORD，或在终端里运行以输入密码 / set CONSOLE_PASSWORD or run in a terminal')
      process.exit(2)
    }
    password = await promptHidden('密码 / password: ')
    const again = await promptHidden('再输一次 / again: ')
    if (again !== password) {
      console.error('两次输入的密码不一致 / passwords differ')
      process.exit(2)
    }
  }
  try {
    checkPassword(password)
  } catch (e) {
    console.error(isAppError(e) ? e.userMessage : (e as Error).message)
    process.exit(2)
  }
  const config = loadConfig()
  let unlock = () => {}
  if (!config.DATABASE_URL) unlock = lockDataDir(path.resolve(config.DATA_DIR))
  const database = config.DATABASE_URL ? await openPostgres(config.DATABASE_URL) : await openPglite({ dataDir: path.join(path.resolve(config.DATA_DIR), 'pglite') })
  try {
    const r = await createConsoleUser(database.db, { username, role, name: v.name, township: v.township, personId: v['person-id'] ? Number(v['person-id']) : undefined, password })
    console.log(`已创建控制台账号 ${username}（人员 id ${r.personId}） / console user created`)
  } catch (e) {
    console.error(isAppError(e) ? e.userMessage : (e as Error).message)
    process.exitCode = 1
  } finally {
    await database.close()
    unlock()
  }
}

await main()
