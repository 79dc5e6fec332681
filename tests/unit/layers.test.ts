/**
 * The layers stay one-way (issue 13 item 10): services write to the outbox and know no channel; channels know
 * no service. What both need (message shapes, the endpoint rule) lives in src/core.
 */
import fs from 'node:fs'
import path from 'node:path'
import { describe, it, expect } from 'vitest'

const ROOT = path.resolve(import.meta.dirname, '../..')

function importsOf(dir: string): { file: string; spec: string; typeOnly: boolean }[] {
  const out: { file: string; spec: string; typeOnly: boolean }[] = []
  for (const e of fs.readdirSync(path.join(ROOT, dir), { withFileTypes: true, recursive: true })) {
    if (!e.isFile() || !e.name.endsWith('.ts')) continue
    const file = path.relative(ROOT, path.join(e.parentPath, e.name))
    const text = fs.readFileSync(path.join(ROOT, file), 'utf8')
    for (const m of text.matchAll(/^\s*(?:import|export)\b([^'"]*?)from\s+['"]([^'"]+)['"]/gm)) {
      if (m[2].startsWith('.')) out.push({ file, spec: path.relative(ROOT, path.resolve(path.dirname(path.join(ROOT, file)), m[2])), typeOnly: /^\s*type\b/.test(m[1]) })
    }
  }
  return out
}

describe('layers', () => {
  it('no service imports a channel', () => {
    // the inbound message's shape (a type, src/channels/types.ts) is still read by services: to move below both
    const bad = importsOf('src/services').filter((i) => i.spec.startsWith('src/channels/') && !(i.typeOnly && i.spec === 'src/channels/types.js'))
    expect(bad.map((i) => `${i.file} → ${i.spec}`)).toEqual([])
  })

  it('no channel imports a service', () => {
    const bad = importsOf('src/channels').filter((i) => i.spec.startsWith('src/services/'))
    expect(bad.map((i) => `${i.file} → ${i.spec}`)).toEqual([])
  })
})
