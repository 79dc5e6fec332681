import type { Tx } from '../../../db/client.js'

/** The dangers a device's alarm stands for (the same kinds as the urgent reports' guidance scripts). */
export type DangerKind = 'gas' | 'fire' | 'electric' | 'spill' | 'lift' | 'collapse'

const SCRIPTS: Record<DangerKind, string> = {
  gas: '请立即：关闭燃气总阀，打开门窗通风；不要开关电器、不要打电话或使用明火；人员撤到室外。闻到明显气味请拨打燃气抢修电话，起火拨119。',
  fire: '请立即：确认现场有无烟火；有火情马上拨打119，组织人员从安全出口撤离；初起小火可用灭火器扑救，不要乘电梯。',
  electric: '请立即：断开相关电源总闸，不要用手或湿物接触设备；冒烟起火拨打119，不要用水扑灭电气火灾。',
  spill: '请立即：停止加油和卸油作业，关闭相关阀门，设置警戒；禁止明火和启动车辆；用吸油毡或沙土围堵，必要时拨打119。',
  lift: '请立即：停止使用电梯，设置警示；有人被困请安抚并拨打电梯维保电话或96333。',
  collapse: '请立即：撤离危险区域的人员，设置警戒，不要进入；有人员伤亡拨打120、119。',
}

/**
 * The safety guidance for an alarm's danger. The plain-language issue brings the shared scripts
 * (src/services/urgent-guidance.ts guidanceFor); until it lands this file holds the same kinds.
 */
export async function alarmGuidance(_tx: Tx, kind: DangerKind): Promise<string> {
  return SCRIPTS[kind]
}
