import { CATEGORIES, GRADES, PUBLIC_REPORTER, STATUS_LABELS, type Category, type HazardStatus } from '../core/domain.js'
import { formatDate, formatDateTime } from '../core/clock.js'
import { isOverdue } from '../core/hazard-machine.js'
import { truncate } from '../core/text.js'
import type { HazardRow, HazardEventRow } from '../services/hazards.js'

export const categoryLabel = (c: string) => CATEGORIES[c as Category] ?? c
export const statusLabel = (s: string) => STATUS_LABELS[s as HazardStatus] ?? s

/** hazard event actions in words (the chat's 查询 and the console's timeline) */
export const ACTION_LABELS: Record<string, string> = {
  report: '上报',
  accept: '受理',
  rectify: '报整改',
  verify_pass: '验收通过',
  verify_fail: '验收不通过',
  transfer: '移交',
  transfer_result: '移交结果',
  void: '作废',
  photo: '照片',
}

const WEEKDAYS = ['日', '一', '二', '三', '四', '五', '六']

/** '2026-12-06（周日）': a deadline as the reply states it, the weekday beside the date. */
export function deadlineText(d: Date): string {
  const date = formatDate(d)
  return `${date}（周${WEEKDAYS[new Date(date + 'T00:00:00Z').getUTCDay()]}）`
}

export function hazardLine(h: HazardRow & { businessName?: string }, now: Date): string {
  const overdue = isOverdue(h.status, h.deadline, now) ? '【逾期】' : ''
  const major = h.grade === 'major' ? '【重大】' : ''
  return `${h.code} ${overdue}${major}${truncate(h.description, 16)} · ${statusLabel(h.status)}${h.deadline && h.status !== 'closed' && h.status !== 'voided' ? ' · 期限' + formatDate(h.deadline).slice(5) : ''}`
}

export function hazardDetail(h: HazardRow, businessName: string, events: HazardEventRow[], photos: { stage: string }[], now: Date): string {
  const lines = [
    `${h.code}【${GRADES[h.grade]}·${categoryLabel(h.category)}】${statusLabel(h.status)}${isOverdue(h.status, h.deadline, now) ? '（已逾期）' : ''}`,
    `单位：${businessName}${h.place ? '　地点：' + h.place : ''}`,
    `情况：${truncate(h.description, 60)}`,
    `上报：${h.reporterName}${h.reporterKind === 'public' ? `（${PUBLIC_REPORTER}）` : ''}`,
  ]
  if (h.deadline) lines.push(`期限：${formatDate(h.deadline)}　负责人：${h.responsibleName ?? '—'}`)
  if (h.status === 'voided') lines.push(`作废原因：${truncate(h.voidReason ?? '', 40)}`)
  if (h.transferDepartment) lines.push(`移交：${h.transferDepartment}${h.transferResult ? '　结果：' + truncate(h.transferResult, 30) : ''}`)
  const before = photos.filter((p) => p.stage === 'report').length
  const after = photos.length - before
  if (photos.length) lines.push(`照片：整改前 ${before} 张，整改后 ${after} 张`)
  for (const e of events.slice(-5)) {
    lines.push(`· ${formatDateTime(e.at).slice(5)} ${e.actorName} ${ACTION_LABELS[e.action] ?? e.action}${e.note && e.action !== 'report' ? '：' + truncate(e.note, 20) : ''}`)
  }
  return lines.join('\n')
}
