// The console's pages, in the order of the navigation bar.
//
// How to add a page:
//   1. Write pages/<name>.js: `export default async function render({ parts, query })` that builds the page with
//      the shared layer (lib/dom.js h() and show(), lib/api.js, lib/table.js dataTable(), lib/form.js formOf(),
//      lib/upload.js, lib/date.js). Put its API routes in a comment on its first line. User text only ever goes
//      through h() as text, never parsed as HTML.
//   2. Add one line below: route (the #/route in the address), title (the navigation's words), need (the action
//      from src/core/permissions.ts that /console/api/me must allow for the link to show; the API checks it again),
//      nav: false for pages reached only from another page, active: the nav entry to highlight instead.
//   3. Add a browser test in tests/browser/ (desktop, phone 390 px screenshot to .ci/out/screenshots/) and a scope
//      test: a township officer sees and changes only their township.
// No build step: the browser loads these ES modules as they are, from /console/assets/ (script-src 'self').

export const PAGES = [
  { route: 'overview', title: '概览', load: () => import('./overview.js') },
  { route: 'ledger', title: '隐患台账', load: () => import('./ledger.js') },
  { route: 'hazard', title: '隐患', nav: false, active: 'ledger', load: () => import('./hazard.js') },
  { route: 'notices', title: '通知与提醒', need: 'notice.view', load: () => import('./notices.js') },
  { route: 'alerts', title: '天气预警', need: 'alert.weather', load: () => import('./alerts.js') },
  { route: 'push-plan', title: '推送计划', need: 'outbox.view', load: () => import('./push-plan.js') },
  { route: 'tasks', title: '督办任务', need: 'task.view', load: () => import('./tasks.js') },
  { route: 'trainings', title: '培训', need: 'programme.read', load: () => import('./trainings.js') },
  { route: 'selfchecks', title: '自查', need: 'programme.read', load: () => import('./selfchecks.js') },
  { route: 'checklists', title: '自查清单', nav: false, active: 'selfchecks', need: 'programme.read', load: () => import('./checklists.js') },
  { route: 'responsibility', title: '责任制', need: 'programme.read', load: () => import('./responsibility.js') },
  { route: 'inspections', title: '专项检查', need: 'programme.read', load: () => import('./inspections.js') },
  { route: 'exhibitions', title: '展览备案', need: 'programme.read', load: () => import('./exhibitions.js') },
  { route: 'exclusions', title: '不予支持名单', need: 'programme.read', load: () => import('./exclusions.js') },
  { route: 'gas', title: '瓶改管/气改电', need: 'programme.read', load: () => import('./gas.js') },
  { route: 'commendations', title: '通报表扬', need: 'programme.read', load: () => import('./commendations.js') },
  { route: 'campaigns', title: '专项行动', need: 'programme.read', load: () => import('./campaigns.js') },
  { route: 'accidents', title: '事故', need: 'programme.read', load: () => import('./accidents.js') },
  { route: 'licences', title: '许可', need: 'programme.read', load: () => import('./licences.js') },
  { route: 'drills', title: '应急演练', need: 'programme.read', load: () => import('./drills.js') },
  { route: 'zones', title: '园区基地', need: 'programme.read', load: () => import('./zones.js') },
  { route: 'policy', title: '产业政策', need: 'programme.read', load: () => import('./policy.js') },
  { route: 'publicity', title: '宣传活动', need: 'programme.read', load: () => import('./publicity.js') },
  { route: 'associations', title: '行业协会', need: 'help', load: () => import('./associations.js') },
  { route: 'regulations', title: '法规宣贯', need: 'programme.read', load: () => import('./regulations.js') },
  { route: 'content', title: '内容库', need: 'admin.read', load: () => import('./content.js') },
  { route: 'calendar', title: '节假日', need: 'admin.read', load: () => import('./calendar.js') },
  { route: 'duty', title: '值班表', need: 'admin.read', load: () => import('./duty.js') },
  { route: 'businesses', title: '经营主体', load: () => import('./businesses.js') },
  { route: 'devices', title: '设备', need: 'admin.read', load: () => import('./devices.js') },
  { route: 'people', title: '人员', need: 'admin.manage', load: () => import('./people.js') },
  { route: 'import', title: '导入', need: 'admin.manage', load: () => import('./import.js') },
  { route: 'history', title: '历史数据', need: 'admin.manage', load: () => import('./history.js') },
  { route: 'groups', title: '群', load: () => import('./groups.js') },
  { route: 'targets', title: '规划目标', need: 'programme.read', load: () => import('./targets.js') },
  { route: 'plans', title: '规划文件', nav: false, active: 'targets', need: 'programme.read', load: () => import('./plans.js') },
  { route: 'reports', title: '报告', need: 'programme.read.city', load: () => import('./reports.js') },
  { route: 'privacy', title: '个人信息', need: 'privacy.export', load: () => import('./privacy.js') },
  { route: 'audit', title: '操作日志', need: 'audit.read', load: () => import('./audit.js') },
]
