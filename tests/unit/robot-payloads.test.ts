import { describe, it, expect } from 'vitest'
import { robotPayloads, TEXT_MAX_BYTES } from '../../src/channels/wecom/robot.js'

describe('group robot text payloads', () => {
  it('when text users typed holds <@…>, then it cannot mention anyone', () => {
    const [p] = robotPayloads({ type: 'text', content: '【重大隐患】Y12 <@all> 后厨 <@zhangsan>燃气泄漏' })
    expect(p).toEqual({ msgtype: 'text', text: { content: '【重大隐患】Y12 ＜@all> 后厨 ＜@zhangsan>燃气泄漏' } })
  })

  it('when a text is longer than a robot takes, then it is split and only the first part mentions', () => {
    const parts = robotPayloads({ type: 'text', content: '安全提示：'.repeat(300), mentionedList: ['lisi'] })
    expect(parts.length).toBeGreaterThan(1)
    for (const p of parts) expect(Buffer.byteLength((p.text as { content: string }).content)).toBeLessThanOrEqual(TEXT_MAX_BYTES)
    expect((parts[0].text as { mentioned_list?: string[] }).mentioned_list).toEqual(['lisi'])
    expect(parts.slice(1).every((p) => !(p.text as { mentioned_list?: string[] }).mentioned_list)).toBe(true)
    expect(parts.map((p) => (p.text as { content: string }).content).join('')).toBe('安全提示：'.repeat(300))
  })
})
