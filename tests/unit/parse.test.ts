import { describe, it, expect } from 'vitest'
import { normalize, address, tokens } from '../../src/core/text.js'
import { parseNumber, parseDeadline, parseHazardCode, inferCategory, parseVerify, type ReportArgs, type AcceptArgs } from '../../src/core/parse.js'
import { commands, matchCommand } from '../../commands/index.js'

const BOT = '安全助手'

type Route =
  | { addressed: false }
  | { addressed: true; command: null }
  | { addressed: true; command: string; parsed: { ok: true; value: unknown } | { ok: false; error: string } }

/** The router's path for a group message: normalize → address → matchCommand → command.parse. */
function route(raw: string, mentionedByChannel = false): Route {
  const a = address(normalize(raw), [BOT], mentionedByChannel)
  if (!a.prefixed && !a.mentioned) return { addressed: false }
  const m = matchCommand(a.body)
  if (!m) return { addressed: true, command: null }
  return { addressed: true, command: m.command.name, parsed: m.command.parse(m.rest) }
}

interface Row {
  text: string
  /** the channel reports an @-mention of the bot (e.g. under a group alias) */
  mentioned?: boolean
  /** 'ignored': not addressed to the bot; null: addressed but no command (the router answers with help) */
  cmd: string | null | 'ignored'
  value?: unknown
  error?: string
}

const rep = (description: string, o: Partial<ReportArgs> = {}): ReportArgs => ({
  description,
  place: null,
  category: 'other',
  categoryGiven: false,
  major: false,
  ...o,
})
const acc = (code: string, o: Partial<AcceptArgs> = {}): AcceptArgs => ({ code, deadline: null, responsible: null, business: null, ...o })
const days = (n: number) => ({ days: n })
const date = (month: number, day: number, year?: number) => ({ date: { year, month, day } })
const LONG = '后厨燃气软管老化'.repeat(80)

