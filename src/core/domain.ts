/** Domain vocabulary: the words users type (Chinese) mapped to identifiers (English). */

export const INDUSTRIES = {
  catering: '餐饮',
  refined_oil: '成品油',
  scrap_vehicle: '报废机动车',
  mall: '商场综合体',
  exhibition: '展览',
  time_honoured: '老字号',
  county_commerce: '县域商业',
  foreign_trade: '外贸',
} as const
export type Industry = keyof typeof INDUSTRIES

/** Words people use for each industry (first is the display name). */
export const INDUSTRY_WORDS: Record<Industry, string[]> = {
  catering: ['餐饮', '饭店', '餐馆', '餐厅', '饭馆', '酒店', '食堂'],
  refined_oil: ['成品油', '加油站', '油站', '加油'],
  scrap_vehicle: ['报废机动车', '报废车', '报废汽车', '拆解', '回收拆解'],
  mall: ['商场综合体', '商场', '购物中心', '综合体', '商业综合体', '超市'],
  exhibition: ['展览', '展会', '会展'],
  time_honoured: ['老字号'],
  county_commerce: ['县域商业', '县域', '乡镇商业'],
  foreign_trade: ['外贸', '进出口'],
}

export const CATEGORIES = {
  fire: '消防',
  gas: '燃气',
  special_equipment: '特种设备',
  building: '房屋',
  electrical: '电气',
  hazardous: '油品/危化品',
  other: '其他',
} as const
export type Category = keyof typeof CATEGORIES

export const CATEGORY_WORDS: Record<Category, string[]> = {
  fire: ['消防', '消防安全', '火灾'],
  gas: ['燃气', '燃气安全'],
  special_equipment: ['特种设备'],
  building: ['房屋', '房屋安全', '建筑'],
  electrical: ['电气', '用电'],
  hazardous: ['油品', '危化品', '油品/危化品', '危险化学品'],
  other: ['其他'],
}

export type Grade = 'general' | 'major'
export const GRADES: Record<Grade, string> = { general: '一般隐患', major: '重大隐患' }

export type HazardStatus = 'reported' | 'rectifying' | 'awaiting_verification' | 'transferred' | 'closed' | 'voided'
/** Still to be dealt with: counted as open, reminded, overdue when past the deadline (the first two). */
export const OPEN_STATUSES = ['reported', 'rectifying', 'awaiting_verification', 'transferred'] as const
export const STATUS_LABELS: Record<HazardStatus, string> = {
  reported: '已上报待受理',
  rectifying: '整改中',
  awaiting_verification: '整改完成待验收',
  transferred: '已移交',
  closed: '已销号',
  voided: '已作废',
}

export const DEPARTMENTS: [string, string[]][] = [
  ['消防救援', ['消防救援', '消防', '消防大队', '消防救援大队']],
  ['住建/燃气', ['住建/燃气', '住建', '燃气', '燃气主管', '住建局', '城管']],
  ['市场监管', ['市场监管', '市场监督', '市场监管局', '特种设备']],
  ['应急管理', ['应急管理', '应急', '应急局', '应急管理局']],
  ['公安', ['公安', '派出所', '公安局']],
]

export const UNIDENTIFIED_BUSINESS = '待认定'
export const PUBLIC_REPORTER = '群众举报'

export function industryLabel(i: string | null | undefined): string {
  return i && i in INDUSTRIES ? INDUSTRIES[i as Industry] : '—'
}
