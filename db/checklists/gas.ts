import type { Checklist } from './types.js'

/** 餐饮场所燃气安全自查（城镇燃气安全专项整治、燃气和醇基燃料安全整治）. */
export const gas: Checklist = {
  key: 'gas',
  title: '餐饮燃气安全自查',
  words: ['燃气', '餐饮燃气', '煤气', '液化气'],
  industries: ['catering'],
  items: [
    { text: '燃气软管长度不超过2米、无老化开裂，两端用卡箍固定，未穿墙穿门窗', category: 'gas' },
    { text: '灶前阀门、减压阀完好，开关灵活无漏气（用肥皂水检查过）', category: 'gas' },
    { text: '按规定安装了可燃气体报警器，且通电正常、能报警', category: 'gas' },
    { text: '使用管道燃气的已安装燃气泄漏自动切断装置', category: 'gas' },
    { text: '后厨通风良好，排风设施正常运行', category: 'gas' },
    { text: '液化气钢瓶有合格标签、在检验期内，无倒置、加热、私自倒灌', category: 'gas' },
    { text: '钢瓶单独存放在通风的房间，不与灶具同室，不存放在地下室', category: 'gas' },
    { text: '未使用醇基燃料，或醇基燃料按规定储存、用量不超过一天', category: 'gas' },
    { text: '后厨员工都会关闭总阀、知道漏气时怎么处置', category: 'gas' },
    { text: '灭火器、灭火毯配置齐全并在有效期内', category: 'fire' },
    { text: '烟道定期清洗，无厚重油污', category: 'fire' },
  ],
}
