import type { Checklist } from './types.js'

/** 房屋安全（经营用房、自建房、大跨度结构）自查. */
export const building: Checklist = {
  key: 'building',
  title: '房屋安全自查',
  words: ['房屋', '建筑', '自建房', '结构'],
  industries: [],
  items: [
    { text: '经营用房墙体、梁柱、楼板无明显裂缝、变形', category: 'building' },
    { text: '未擅自拆改承重结构、加层或改变用途', category: 'building' },
    { text: '屋顶、雨棚、外墙附着物、广告牌牢固', category: 'building' },
    { text: '大跨度屋面无积雪积水、无锈蚀变形', category: 'building' },
    { text: '经营用房有合法手续，自建房经营已做安全鉴定', category: 'building' },
  ],
}
