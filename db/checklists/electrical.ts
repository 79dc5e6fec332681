import type { Checklist } from './types.js'

/** 用电安全自查. */
export const electrical: Checklist = {
  key: 'electrical',
  title: '用电安全自查',
  words: ['电气', '用电', '电路'],
  industries: [],
  items: [
    { text: '无私拉乱接电线，无飞线', category: 'electrical' },
    { text: '电线穿管保护，无老化破损', category: 'electrical' },
    { text: '配电箱完好、有漏电保护，周围无可燃物', category: 'electrical' },
    { text: '大功率电器单独回路，不超负荷使用插排', category: 'electrical' },
    { text: '电动自行车和电池不在室内或通道停放充电', category: 'electrical' },
    { text: '营业结束后切断非必要电源', category: 'electrical' },
  ],
}
