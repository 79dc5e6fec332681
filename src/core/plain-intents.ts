import { normalize } from './text.js'

/**
 * What an owner says to the bot that is neither a command nor a hazard (issue 12, item 3): a greeting, thanks,
 * how to report, how their reports are doing, or that something was put right. Pure; read after the recogniser
 * found no hazard, so a description of a danger never lands here.
 */
export type PlainIntent = 'greeting' | 'thanks' | 'howto' | 'mine' | 'query' | 'done' | 'nothingOpen' | 'question'

const clean = (t: string) =>
  normalize(t)
    .toLowerCase()
    .replace(/[。.,，!！?？~～\s]+/g, '')

const GREETING = /^(?:你好|您好|在吗|在么|在不在|hello|hi|哈喽|嗨|早|早上好|上午好|中午好|下午好|晚上好)(?:啊|呀|呢|哈)?$/
const THANKS = /^(?:好的|好|ok)?(?:谢谢|多谢|感谢|谢了|谢啦|辛苦了|辛苦)(?:你|您|啦|了|哈)?$/
const HOWTO = /(?:怎么|咋|如何|怎样)(?:才能|能|去|来)?(?:上报|报|登记|反映|举报|用)|(?:上报|报隐患|举报|登记隐患)(?:要|得|该)?(?:怎么|咋|如何)|^(?:我|俺)?(?:要|想|得)(?:报|上报|反映|举报)(?:个|一个|一下|一条)?(?:隐患|问题|情况)?$/
const MINE_WHO = /(?:我|俺|咱)(?:们)?(?:家|店|单位)?(?:报|上报|举报|提交|发|反映)的|(?:我|俺|咱)(?:们)?(?:家|店|单位)?的隐患/
const MINE_WHAT = /咋样|怎么样|怎样|进度|到哪|处理|结果|有人管|管了|几条|多少|有哪些|销号|呢$|吗$|没$/
/** a hazard's code and a question about it: Y2怎么样了, Y12到哪了 */
const QUERY = /^(y\d{1,9})(?:这条|这个)?(?:隐患)?(?:咋样|怎么样|怎样|进度|到哪|处理|有人管|管了|结果|呢|了吗|没)/
const DONE = /(?:已经|已)(?:换|修|弄|整改|处理|清理|装|加固|拆)|(?:换|修|弄|整改|处理|清理|装|搞)好了|整改完|处理完|弄完了|搞定/

/** a question the bot cannot answer (还能用吗, 什么时候来): said so, with who can */
const QUESTION = /(?:吗|嘛|(?<![什怎这那多])么)$|什么时候|多少|哪里|哪儿|在哪|几点|几号|能不能|可不可以|要不要|是不是|为什么|为啥/

export function plainIntent(text: string): PlainIntent | null {
  const t = clean(text)
  if (!t) return null
  if (/^[12]$/.test(t)) return 'nothingOpen'
  if (GREETING.test(t)) return 'greeting'
  if (THANKS.test(t)) return 'thanks'
  if (MINE_WHO.test(t) && MINE_WHAT.test(t)) return 'mine'
  if (QUERY.test(t)) return 'query'
  if (HOWTO.test(t)) return 'howto'
  if (DONE.test(t)) return 'done'
  if (QUESTION.test(t) || /[?？]$/.test(normalize(text).trim())) return 'question'
  return null
}

/** The command an intent runs instead of an answer: `mine` → 我的, `query` → 查询 Y2. */
export function intentCommand(intent: PlainIntent, text: string): string | null {
  if (intent === 'mine') return '我的'
  if (intent === 'query') return `查询 ${QUERY.exec(clean(text))![1].toUpperCase()}`
  return null
}

/** The short answer to each intent that runs no command. */
export const INTENT_REPLIES: Record<Exclude<PlainIntent, 'mine' | 'query'>, string> = {
  nothingOpen: '现在没有等您回复的隐患（可能已过时）。\n要上报，直接说什么问题、在哪。',
  question: '这个问题我答不了，请问本街道的监管人员。\n要上报隐患，直接说什么问题、在哪。',
  greeting: '您好！有安全隐患，直接说什么问题、在哪就行，例如：\n后厨燃气软管老化了\n发 #帮助 看更多。',
  thanks: '不客气。',
  howto: '直接说什么问题、在哪就行，例如：\n后厨燃气软管老化了\n我会问您要不要上报，回复 1 上报。也可以先发照片再说一句。',
  done: '整改好了请发：#整改 编号 做了什么，例如：\n#整改 Y12 已更换燃气软管\n再发整改后的照片。不知道编号发：#我的',
}
