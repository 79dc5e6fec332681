/**
 * Safety guidance for an urgent danger, sent at once in the chat before anything is confirmed: a short script
 * that fits a phone screen. Pure; the bureau's local numbers come in `numbers` (see `src/services/urgent-guidance.ts`).
 */
export type DangerKind = 'gas' | 'fire' | 'electric' | 'spill' | 'lift' | 'collapse'

export const DANGER_KINDS: readonly DangerKind[] = ['gas', 'fire', 'electric', 'spill', 'lift', 'collapse']

export const DANGER_LABELS: Record<DangerKind, string> = {
  gas: '燃气泄漏',
  fire: '着火冒烟',
  electric: '电气打火',
  spill: '油品/化学品泄漏',
  lift: '电梯困人',
  collapse: '坍塌',
}

/** Number keys a script may use, with the name the bureau edits them under in the content library. */
export const NUMBER_LABELS = {
  fire: '火警',
  ambulance: '急救',
  lift: '电梯困人',
  gas: '燃气抢修',
  power: '供电抢修',
} as const
export type NumberKey = keyof typeof NUMBER_LABELS

/** Used when the bureau has not set its own; the gas company's emergency line is local, so only its name. */
export const DEFAULT_NUMBERS: Record<NumberKey, string> = {
  fire: '119',
  ambulance: '120',
  lift: '96333',
  gas: '燃气公司抢修电话',
  power: '95598',
}

const SCRIPTS: Record<DangerKind, string[]> = {
  gas: [
    '【燃气泄漏·先保命】',
    '1. 马上关燃气总阀或钢瓶阀',
    '2. 开门开窗通风',
    '3. 不开关电器、不打火、屋里不打电话',
    '4. 人员撤到室外',
    '5. 到室外打{gas}或{fire}',
  ],
  fire: ['【着火·先保命】', '1. 马上打{fire}', '2. 人员立即撤离，不坐电梯，湿毛巾捂口鼻、低姿走', '3. 火小有把握才用灭火器；油锅起火盖锅盖，不能泼水', '4. 能安全做到时关燃气阀、拉闸'],
  electric: ['【电气打火·焦糊味】', '1. 能安全够到时先拉闸断电', '2. 不用水浇，不碰电线和触电的人', '3. 冒烟起火打{fire}', '4. 人员远离，等电工处理'],
  spill: ['【油品/化学品泄漏】', '1. 周围严禁烟火，不开关电器、不发动车辆', '2. 人员撤到上风处，拉起警戒', '3. 能安全关阀就关阀，用沙土围堵，别冲进下水道', '4. 打{fire}'],
  lift: ['【电梯困人】', '被困的人：别扒门撬门，按警铃，靠里站好等救援', '外面的人：打电梯里的维保电话或{lift}，不要自己撬门', '有人不舒服打{ambulance}'],
  collapse: ['【坍塌·先撤人】', '1. 人员马上撤离，远离塌处和周边墙体', '2. 不要贸然进去救人，防二次坍塌', '3. 打{fire}，有人受伤打{ambulance}', '4. 拉警戒，不让人靠近'],
}

/** Fills `{fire}` `{gas}` … from `numbers`, falling back to the defaults. */
export function fillNumbers(text: string, numbers: Record<string, string>): string {
  return text.replace(/\{(\w+)\}/g, (all, key: string) => numbers[key]?.trim() || DEFAULT_NUMBERS[key as NumberKey] || all)
}

/** The script for one danger, with the local numbers filled in. */
export function guidanceScript(kind: DangerKind, numbers: Record<string, string>): string {
  return fillNumbers(SCRIPTS[kind].join('\n'), numbers)
}

/** Reads the bureau's number list: one `名称：号码` a line (火警：119); unknown names and blank lines are skipped. */
export function parseNumbers(body: string): Partial<Record<NumberKey, string>> {
  const byLabel = new Map<string, NumberKey>(Object.entries(NUMBER_LABELS).map(([k, label]) => [label, k as NumberKey]))
  const out: Partial<Record<NumberKey, string>> = {}
  for (const line of body.split(/\r?\n/)) {
    const m = /^\s*([^:：=\s]+)\s*[:：=]\s*(.+?)\s*$/.exec(line)
    const key = m && byLabel.get(m[1])
    if (key) out[key] = m[2]
  }
  return out
}

/** The list as the content library ships it, for the bureau to edit. */
export function numbersBody(numbers: Record<NumberKey, string> = DEFAULT_NUMBERS): string {
  return (Object.keys(NUMBER_LABELS) as NumberKey[]).map((k) => `${NUMBER_LABELS[k]}：${numbers[k]}`).join('\n')
}
