import type { SeedItem } from './types.js'
import { numbersBody } from '../../src/core/urgent-guidance.js'

/**
 * 紧急情况（燃气泄漏、着火、电梯困人…）安全提示里用的本地电话。局里在内容库改这一条即可：
 * 一行一个“名称：号码”，名称为 火警、急救、电梯困人、燃气抢修、供电抢修。
 */
export const urgentItems: SeedItem[] = [
  {
    key: 'urgent:numbers',
    kind: 'alert',
    title: '紧急情况本地电话',
    body: numbersBody(),
  },
]