const ROWS: Row[] = [
  // ---- report: synonyms, full-width, mentions, categories, grade, place ----
  { text: '#隐患 后厨燃气软管老化开裂 地点:一楼后厨', cmd: 'report', value: rep('后厨燃气软管老化开裂', { place: '一楼后厨', category: 'gas' }) },
  { text: '＃隐患　后厨燃气软管老化开裂，地点：一楼后厨', cmd: 'report', value: rep('后厨燃气软管老化开裂', { place: '一楼后厨', category: 'gas' }) },
  { text: '#隐患 后厨燃气软管老化，地点：一楼后厨。', cmd: 'report', value: rep('后厨燃气软管老化', { place: '一楼后厨', category: 'gas' }) },
  { text: '#隐患 后厨燃气管漏气，地点：后厨，请尽快处理', cmd: 'report', value: rep('后厨燃气管漏气,请尽快处理', { place: '后厨', category: 'gas' }) },
  { text: '@安全助手 隐患 电梯年检过期', cmd: 'report', value: rep('电梯年检过期', { category: 'special_equipment' }) },
  { text: '@安全助手\u2005上报 锅炉压力表过期', cmd: 'report', value: rep('锅炉压力表过期', { category: 'special_equipment' }) },
  { text: '#报隐患 加油站油罐渗漏 重大', cmd: 'report', value: rep('加油站油罐渗漏', { category: 'hazardous', major: true }) },
  { text: '#报隐患后厨漏气', cmd: 'report', value: rep('后厨漏气', { category: 'gas' }) },
  { text: '#上报隐患 二楼墙体出现裂缝 位置：二楼东侧', cmd: 'report', value: rep('二楼墙体出现裂缝', { place: '二楼东侧', category: 'building' }) },
  { text: '#隐患 仓库 位置在二楼 电线私拉', cmd: 'report', value: rep('仓库 电线私拉', { place: '二楼', category: 'electrical' }) },
  { text: '#举报 有人在楼道里给电动车充电', cmd: 'report', value: rep('有人在楼道里给电动车充电', { category: 'electrical' }) },
  { text: '#隐患 配电箱电线私拉乱接', cmd: 'report', value: rep('配电箱电线私拉乱接', { category: 'electrical' }) },
  { text: '#隐患 安全出口被货物堵塞 重大', cmd: 'report', value: rep('安全出口被货物堵塞', { category: 'fire', major: true }) },
  { text: '#隐患 【重大】消防通道堆满纸箱', cmd: 'report', value: rep('消防通道堆满纸箱', { category: 'fire', major: true }) },
  { text: '#隐患 燃气泄漏（重大隐患）', cmd: 'report', value: rep('燃气泄漏', { category: 'gas', major: true }) },
  { text: '#隐患 【电气】后厨有股糊味', cmd: 'report', value: rep('后厨有股糊味', { category: 'electrical', categoryGiven: true }) },
  { text: '#隐患 类别：燃气 后厨有异味', cmd: 'report', value: rep('后厨有异味', { category: 'gas', categoryGiven: true }) },
  { text: '#隐患 类别：不知道 门口广告牌松动', cmd: 'report', value: rep('类别:不知道 门口广告牌松动', { category: 'building' }) },
  { text: '#隐患 烟感报警器不亮了', cmd: 'report', value: rep('烟感报警器不亮了', { category: 'fire' }) },
  { text: '#隐患 消防软管卷盘损坏', cmd: 'report', value: rep('消防软管卷盘损坏', { category: 'fire' }) },
  { text: '#隐患 燃气报警器没有安装', cmd: 'report', value: rep('燃气报警器没有安装', { category: 'gas' }) },
  { text: '#隐患 消防通道位置堆放杂物', cmd: 'report', value: rep('消防通道位置堆放杂物', { category: 'fire' }) },
  { text: '#隐患 地址不详的仓库里堆放汽油', cmd: 'report', value: rep('地址不详的仓库里堆放汽油', { category: 'hazardous' }) },
  { text: '#隐患 大跨度钢结构屋顶积雪严重', cmd: 'report', value: rep('大跨度钢结构屋顶积雪严重', { category: 'building' }) },
  { text: '#隐患 柴油桶放在后门口', cmd: 'report', value: rep('柴油桶放在后门口', { category: 'hazardous' }) },
  { text: '#隐患 门口台阶有点滑', cmd: 'report', value: rep('门口台阶有点滑') },
  { text: '#隐患 😱后厨煤气味很大🔥', cmd: 'report', value: rep('😱后厨煤气味很大🔥', { category: 'gas' }) },
  { text: '#隐\u200B患 液化气钢瓶放在室内\uFEFF', cmd: 'report', value: rep('液化气钢瓶放在室内', { category: 'gas' }) },
  { text: '#隐患\n后厨燃气管道漏气\n地点：后厨', cmd: 'report', value: rep('后厨燃气管道漏气', { place: '后厨', category: 'gas' }) },
  { text: '/隐患 仓库叉车无证驾驶', cmd: 'report', value: rep('仓库叉车无证驾驶', { category: 'special_equipment' }) },
  { text: '# 隐患 后厨燃气泄漏', cmd: 'report', value: rep('后厨燃气泄漏', { category: 'gas' }) },
  { text: '＃＃隐患 后厨燃气泄漏', cmd: 'report', value: rep('后厨燃气泄漏', { category: 'gas' }) },
  { text: '隐患 @安全助手 后厨燃气泄漏', cmd: 'report', value: rep('后厨燃气泄漏', { category: 'gas' }) },
  { text: '@小安\u2005隐患 后厨燃气泄漏', mentioned: true, cmd: 'report', value: rep('后厨燃气泄漏', { category: 'gas' }) },
  { text: '#隐患', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 　', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 重大', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 地点：后厨', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 。。。', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 ' + LONG, cmd: 'report', error: '500字以内' },
  { text: '隐患 后厨燃气泄漏', cmd: 'ignored' },

  // ---- accept: deadlines in digits, Chinese numerals and dates; 负责人; business for 待认定 ----
  { text: '#受理 Y12 7天', cmd: 'accept', value: acc('Y12', { deadline: days(7) }) },
  { text: '#受理 Ｙ１２ 七天', cmd: 'accept', value: acc('Y12', { deadline: days(7) }) },
  { text: '#受理 y12 十五天内 负责人：李明', cmd: 'accept', value: acc('Y12', { deadline: days(15), responsible: '李明' }) },
  { text: '#受理 Y12 两周', cmd: 'accept', value: acc('Y12', { deadline: days(14) }) },
  { text: '@安全助手 受理 Y12 两个星期', cmd: 'accept', value: acc('Y12', { deadline: days(14) }) },
  { text: '#受理 Y12 一个月', cmd: 'accept', value: acc('Y12', { deadline: days(30) }) },
  { text: '#受理 Y12 3日内', cmd: 'accept', value: acc('Y12', { deadline: days(3) }) },
  { text: '#受理 Y12 二十天', cmd: 'accept', value: acc('Y12', { deadline: days(20) }) },
  { text: '#受理 Y12 半个月', cmd: 'accept', value: acc('Y12', { deadline: days(15) }) },
  { text: '#受理 Y12 明天', cmd: 'accept', value: acc('Y12', { deadline: days(1) }) },
  { text: '#受理 Y12 12月31日', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31) }) },
  { text: '#受理 Y12 2026-12-31', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31, 2026) }) },
  { text: '#受理 Y12 2026年12月31日', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31, 2026) }) },
  { text: '#受理 Y12 十二月三十一日', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31) }) },
  { text: '#受理 Y12 12.31', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31) }) },
  { text: '#受理 Y12 期限：7天', cmd: 'accept', value: acc('Y12', { deadline: days(7) }) },
  { text: '#受理 Y12 7天内整改', cmd: 'accept', value: acc('Y12', { deadline: days(7) }) },
  { text: '#受理 Y12 12月31日前完成整改', cmd: 'accept', value: acc('Y12', { deadline: date(12, 31) }) },
  { text: '#受理Y12七天', cmd: 'accept', value: acc('Y12', { deadline: days(7) }) },
  { text: '#受理 Y12 7天 负责人 @李明\u2005', cmd: 'accept', value: acc('Y12', { deadline: days(7), responsible: '李明' }) },
  { text: '#受理 Y13 3日内 城关老街饭店', cmd: 'accept', value: acc('Y13', { deadline: days(3), business: '城关老街饭店' }) },
  { text: '#受理 Y13 单位：城关老街饭店，七天', cmd: 'accept', value: acc('Y13', { deadline: days(7), business: '城关老街饭店' }) },
  {
    text: '#受理 Y13 单位：城关老街饭店 7天 负责人：李明',
    cmd: 'accept',
    value: acc('Y13', { deadline: days(7), responsible: '李明', business: '城关老街饭店' }),
  },
  { text: '#受理 Y13 两周 单位: 城关 老街饭店', cmd: 'accept', value: acc('Y13', { deadline: days(14), business: '城关 老街饭店' }) },
  { text: '#受理 Y13 七天酒店', cmd: 'accept', value: acc('Y13', { business: '七天酒店' }) },
  { text: '#受理 Y12', cmd: 'accept', value: acc('Y12') },
  { text: '#受理 七天', cmd: 'accept', error: '请写上隐患编号' },
  { text: '#受理 Y2 本周内', cmd: 'accept', value: acc('Y2', { deadline: { weekEnd: 0 } }) },
  { text: '#受理 Y3 下周三前', cmd: 'accept', value: acc('Y3', { deadline: { weekday: 3, weeksAhead: 1 } }) },
  { text: '#受理 Y4 年底前', cmd: 'accept', value: acc('Y4', { deadline: { yearEnd: 0 } }) },
  { text: '#受理 Y4 下个月15号 城关老街饭店', cmd: 'accept', value: acc('Y4', { deadline: { dayOfMonth: 15, monthsAhead: 1 }, business: '城关老街饭店' }) },
  { text: '#受理 Y4 春节前', cmd: 'accept', value: acc('Y4', { deadline: { holiday: 'spring_festival' } }) },
  { text: '#受理 Y5 下下下周', cmd: 'accept', error: '期限“下下下周”看不懂，可写：7天、15天内、本周内' },
  { text: '#受理 Y5 7天 12月31日', cmd: 'accept', error: '只写一个期限' },
  { text: '#受理 Y12 12月32日', cmd: 'accept', error: '期限“12月32日”不对' },
  { text: '#受理 Y12 0天', cmd: 'accept', error: '期限“0天”不对' },
  { text: '#受理 Y12 2026-02-30', cmd: 'accept', error: '期限“2026-02-30”不对' },

  // ---- rectify ----
  { text: '#整改 Y12 已更换燃气软管并加装报警器', cmd: 'rectify', value: { code: 'Y12', measures: '已更换燃气软管并加装报警器' } },
  { text: '#整改完成 Y12 措施：已清理通道', cmd: 'rectify', value: { code: 'Y12', measures: '已清理通道' } },
  { text: '#已整改 Y12，已更换软管。', cmd: 'rectify', value: { code: 'Y12', measures: '已更换软管。' } },
  { text: '#报整改 Y12：灭火器已更换', cmd: 'rectify', value: { code: 'Y12', measures: '灭火器已更换' } },
  { text: '#整改 已更换软管', cmd: 'rectify', error: '请写上隐患编号' },
  { text: '#整改 Y12', cmd: 'rectify', error: '请写上整改措施' },

  // ---- verify ----
  { text: '#验收 Y12 通过', cmd: 'verify', value: { code: 'Y12', passed: true, opinion: null } },
  { text: '#验收 Y12通过', cmd: 'verify', value: { code: 'Y12', passed: true, opinion: null } },
  { text: '#验收 通过 Y12', cmd: 'verify', value: { code: 'Y12', passed: true, opinion: null } },
  { text: '#验收 Y12 合格', cmd: 'verify', value: { code: 'Y12', passed: true, opinion: null } },
  { text: '#验收 Y12 销号', cmd: 'verify', value: { code: 'Y12', passed: true, opinion: null } },
  { text: '#验收 Y12 不通过 报警器未安装', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '报警器未安装' } },
  { text: '#验收 Y12 不通过，报警器未安装', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '报警器未安装' } },
  { text: '#验收 Y12 不通过：报警器未安装', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '报警器未安装' } },
  { text: '#验收 Y12 不合格 灭火器过期', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '灭火器过期' } },
  { text: '#验收 Y12 退回 软管仍未更换', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '软管仍未更换' } },
  { text: '#验收 Y12 验收不通过 原因：未整改', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '未整改' } },
  { text: '#验收 Y12 整改不到位', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: null } },
  { text: '#验收 Y12 通过不了 软管没换', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '软管没换' } },
  { text: '#验收 Y12 没通过，灭火器还是过期的', cmd: 'verify', value: { code: 'Y12', passed: false, opinion: '灭火器还是过期的' } },
  { text: '#验收 Y12', cmd: 'verify', error: '请写明“通过”或“不通过”' },
  { text: '#验收 Y12 没问题', cmd: 'verify', error: '请写明“通过”或“不通过”' },
  { text: '#验收 通过', cmd: 'verify', error: '请写上隐患编号' },

  // ---- transfer: known departments mapped, unknown kept as given ----
  { text: '#移交 Y12 消防救援', cmd: 'transfer', value: { code: 'Y12', department: '消防救援', note: null } },
  { text: '#移交 Y12 消防大队 通道堵塞严重', cmd: 'transfer', value: { code: 'Y12', department: '消防救援', note: '通道堵塞严重' } },
  { text: '#移交 Y15 市场监管 电梯年检过期', cmd: 'transfer', value: { code: 'Y15', department: '市场监管', note: '电梯年检过期' } },
  { text: '#移交 Y12 给住建局', cmd: 'transfer', value: { code: 'Y12', department: '住建/燃气', note: null } },
  { text: '#移交 Y12 派出所', cmd: 'transfer', value: { code: 'Y12', department: '公安', note: null } },
  { text: '#移交 Y12 应急局，油品存放不规范', cmd: 'transfer', value: { code: 'Y12', department: '应急管理', note: '油品存放不规范' } },
  { text: '#移交 Y12 环保局', cmd: 'transfer', value: { code: 'Y12', department: '环保局', note: null } },
  { text: '#移交 Y12', cmd: 'transfer', error: '请写上移交的部门' },
  { text: '#移交 消防救援', cmd: 'transfer', error: '请写上隐患编号' },

  // ---- transfer_result ----
  { text: '#移交结果 Y12 消防大队已责令整改并复查合格', cmd: 'transfer_result', value: { code: 'Y12', result: '消防大队已责令整改并复查合格' } },
  { text: '#处理结果 Y12 结果：已罚款并整改', cmd: 'transfer_result', value: { code: 'Y12', result: '已罚款并整改' } },
  { text: '#移交结果 Y12', cmd: 'transfer_result', error: '请写上移交部门的处理结果' },
  { text: '#移交结果 已整改', cmd: 'transfer_result', error: '请写上隐患编号' },

  // ---- query ----
  { text: '#查询 Y12', cmd: 'query', value: { code: 'Y12' } },
  { text: '#查 y5', cmd: 'query', value: { code: 'Y5' } },
  { text: '#进度 Y7', cmd: 'query', value: { code: 'Y7' } },
  { text: '#查看 Ｙ０１２', cmd: 'query', value: { code: 'Y12' } },
  { text: '#查询 Y12。', cmd: 'query', value: { code: 'Y12' } },
  { text: '@安全助手 查询 编号Y3', cmd: 'query', value: { code: 'Y3' } },
  { text: '#查询', cmd: 'query', error: '请写上隐患编号' },

  // ---- commands without arguments ----
  { text: '#我的', cmd: 'mine', value: {} },
  { text: '#我的隐患', cmd: 'mine', value: {} },
  { text: '#逾期', cmd: 'overdue', value: {} },
  { text: '＃超期', cmd: 'overdue', value: {} },
  { text: '#逾期隐患', cmd: 'overdue', value: {} },
  { text: '#本群', cmd: 'group_status', value: {} },
  { text: '@安全助手 本群情况', cmd: 'group_status', value: {} },
  { text: '#帮助', cmd: 'help', value: {} },
  { text: '#菜单', cmd: 'help', value: {} },
  { text: '/help', cmd: 'help', value: {} },
  { text: '#HELP', cmd: 'help', value: {} },
  { text: '#？', cmd: 'help', value: {} },

  // ---- register_group ----
  { text: '#本群登记 城关街道 餐饮', cmd: 'register_group', value: { township: '城关街道', industries: ['catering'] } },
  { text: '#本群登记 全市 成品油 报废机动车', cmd: 'register_group', value: { township: '全市', industries: ['refined_oil', 'scrap_vehicle'] } },
  { text: '#群登记 乡镇：红山街道 行业：饭店、加油站', cmd: 'register_group', value: { township: '红山街道', industries: ['catering', 'refined_oil'] } },
  { text: '#登记本群 城关街道', cmd: 'register_group', value: { township: '城关街道', industries: [] } },
  { text: '#本群登记', cmd: 'register_group', error: '请写上本群所属乡镇' },
  { text: '#本群登记 餐饮', cmd: 'register_group', error: '请写上本群所属乡镇' },
  { text: '#本群登记 城关街道 外卖', cmd: 'register_group', error: '不认识的行业：外卖' },

  // ---- bind ----
  { text: '#绑定 382915', cmd: 'bind', value: { code: '382915' } },
  { text: '#绑定 ab12cd', cmd: 'bind', value: { code: 'AB12CD' } },
  { text: '#绑定身份 ３８２９１５', cmd: 'bind', value: { code: '382915' } },
  { text: '#绑定码 382915', cmd: 'bind', value: { code: '382915' } },
  { text: '#绑定 绑定码：382915', cmd: 'bind', value: { code: '382915' } },
  { text: '#绑定', cmd: 'bind', error: '请写上管理员发给您的绑定码' },
  { text: '#绑定 张老板', cmd: 'bind', error: '请写上管理员发给您的绑定码' },

  // ---- confirm (a notice) ----
  { text: '#确认 N12', cmd: 'confirm', value: { code: 'N12' } },
  { text: '@安全助手 确认收到 n12。', cmd: 'confirm', value: { code: 'N12' } },
  { text: '#确认', cmd: 'confirm', error: '请写通知编号' },
  { text: '#确认 Y12', cmd: 'confirm', error: '“Y12”不是通知编号（N开头）' },

  // ---- complete_task (an officers' task) ----
  { text: '#完成 R7 已检查加油站12家', cmd: 'complete_task', value: { code: 'R7', note: '已检查加油站12家' } },
  { text: '#办结 ｒ７ 已全部整改到位', cmd: 'complete_task', value: { code: 'R7', note: '已全部整改到位' } },
  { text: '#完成 R7', cmd: 'complete_task', error: '请写办理情况' },
  { text: '#完成 Y12 已换软管', cmd: 'complete_task', error: '#整改 Y12' },
  { text: '#完成 检查完了', cmd: 'complete_task', error: '不是任务编号' },
  { text: '#我的任务', cmd: 'my_tasks', value: {} },
  { text: '@安全助手 督办任务', cmd: 'my_tasks', value: {} },
  // ---- warn (weather alerts) ----
  { text: '#预警 高温', cmd: 'warn', value: { alert: 'heat', area: null } },
  { text: '#预警 暴雨 城关街道', cmd: 'warn', value: { alert: 'rainstorm', area: '城关街道' } },
  { text: '#天气预警 寒潮 全市', cmd: 'warn', value: { alert: 'cold_wave', area: '全市' } },
  { text: '#预警 冰冻雨雪', cmd: 'warn', value: { alert: 'freezing', area: null } },
  { text: '#预警 沙尘暴', cmd: 'warn', error: '没有“沙尘暴”这种预警' },
  { text: '#预警', cmd: 'warn', error: '可选：高温、暴雨' },
  // ---- programmes: self-check, training, responsibility system, commendation ----
  { text: '#自查 燃气', cmd: 'selfcheck', value: { word: '燃气' } },
  { text: '#自查 燃气安全自查', cmd: 'selfcheck', value: { word: '燃气' } },
  { text: '#自查', cmd: 'selfcheck', value: { word: '' } },
  { text: '#演练 疏散演练 参加12人', cmd: 'drill', value: { kind: '疏散演练', participants: 12, date: null } },
  { text: '#自查 火锅', cmd: 'selfcheck', error: '没有“火锅”自查表' },
  { text: '#报名 P3', cmd: 'training_signup', value: { code: 'P3' } },
  { text: '#报名 ｐ３', cmd: 'training_signup', value: { code: 'P3' } },
  { text: '#报名 明天的培训', cmd: 'training_signup', error: '请写培训编号' },
  { text: '#签到 P3 4821', cmd: 'training_checkin', value: { code: 'P3', checkinCode: '4821' } },
  { text: '#签到 ４８２１', cmd: 'training_checkin', value: { code: null, checkinCode: '4821' } },
  { text: '#签到 张老板', cmd: 'training_checkin', error: '请写老师公布的4位签到码' },
  { text: '#责任制 已修订', cmd: 'responsibility', value: { op: 'submit' } },
  { text: '#责任制', cmd: 'responsibility', value: { op: 'status' } },
  { text: '#责任制 核验 城关老街饭店', cmd: 'responsibility', value: { op: 'verify', business: '城关老街饭店' } },
  { text: '#责任制 不想改', cmd: 'responsibility', error: '责任制 已修订' },
  { text: '#表扬 城关老街饭店、红山羊汤馆 标题:11月先进单位', cmd: 'commend', value: { names: ['城关老街饭店', '红山羊汤馆'], title: '11月先进单位' } },
  { text: '#通报表扬 城关老街饭店', cmd: 'commend', value: { names: ['城关老街饭店'], title: '安全生产先进单位' } },
  { text: '#表扬', cmd: 'commend', error: '请写要表扬的单位名称' },

  // ---- chatter, unknown words, other people's mentions ----
  { text: '今天中午吃什么', cmd: 'ignored' },
  { text: '大家注意后厨燃气安全', cmd: 'ignored' },
  { text: '@张老板 你们店的灭火器呢', cmd: 'ignored' },
  { text: '＃今天检查了吗', cmd: null },
  { text: '#作废 Y7 重复上报', cmd: 'void', value: { code: 'Y7', reason: '重复上报' } },
  { text: '＃作废 y8 原因：误报 现场没有', cmd: 'void', value: { code: 'Y8', reason: '误报 现场没有' } },
  { text: '#作废 Y7', cmd: 'void', error: '请写明作废原因' },
  { text: '#作废 重复上报', cmd: 'void', error: '请写上隐患编号' },
  { text: '#隐患 666', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 ？？？', cmd: 'report', error: '请写上隐患情况' },
  { text: '#隐患 👍👍', cmd: 'report', error: '请写上隐患情况' },
  { text: '#helpme', cmd: null },
  { text: '@安全助手', cmd: null },
  { text: '@安全助手 你好', cmd: null },
]

