import type { Checklist } from './types.js'

/** 成品油流通（加油站）安全自查. */
export const refinedOil: Checklist = {
  key: 'refined_oil',
  title: '加油站（成品油）安全自查',
  words: ['加油站', '成品油', '油站', '油品'],
  industries: ['refined_oil'],
  items: [
    { text: '成品油零售经营批准证书等证照齐全有效', category: 'hazardous' },
    { text: '油罐、管线、加油机无渗漏，液位监测正常', category: 'hazardous' },
    { text: '卸油严格执行操作规程，静电接地装置完好并使用', category: 'hazardous' },
    { text: '油气回收装置正常运行', category: 'hazardous' },
    { text: '站内无吸烟、无使用明火和手机的现象，警示标志齐全', category: 'fire' },
    { text: '未用塑料桶等不合格容器散装售油', category: 'hazardous' },
    { text: '灭火器、灭火毯、消防沙等配置齐全有效', category: 'fire' },
    { text: '防爆电气设备完好，无私拉乱接电线', category: 'electrical' },
    { text: '动火、进罐等危险作业执行审批', category: 'fire' },
    { text: '员工经过安全培训，会应急处置，应急预案定期演练', category: 'other' },
  ],
}
