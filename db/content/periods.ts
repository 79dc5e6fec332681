import type { SeedItem } from './types.js'

/**
 * 重点时段提醒、值班表通知和极端天气预警的文字。占位符：{name} 时段名称，{start} {end} 起止日期，
 * {roster} 值班表，{area} 范围。
 */
const PERIOD_TEXT: Record<string, string> = {
  new_year: '【元旦安全提醒】{name}假期（{start}至{end}）将至。请各单位节前开展一次全面自查，重点检查燃气、消防设施和疏散通道，落实节日期间24小时值班。',
  spring_festival: '【春节安全提醒】春节假期（{start}至{end}）将至。节日期间人流密集、用火用电用气增多，请落实领导带班和24小时值班，商场、饭店做好大客流疏导，严禁违规燃放和存放烟花爆竹。',
  labour_day: '【五一安全提醒】五一假期（{start}至{end}）将至。请做好客流高峰的安全管理，检查消防设施和燃气设备，落实24小时值班。',
  national_day: '【国庆安全提醒】国庆假期（{start}至{end}）将至。请组织节前安全自查，重点是人员密集场所、燃气和特种设备，落实24小时值班。',
  two_sessions_provincial: '【省两会安全提醒】省两会（{start}至{end}）期间，请各单位加强隐患排查和值班值守，重大情况第一时间报告，确保安全稳定。',
  two_sessions_national: '【全国两会安全提醒】全国两会（{start}至{end}）期间，请各单位加强隐患排查和值班值守，重大情况第一时间报告，确保安全稳定。',
  safety_month: '【安全生产月】{start}起是安全生产月。请各单位组织全员安全培训、应急演练和一次全面自查，发现隐患在群里上报。',
  winter_fire: '【冬春火灾防控】{start}起进入冬春火灾防控期（至{end}）。请检查消防设施、电气线路和取暖设备，清理可燃杂物，落实夜间巡查。',
  summer_heat: '【夏季高温提醒】{start}起进入高温季节。请调整户外作业时间，做好防暑降温，检查用电负荷和液化气钢瓶防晒。',
  flood_season: '【汛期提醒】{start}起进入汛期（至{end}）。请检查地下空间挡水排水设施、配电设施防水和防雷装置，关注暴雨预警。',
  freezing: '【冰冻雨雪提醒】{start}起进入冰冻雨雪多发期。请做好屋面积雪清扫、台阶防滑、消防水管防冻，取暖注意防火防中毒。',
}

const ALERT_TEXT: [string, string, string][] = [
  ['heat', '高温', '【高温预警】{area}将出现高温天气。请调整作业时间，避开中午高温时段；加油站加强油罐和油气检查，液化气钢瓶严禁暴晒；注意用电负荷，防止线路过热。'],
  ['rainstorm', '暴雨', '【暴雨预警】{area}将出现暴雨。请立即检查地下室、地下车库挡水排水设施，配电设施防水；暴雨期间停止地下空间经营和户外作业，加油站暂停卸油。'],
  ['typhoon', '台风', '【台风预警】{area}将受台风影响。请加固或拆除户外招牌广告牌，收起临时棚架，关闭门窗，暂停户外作业和大型活动。'],
  ['cold_wave', '寒潮', '【寒潮预警】{area}将有寒潮降温。请做好消防水管和设备防冻，取暖设备远离可燃物，严禁明火取暖和店内住人生火。'],
  ['gale', '大风', '【大风预警】{area}将出现大风。请加固户外招牌、广告牌、彩钢棚和临时搭建物，停止高处作业和动火作业。'],
  ['freezing', '冰冻', '【冰冻雨雪预警】{area}将出现冰冻雨雪。请及时清扫屋面和大跨度棚顶积雪，台阶坡道铺设防滑设施，做好管道防冻。'],
  ['snowstorm', '暴雪', '【暴雪预警】{area}将出现暴雪。请及时清扫屋面积雪，大跨度结构场所发现变形立即疏散人员，做好防滑防冻。'],
  ['thunder', '雷电', '【雷电预警】{area}将出现雷电天气。加油站暂停卸油作业，户外人员及时避险，检查防雷设施。'],
  ['fog', '大雾', '【大雾预警】{area}将出现大雾。请提醒运输车辆减速慢行，危险货物运输车辆暂停上路。'],
]

/** Words people type after 预警, per alert key (the first is the display name). */
export const ALERT_WORDS: Record<string, string[]> = {
  heat: ['高温', '酷热'],
  rainstorm: ['暴雨', '强降雨', '大雨', '防汛'],
  typhoon: ['台风'],
  cold_wave: ['寒潮', '降温'],
  gale: ['大风', '强风'],
  freezing: ['冰冻', '冰冻雨雪', '道路结冰', '冻雨'],
  snowstorm: ['暴雪', '大雪'],
  thunder: ['雷电', '雷暴'],
  fog: ['大雾', '雾'],
}

export const periodTexts: SeedItem[] = [
  ...Object.entries(PERIOD_TEXT).map(([key, body]): SeedItem => ({ key: `period:${key}`, kind: 'period', title: key, body, seasons: [key] })),
  {
    key: 'duty:holiday',
    kind: 'duty',
    title: '节日24小时值班通知',
    body: '【{name}值班安排】{start}至{end}实行24小时应急值班。\n{roster}\n遇突发事件请立即拨打值班电话报告，火警拨打119。',
  },
  ...ALERT_TEXT.map(([key, title, body]): SeedItem => ({ key: `alert:${key}`, kind: 'alert', title, body })),
]
