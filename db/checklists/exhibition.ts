import type { Checklist } from './types.js'

/** 展览活动安全自查. */
export const exhibition: Checklist = {
  key: 'exhibition',
  title: '展览活动安全自查',
  words: ['展览', '展会', '会展'],
  industries: ['exhibition'],
  items: [
    { text: '制定了展览活动安全工作方案和应急预案', category: 'other' },
    { text: '大型群众性活动已取得公安机关安全许可', category: 'other' },
    { text: '展台搭建材料阻燃，搭建和拆除有安全措施', category: 'fire' },
    { text: '人员密度控制在核定容量内，有限流措施', category: 'other' },
    { text: '安全出口、疏散通道畅通，标识清楚', category: 'fire' },
    { text: '展台临时用电由电工接线，无私拉乱接', category: 'electrical' },
    { text: '消防器材配置到位，有专人巡查', category: 'fire' },
    { text: '现场安保、医疗救护人员到位', category: 'other' },
  ],
}
