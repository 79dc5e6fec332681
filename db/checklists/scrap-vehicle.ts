import type { Checklist } from './types.js'

/** 报废机动车回收拆解企业安全自查. */
export const scrapVehicle: Checklist = {
  key: 'scrap_vehicle',
  title: '报废机动车回收拆解安全自查',
  words: ['报废车', '报废机动车', '拆解', '回收拆解'],
  industries: ['scrap_vehicle'],
  items: [
    { text: '拆解前已抽排油液、回收制冷剂，拆除安全气囊', category: 'hazardous' },
    { text: '废油、废液用专用容器分类存放，有防渗漏措施', category: 'hazardous' },
    { text: '切割、焊接等动火作业执行审批，现场有人看护', category: 'fire' },
    { text: '拆解区、贮存区分开，车辆堆放不超过规定高度', category: 'other' },
    { text: '起重、叉车等特种设备定期检验，操作人员持证', category: 'special_equipment' },
    { text: '动力蓄电池单独存放，有防火隔离措施', category: 'fire' },
    { text: '消防通道畅通，消防器材配置齐全有效', category: 'fire' },
    { text: '员工穿戴防护用品，经过安全培训', category: 'other' },
  ],
}
