/** The unified social credit code (统一社会信用代码, GB 32100-2015): 18 characters, the last a check character. */

const CHARS = '0123456789ABCDEFGHJKLMNPQRTUWXY'
const WEIGHTS = [1, 3, 9, 27, 19, 26, 16, 17, 20, 29, 25, 13, 8, 24, 10, 30, 28]

/** The check character for the first 17 characters, or null when one of them is not allowed. */
export function creditCodeCheck(first17: string): string | null {
  let sum = 0
  for (let i = 0; i < 17; i++) {
    const v = CHARS.indexOf(first17[i])
    if (v < 0) return null
    sum += v * WEIGHTS[i]
  }
  return CHARS[(31 - (sum % 31)) % 31]
}

/** Why a credit code is wrong, in Chinese, or null when it is valid. */
export function creditCodeProblem(code: string): string | null {
  if (code.length !== 18) return `统一社会信用代码应为 18 位，这里是 ${code.length} 位`
  if (!/^[0-9A-HJ-NPQRTUWXY]{18}$/.test(code)) return '统一社会信用代码只含数字和大写字母（不含 I、O、Z、S、V）'
  const check = creditCodeCheck(code.slice(0, 17))
  if (check !== code[17]) return `统一社会信用代码校验位不对（最后一位应为 ${check}），请核对`
  return null
}
