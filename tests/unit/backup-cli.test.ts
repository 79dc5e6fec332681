import fs from 'node:fs'
import os from 'node:os'
import path from 'node:path'
import { describe, it, expect, vi, afterEach } from 'vitest'
import { runCli } from '../../src/ops/cli.js'
import { foreignKeyOrder } from '../../src/ops/backup.js'

describe('backup and restore command line', () => {
  const errors: string[] = []
  afterEach(() => {
    vi.restoreAllMocks()
    errors.length = 0
  })
  const quiet = () => vi.spyOn(console, 'error').mockImplementation((m: unknown) => void errors.push(String(m)))

  it('when the command or the file is missing, then it prints the usage and exits 2', async () => {
    quiet()
    expect(await runCli([], {})).toBe(2)
    expect(await runCli(['backup'], {})).toBe(2)
    expect(await runCli(['dump', 'x.gz'], {})).toBe(2)
    expect(errors.join('\n')).toContain('npm run restore -- 文件.jsonl.gz [--force]')
    expect(await runCli(['restore', '/nonexistent/backup.jsonl.gz'], { DATA_DIR: os.tmpdir() })).toBe(2)
    expect(errors.at(-1)).toContain('找不到备份文件')
    expect(await runCli(['backup', 'x.gz'], { DATABASE_URL: 'mysql://nope' })).toBe(2)
  })

  it('when the service holds the PGlite data directory, then backup and restore refuse with exit code 3 and touch nothing', async () => {
    quiet()
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'csb-cli-'))
    try {
      fs.writeFileSync(path.join(dir, 'app.lock'), String(process.ppid)) // a live process that is not us
      const file = path.join(dir, 'b.jsonl.gz')
      expect(await runCli(['backup', file], { DATA_DIR: dir })).toBe(3)
      expect(errors.join('\n')).toContain('请先停止服务')
      expect(fs.existsSync(file)).toBe(false)
      expect(fs.existsSync(path.join(dir, 'pglite'))).toBe(false)
      expect(fs.readFileSync(path.join(dir, 'app.lock'), 'utf8')).toBe(String(process.ppid))
    } finally {
      fs.rmSync(dir, { recursive: true, force: true })
    }
  })

  it('when tables reference each other, then referenced tables come first; self-references and cycles are left to be checked at commit', () => {
    const fks = [
      { name: 'b_a', child: 'b', parent: 'a' },
      { name: 'c_b', child: 'c', parent: 'b' },
      { name: 'tree_self', child: 'tree', parent: 'tree' },
      { name: 'x_y', child: 'x', parent: 'y' },
      { name: 'y_x', child: 'y', parent: 'x' },
    ]
    const { order, unordered } = foreignKeyOrder(['c', 'b', 'a', 'tree', 'x', 'y'], fks)
    expect(order.indexOf('a')).toBeLessThan(order.indexOf('b'))
    expect(order.indexOf('b')).toBeLessThan(order.indexOf('c'))
    expect(order).toHaveLength(6)
    expect(unordered.map((f) => f.name).sort()).toEqual(['tree_self', expect.stringMatching(/^(x_y|y_x)$/)])
  })
})
