import type { Checklist } from './types.js'

/** 购物中心、大型商业综合体消防安全自查. */
export const mall: Checklist = {
  key: 'mall',
  title: '商场综合体消防安全自查',
  words: ['商场', '综合体', '购物中心', '商业综合体', '消防'],
  industries: ['mall'],
  items: [
    { text: '已明确消防安全责任人、管理人，并书面公布', category: 'fire' },
    { text: '制定了灭火和应急疏散预案，今年组织过演练', category: 'fire' },
    { text: '员工都经过消防培训，会报警、会使用灭火器、会组织疏散', category: 'fire' },
    { text: '动火作业一律办理审批，有专人监护', category: 'fire' },
    { text: '安全出口、疏散通道畅通，营业期间未上锁、未堵塞', category: 'fire' },
    { text: '消火栓、灭火器、喷淋、烟感等消防设施完好，未被遮挡', category: 'fire' },
    { text: '应急照明、疏散指示标志完好', category: 'fire' },
    { text: '消防控制室24小时双人值班，值班人员持证', category: 'fire' },
    { text: '防火门常闭或联动正常，防火卷帘下方无堆物', category: 'fire' },
    { text: '电动自行车未在室内停放充电', category: 'electrical' },
    { text: '商户后厨燃气使用符合要求，装有报警器', category: 'gas' },
    { text: '电梯、扶梯在检验有效期内，维保记录齐全', category: 'special_equipment' },
  ],
}