describe('chat messages through normalize → address → matchCommand → parse', () => {
  it('when the table is counted, then it has at least 60 messages and covers every command', () => {
    expect(ROWS.length).toBeGreaterThanOrEqual(60)
    const covered = new Set(ROWS.map((r) => r.cmd))
    for (const c of commands) expect(covered, c.name).toContain(c.name)
  })

  it.each(ROWS.map((r) => [r.text.length > 60 ? r.text.slice(0, 60) + '…' : r.text, r] as const))('when someone sends %j, then it routes as expected', (_label, row) => {
    const r = route(row.text, row.mentioned)
    if (row.cmd === 'ignored') {
      expect(r.addressed).toBe(false)
      return
    }
    expect(r.addressed).toBe(true)
    if (!r.addressed) return
    expect(r.command).toBe(row.cmd)
    if (row.cmd === null || r.command === null) return
    if (row.error !== undefined) {
      expect(r.parsed).toMatchObject({ ok: false })
      if (!r.parsed.ok) expect(r.parsed.error).toContain(row.error)
    } else {
      expect(r.parsed).toEqual({ ok: true, value: row.value })
    }
  })

  it('when any command word is sent with a prefix, then it reaches its own command', () => {
    for (const c of commands) {
      for (const w of c.words) {
        const r = route('#' + w)
        expect(r.addressed && r.command, `#${w}`).toBe(c.name)
      }
    }
  })

  it('when a longer command word contains a shorter one, then the longer wins', () => {
    expect(matchCommand('移交结果 Y1 已处理')?.command.name).toBe('transfer_result')
    expect(matchCommand('报隐患 漏气')?.command.name).toBe('report')
    expect(matchCommand('本群登记 全市')?.command.name).toBe('register_group')
    expect(matchCommand('我的隐患')?.command.name).toBe('mine')
  })
})

