import type { Checklist } from './types.js'

/** 特种设备（电梯、锅炉、压力容器、叉车）安全自查. */
export const specialEquipment: Checklist = {
  key: 'special_equipment',
  title: '特种设备安全自查',
  words: ['特种设备', '电梯', '锅炉', '压力容器'],
  industries: [],
  items: [
    { text: '电梯、锅炉、压力容器等已办理使用登记', category: 'special_equipment' },
    { text: '设备在定期检验有效期内，检验合格标志张贴在显著位置', category: 'special_equipment' },
    { text: '电梯有维保单位按期维保，记录齐全', category: 'special_equipment' },
    { text: '作业人员（司炉、叉车司机等）持证上岗', category: 'special_equipment' },
    { text: '安全附件（安全阀、压力表等）齐全并校验', category: 'special_equipment' },
    { text: '电梯紧急报警装置有效，困人救援预案已演练', category: 'special_equipment' },
  ],
}
