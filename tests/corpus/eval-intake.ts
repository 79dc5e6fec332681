/**
 * `npm run eval:intake`: the recogniser and the self-check reader over the labelled corpus, on each part.
 * Prints hazard recall, category accuracy, false replies on chatter, urgent recall, self-check answers read
 * right, and every miss. The test part was committed before the recogniser and is never tuned to.
 */
import { defaultLexicon, itemWords } from '../../db/lexicon.js'
import { checklistByWord } from '../../db/checklists/index.js'
import { recognise, namesSomething } from '../../src/core/recogniser.js'
import { readChecklistAnswer } from '../../src/core/checklist-answers.js'
import { messages, answers, type Part } from './load.js'

const pct = (n: number, d: number) => `${((100 * n) / Math.max(d, 1)).toFixed(1)}% (${n}/${d})`

export function evaluate(part: Part) {
  const lex = defaultLexicon()
  const misses: string[] = []
  const rows = messages(part)
  const hazards = rows.filter((r) => r.label === 'hazard')
  const chatter = rows.filter((r) => r.label === 'chatter')
  const urgentRows = rows.filter((r) => r.urgent)
  let found = 0
  let rightCategory = 0
  let falseReplies = 0
  let urgentRight = 0
  for (const r of rows) {
    const x = recognise(r.text, lex)
    const at = `${part}:${r.line}`
    if (r.label === 'hazard') {
      if (x.hazard) found++
      else misses.push(`${at} 漏认 [${r.category}] ${r.text}  (${x.chatter ?? ''} ${x.words.join(',')})`)
      if (x.hazard && x.category === r.category) rightCategory++
      else if (x.hazard) misses.push(`${at} 类别 ${x.category}≠${r.category} ${r.text}  (${x.words.join(',')})`)
    } else if (x.hazard || x.urgent) {
      falseReplies++
      misses.push(`${at} 误报 [${r.category}] ${r.text}  (${x.urgent ?? ''} ${x.words.join(',')})`)
    }
    if (r.urgent) {
      if (x.urgent === r.urgent) urgentRight++
      else misses.push(`${at} 紧急 ${x.urgent ?? '无'}≠${r.urgent} ${r.text}`)
    }
  }
  const sc = answers(part)
  let read = 0
  for (const a of sc) {
    const list = checklistByWord(a.checklist)
    if (!list) throw new Error(`no checklist ${a.checklist}`)
    const r = readChecklistAnswer(a.text, list.items.length, { itemWords: itemWords(list.key, list.items), namesThing: (c) => namesSomething(c, lex) })
    const same = (x: number[], y: number[]) => x.length === y.length && x.every((v, i) => v === y[i])
    const ok = a.expect === null ? !r.ok : r.ok && same(r.failed, a.expect.failed) && same(r.missing, a.expect.missing) && !!r.extra === a.expect.extra
    if (ok) read++
    else {
      const got = r.ok ? `F:${r.failed.join(',')} M:${r.missing.join(',')}${r.extra ? ' X' : ''}` : `ask（${r.error.split('\n')[0]}）`
      const want = a.expect ? `F:${a.expect.failed.join(',')} M:${a.expect.missing.join(',')}${a.expect.extra ? ' X' : ''}` : 'ask'
      misses.push(`${part}:selfcheck:${a.line} 自查 ${a.checklist} “${a.text}” 得 ${got}，应 ${want}`)
    }
  }
  return {
    part,
    figures: {
      hazardRecall: pct(found, hazards.length),
      categoryAccuracy: pct(rightCategory, hazards.length),
      falseRepliesOnChatter: pct(falseReplies, chatter.length),
      urgentRecall: pct(urgentRight, urgentRows.length),
      selfCheckAnswersRead: pct(read, sc.length),
    },
    ratios: { recall: found / hazards.length, category: rightCategory / hazards.length, falseReplies: falseReplies / chatter.length, urgent: urgentRight / urgentRows.length, selfCheck: read / sc.length },
    misses,
  }
}

if (import.meta.url === `file://${process.argv[1]}`) {
  // `npm run eval:intake -- --part dev`: only the development part (what the word lists are tuned on)
  const only = process.argv.indexOf('--part')
  const parts: Part[] = only >= 0 ? [process.argv[only + 1] as Part] : ['test', 'dev']
  for (const part of parts) {
    if (part !== 'test' && part !== 'dev') throw new Error(`--part test|dev, not ${part}`)
    const e = evaluate(part)
    console.log(`\n== ${part === 'test' ? '测试集 test part (never tuned to)' : '开发集 dev part'} ==`)
    console.log(`hazard recall           ${e.figures.hazardRecall}`)
    console.log(`category accuracy       ${e.figures.categoryAccuracy}`)
    console.log(`false replies (chatter) ${e.figures.falseRepliesOnChatter}`)
    console.log(`urgent recall           ${e.figures.urgentRecall}`)
    console.log(`self-check answers read ${e.figures.selfCheckAnswersRead}`)
    console.log(`misses (${e.misses.length}):`)
    for (const m of e.misses) console.log('  ' + m)
  }
  console.log('\ntargets on the test part: recall ≥ 95%, category ≥ 90%, false replies ≤ 1%, urgent recall 100%, self-check ≥ 95%')
}