describe('text clean-up', () => {
  it.each([
    ['＃隐患　Ｙ１２，：', '#隐患 Y12,:'],
    ['  a\u200B\u200Cb\u200D\uFEFF  ', 'ab'],
    ['a\u0007b\u0000c', 'abc'],
    ['a \u3000\u00A0 b', 'a b'],
    ['第一行  \n   第二行', '第一行\n第二行'],
    ['\u202E反向\u202C', '反向'],
  ])('when %j is normalized, then it reads %j', (raw, clean) => {
    expect(normalize(raw)).toBe(clean)
  })

  it('when tokens are split, then Chinese and ASCII commas, 、 and ；split too', () => {
    expect(tokens('a，b,c、d；e;f  g')).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g'])
  })

  it.each([
    ['#隐患 x', { prefixed: true, mentioned: false, body: '隐患 x' }],
    ['/查询 Y1', { prefixed: true, mentioned: false, body: '查询 Y1' }],
    ['@安全助手 #查询 Y1', { prefixed: true, mentioned: true, body: '查询 Y1' }],
    ['查询 Y1 @安全助手', { prefixed: false, mentioned: true, body: '查询 Y1' }],
    ['查询 Y1', { prefixed: false, mentioned: false, body: '查询 Y1' }],
  ])('when %j is addressed, then prefix and mention are recognised', (raw, want) => {
    expect(address(normalize(raw), [BOT])).toEqual(want)
  })
})

