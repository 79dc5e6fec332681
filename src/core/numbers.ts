/** Numbers as people write them: digits or Chinese numerals. */

const DIGIT: Record<string, number> = { 零: 0, 〇: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9 }
const UNIT: Record<string, number> = { 十: 10, 百: 100, 千: 1000 }

/** '7', '七', '十五', '二十三', '一百零五' → number; anything else → null. */
export function parseNumber(s: string): number | null {
  if (/^\d+$/.test(s)) return Number(s)
  if (!/^[零〇一二两三四五六七八九十百千]+$/.test(s)) return null
  let total = 0
  let digit = 0
  for (const ch of s) {
    if (ch in DIGIT) digit = DIGIT[ch]
    else {
      const unit = UNIT[ch]
      total += (digit || 1) * unit
      digit = 0
    }
  }
  return total + digit
}
