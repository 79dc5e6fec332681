import fs from 'node:fs'
import path from 'node:path'

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM'
  }
}

/**
 * PGlite has no data-directory lock and two processes on one directory silently lose writes,
 * so we take one: a file with our pid. A lock left by a killed process is taken over.
 */
export function lockDataDir(dir: string): () => void {
  fs.mkdirSync(dir, { recursive: true })
  const file = path.join(dir, 'app.lock')
  for (let i = 0; i < 2; i++) {
    try {
      fs.writeFileSync(file, String(process.pid), { flag: 'wx' })
      return () => {
        try {
          if (fs.readFileSync(file, 'utf8') === String(process.pid)) fs.unlinkSync(file)
        } catch {
          /* already gone */
        }
      }
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e
      const pid = Number(fs.readFileSync(file, 'utf8').trim())
      if (pid && pid !== process.pid && alive(pid)) {
        throw new Error(
          `数据目录 ${dir} 正被另一个进程 (pid ${pid}) 使用。请先停止它，或用 DATA_DIR 指定另一个目录。\n` +
            `The data directory ${dir} is in use by process ${pid}. Stop it first, or set DATA_DIR to another directory.`,
          { cause: e },
        )
      }
      fs.unlinkSync(file) // stale lock from a killed process
    }
  }
  throw new Error(`cannot lock ${dir}`)
}