describe('numbers, deadlines, codes and categories', () => {
  it.each([
    ['7', 7],
    ['七', 7],
    ['十', 10],
    ['十五', 15],
    ['二十三', 23],
    ['两', 2],
    ['一百零五', 105],
    ['三十', 30],
    ['七天', null],
    ['', null],
    ['x', null],
  ] as const)('when %j is read as a number, then it is %j', (s, n) => {
    expect(parseNumber(s)).toBe(n)
  })

  it.each([
    ['7天', days(7)],
    ['七天', days(7)],
    ['十五天内', days(15)],
    ['3日内', days(3)],
    ['两周', days(14)],
    ['1个星期', days(7)],
    ['一个礼拜', days(7)],
    ['一个月', days(30)],
    ['两个月之内', days(60)],
    ['半个月', days(15)],
    ['今天', days(0)],
    ['后天', days(2)],
    ['限期10天', days(10)],
    ['7天内整改', days(7)],
    ['12月31日', date(12, 31)],
    ['12月31号', date(12, 31)],
    ['12月31日前', date(12, 31)],
    ['十二月三十一日', date(12, 31)],
    ['12/31', date(12, 31)],
    ['2026-12-31', date(12, 31, 2026)],
    ['2026/1/5', date(1, 5, 2026)],
    ['2028-02-29', date(2, 29, 2028)],
    ['2月29日', date(2, 29)],
    ['2027-02-29', null],
    ['2026-13-01', null],
    ['12月32日', null],
    ['0天', null],
    ['9999天', null],
    ['1999-12-31', null],
    ['下周一', { weekday: 1, weeksAhead: 1 }],
    ['城关老街饭店', null],
  ] as const)('when the deadline %j is read, then it is %j', (s, d) => {
    expect(parseDeadline(s)).toEqual(d)
  })

  it.each([
    ['Y12', 'Y12'],
    ['y12', 'Y12'],
    ['Ｙ１２', 'Y12'],
    ['Y012', 'Y12'],
    ['Y', null],
    ['12', null],
    ['Y12A', null],
    ['X12', null],
    ['Y1234567890', null],
  ] as const)('when %j is read as a hazard code, then it is %j', (s, c) => {
    expect(parseHazardCode(s)).toBe(c)
  })

  it.each([
    ['后厨燃气灶漏气', 'gas'],
    ['液化石油气钢瓶放在地下室', 'gas'],
    ['消防栓被遮挡，灭火器过期', 'fire'],
    ['疏散通道堵塞', 'fire'],
    ['烟感报警器不亮', 'fire'],
    ['消防软管破损', 'fire'],
    ['燃气报警器坏了', 'gas'],
    ['扶梯异响', 'special_equipment'],
    ['燃气锅炉压力表过期', 'gas'],
    ['墙体裂缝', 'building'],
    ['自建房加盖三层', 'building'],
    ['电动车在楼道充电', 'electrical'],
    ['配电箱门损坏', 'electrical'],
    ['油罐区有油气味', 'hazardous'],
    ['加油机附近吸烟', 'hazardous'],
    ['危化品仓库无人看管', 'hazardous'],
    ['门口台阶滑', 'other'],
  ] as const)('when the description is %j, then the category is %s', (text, cat) => {
    expect(inferCategory(text)).toBe(cat)
  })
})

describe('edge cases found in review', () => {
  it('when a verify opinion starts like a pass word, then it is not taken as passed', () => {
    expect(parseVerify('Y12 合格证过期').ok).toBe(false)
    expect(parseVerify('Y12 合格').ok).toBe(true)
    expect(parseVerify('Y12 通过。').ok).toBe(true)
  })

  it("when someone sends WeChat's /:: emoticons, then it is not a command", () => {
    expect(address(normalize('/::)'), ['安全助手']).prefixed).toBe(false)
    expect(address(normalize('/帮助'), ['安全助手']).prefixed).toBe(true)
  })
})
