import type { ParagraphChild } from 'docx'
import type { Tx } from '../../../db/client.js'
import type { Actor } from '../../core/permissions.js'
import { CATEGORIES, GRADES, INDUSTRIES, STATUS_LABELS, type Category } from '../../core/domain.js'
import { ledgerPage, type LedgerFilter } from '../ledger.js'
import { linkRun, table, type Inline } from './gongwen.js'

/** The ledger filters a figure may name: the ones the console's ledger page takes. */
export type LedgerQuery = Partial<Pick<LedgerFilter, 'status' | 'grade' | 'category' | 'industry' | 'townshipId' | 'campaign' | 'zoneId' | 'from' | 'to'>>

export type FigureSource =
  /** hazards: a count of the ledger with these filters, as of the document's time */
  | { kind: 'ledger'; filter: LedgerQuery }
  /** a plan target on the 规划目标 page */
  | { kind: 'targets'; plan: string; at: string }
  /** another register of the system, named in words, with where to read it */
  | { kind: 'register'; name: string; path: string }

export interface Figure {
  n: number
  label: string
  value: string
  source: FigureSource
  url: string
  /** how to check it, in words */
  check: string
}

const FILTER_WORDS: Record<keyof LedgerQuery, string> = {
  from: '上报自',
  to: '至',
  status: '状态',
  grade: '等级',
  category: '类别',
  industry: '行业',
  townshipId: '乡镇街编号',
  campaign: '专项行动',
  zoneId: '园区基地编号',
}
const STATUS_WORDS: Record<string, string> = { ...STATUS_LABELS, open: '未销号', overdue: '逾期' }

/** The filter in the ledger page's words, e.g. 上报自 2024-01-01 至 2024-12-31，等级 重大隐患. */
export function filterWords(f: LedgerQuery): string {
  const v = (k: keyof LedgerQuery, x: unknown) =>
    k === 'status' ? STATUS_WORDS[String(x)] : k === 'grade' ? GRADES[x as 'general'] : k === 'category' ? CATEGORIES[x as Category] : k === 'industry' ? INDUSTRIES[x as keyof typeof INDUSTRIES] : String(x)
  const parts = (Object.keys(FILTER_WORDS) as (keyof LedgerQuery)[]).filter((k) => f[k] !== undefined).map((k) => `${FILTER_WORDS[k]} ${v(k, f[k])}`)
  return parts.length ? parts.join('，') : '全部隐患'
}

export function ledgerQueryString(f: LedgerQuery): string {
  return new URLSearchParams(Object.entries(f).filter(([, v]) => v !== undefined).map(([k, v]) => [k, String(v)])).toString()
}

/**
 * The figures of one document, in the order they appear: each names where it comes from (a ledger filter, the
 * targets page, or a register) and links to it in the console, so a clerk can check every number. The document's
 * attachment lists them all (`checkTable`).
 */
export class FigureBook {
  readonly all: Figure[] = []
  constructor(
    private readonly tx: Tx,
    private readonly actor: Actor,
    private readonly now: Date,
    /** the console's address, e.g. http://localhost:3000 */
    readonly base: string,
  ) {}

  private add(label: string, value: string, source: FigureSource): Figure {
    const url =
      source.kind === 'ledger'
        ? `${this.base}/console#/ledger?${ledgerQueryString(source.filter)}`
        : source.kind === 'targets'
          ? `${this.base}/console#/targets?plan=${encodeURIComponent(source.plan)}&at=${source.at}`
          : `${this.base}${source.path}`
    const check =
      source.kind === 'ledger'
        ? `隐患台账：${filterWords(source.filter)}`
        : source.kind === 'targets'
          ? `规划目标页：截至 ${source.at}`
          : source.name
    const f = { n: this.all.length + 1, label, value, source, url, check }
    this.all.push(f)
    return f
  }

  /** The ledger's total for a filter: the very query of the ledger page (and its API). */
  async count(label: string, filter: LedgerQuery): Promise<Figure> {
    const r = await ledgerPage(this.tx, this.actor, { sort: 'createdAt', order: 'desc', page: 1, pageSize: 1, ...filter }, this.now)
    return this.add(label, String(r.total), { kind: 'ledger', filter })
  }

  /** A count another query gave (the statistics table's counters) that the ledger gives with this filter. */
  ledger(label: string, value: number, filter: LedgerQuery): Figure {
    return this.add(label, String(value), { kind: 'ledger', filter })
  }

  target(label: string, value: string | number, plan: string, at: string): Figure {
    return this.add(label, String(value), { kind: 'targets', plan, at })
  }

  register(label: string, value: string | number, name: string, path: string): Figure {
    return this.add(label, String(value), { kind: 'register', name, path })
  }

  /** A figure as it appears in the text: its value, linked. */
  run(f: Figure, size?: number): ParagraphChild {
    return linkRun(f.value, f.url, size)
  }

  /** The attachment's table: every figure, its value and how to check it. */
  checkTable() {
    return table(
      [['序号', '数据项', '数值', '核对方法（控制台筛选条件）']],
      this.all.map((f): (string | { content: Inline[]; align?: 'left' })[] => [
        String(f.n),
        { content: [f.label], align: 'left' },
        { content: [linkRun(f.value, f.url, 24)] },
        { content: [linkRun(f.check, f.url, 24)], align: 'left' },
      ]),
      [700, 3600, 1000, 4200],
    )
  }
}

/** Value of a figure as a number (tests, announcements). */
export const num = (f: Figure) => Number(f.value)

/** A rate in percent with one decimal, or — without a base. */
export function percent(part: number, whole: number): string {
  return whole ? `${Math.round((part / whole) * 1000) / 10}%` : '—'
}

/** 'YYYY-MM-DD' as a document writes it: 2026年12月31日 */
export const cnDate = (d: string): string => `${Number(d.slice(0, 4))}年${Number(d.slice(5, 7))}月${Number(d.slice(8, 10))}日`
