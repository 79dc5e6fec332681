import {
  AlignmentType,
  Document,
  ExternalHyperlink,
  Footer,
  ImageRun,
  LineRuleType,
  Packer,
  PageBreak,
  PageNumber,
  PageOrientation,
  Paragraph,
  Table,
  TableCell,
  TableRow,
  TextRun,
  VerticalAlign,
  WidthType,
  BorderStyle,
  type ParagraphChild,
} from 'docx'
import { shanghaiParts } from '../../core/clock.js'

/**
 * A document laid out as a 公文 (GB/T 9704-2012), so a clerk edits it rather than re-types it: A4 with margins
 * 37/35/28/26 mm (top, bottom, left, right), the title in 2号小标宋, body in 3号仿宋 with an indent of two characters
 * and a fixed line of 28.9 pt (22 lines a page), headings 一、 in 黑体, （一） in 楷体, 1. in bold 仿宋, page numbers
 * "— 1 —" in 4号宋体 outside (odd pages right, even pages left). Headings use Word's Heading 1–3 styles, so the
 * navigation pane and a table of contents work. Fonts are the names Chinese offices have installed.
 */

export const FONTS = {
  title: '方正小标宋简体',
  hei: '黑体',
  kai: '楷体_GB2312',
  fangsong: '仿宋_GB2312',
  song: '宋体',
  latin: 'Times New Roman',
} as const

const mm = (x: number) => Math.round((x * 1440) / 25.4)
const PT = 20 // twips per point
/** 3号 = 16 pt; sizes are in half-points */
const SIZE = { title: 44, body: 32, page: 28, table: 24, note: 24 } as const
const LINE = Math.round(28.9 * PT)
const CHAR = 16 * PT

const font = (eastAsia: string) => ({ ascii: FONTS.latin, hAnsi: FONTS.latin, eastAsia, cs: FONTS.latin })

/** A piece of a paragraph: text, or a run already built (a figure with its link). */
export type Inline = string | ParagraphChild

function runs(parts: Inline[], opts: { font: string; size: number; bold?: boolean }): ParagraphChild[] {
  return parts.map((p) => (typeof p === 'string' ? new TextRun({ text: p, font: font(opts.font), size: opts.size, bold: opts.bold }) : p))
}

/** A run for a figure in the body's font, as a link a clerk can open (shown like the text around it, for print). */
export function linkRun(text: string, url: string, size: number = SIZE.body): ParagraphChild {
  return new ExternalHyperlink({ link: url, children: [new TextRun({ text, font: font(FONTS.fangsong), size, color: '000000' })] })
}

const bodySpacing = { line: LINE, lineRule: LineRuleType.EXACT, before: 0, after: 0 }

/** Where a title may break: after these words (a line never splits a word a reader takes as one). */
const TITLE_BREAKS = ['关于', '领域', '安全生产', '攻坚', '三年行动', '工作', '进展', '情况', '月']

/** A long title in near-equal lines of at most 20 characters (2号 on the type area), broken after a whole word. */
export function titleLines(text: string, max = 20): string[] {
  const lines: string[] = []
  let rest = text
  while (rest.length > max) {
    const n = Math.ceil(rest.length / max)
    const target = Math.ceil(rest.length / n)
    let cut = target
    let best = Infinity
    for (const w of TITLE_BREAKS)
      for (let i = rest.indexOf(w); i >= 0; i = rest.indexOf(w, i + 1)) {
        const at = i + w.length
        if (at <= max && at >= 6 && Math.abs(at - target) < best) [best, cut] = [Math.abs(at - target), at]
      }
    lines.push(rest.slice(0, cut))
    rest = rest.slice(cut)
  }
  return [...lines, rest]
}

/** The title: one or more centred lines of 2号小标宋. */
export function title(text: string, max = 20): Paragraph[] {
  return [
    ...titleLines(text, max).map((l) => new Paragraph({ alignment: AlignmentType.CENTER, spacing: { line: Math.round(35 * PT), lineRule: LineRuleType.EXACT }, children: runs([l], { font: FONTS.title, size: SIZE.title }) })),
    blank(),
  ]
}

export function blank(): Paragraph {
  return new Paragraph({ spacing: bodySpacing, children: [] })
}

/** 主送机关: flush left, ending with a full-width colon. */
export function addressee(text: string): Paragraph {
  return new Paragraph({ spacing: bodySpacing, children: runs([`${text}：`], { font: FONTS.fangsong, size: SIZE.body }) })
}

/** A body paragraph (3号仿宋, first line indented two characters). */
export function para(...parts: Inline[]): Paragraph {
  return new Paragraph({ spacing: bodySpacing, indent: { firstLine: 2 * CHAR }, alignment: AlignmentType.JUSTIFIED, children: runs(parts, { font: FONTS.fangsong, size: SIZE.body }) })
}

/** 一、 (黑体), （一） (楷体), 1. (bold 仿宋): indented two characters like the body, as GB/T 9704 shows them. */
export function heading(level: 1 | 2 | 3, text: string): Paragraph {
  const f = level === 1 ? FONTS.hei : level === 2 ? FONTS.kai : FONTS.fangsong
  return new Paragraph({
    style: `Heading${level}`,
    spacing: bodySpacing,
    indent: { firstLine: 2 * CHAR },
    keepNext: true,
    children: runs([text], { font: f, size: SIZE.body, bold: level === 3 }),
  })
}

/** A chart picture, centred, about the width of the text. */
export function picture(png: Buffer, size: { width: number; height: number }, caption?: string): Paragraph[] {
  const width = 560
  const height = Math.round((width * size.height) / size.width)
  const out = [new Paragraph({ alignment: AlignmentType.CENTER, keepNext: !!caption, children: [new ImageRun({ type: 'png', data: png, transformation: { width, height }, altText: { name: caption ?? '图表', description: caption ?? '图表', title: caption ?? '图表' } })] })]
  if (caption) out.push(new Paragraph({ alignment: AlignmentType.CENTER, spacing: bodySpacing, children: runs([caption], { font: FONTS.kai, size: SIZE.note }) }))
  return out
}

const thin = { style: BorderStyle.SINGLE, size: 4, color: '000000' }
const borders = { top: thin, bottom: thin, left: thin, right: thin, insideHorizontal: thin, insideVertical: thin }

export interface CellSpec {
  /** text or runs (figures with links) */
  content: Inline[]
  bold?: boolean
  columnSpan?: number
  rowSpan?: number
  align?: 'left' | 'center'
}
type Cell = string | number | null | CellSpec | ParagraphChild

const spec = (c: Cell): CellSpec =>
  c !== null && typeof c === 'object' && 'content' in c ? c : { content: [c === null ? '—' : typeof c === 'number' ? String(c) : (c as Inline)] }

/** A table in 小四号仿宋 with thin rules; `head` rows bold and repeated on each page. */
export function table(head: Cell[][], body: Cell[][], widths?: number[]): Table {
  const row = (cells: Cell[], isHead: boolean) =>
    new TableRow({
      tableHeader: isHead,
      cantSplit: true,
      children: cells.map((c) => {
        const s = spec(c)
        return new TableCell({
          columnSpan: s.columnSpan,
          rowSpan: s.rowSpan,
          verticalAlign: VerticalAlign.CENTER,
          margins: { left: 60, right: 60, top: 20, bottom: 20 },
          children: [
            new Paragraph({
              alignment: s.align === 'left' ? AlignmentType.LEFT : AlignmentType.CENTER,
              children: runs(s.content.map((x) => (typeof x === 'string' ? x : x)), { font: isHead ? FONTS.hei : FONTS.fangsong, size: SIZE.table, bold: s.bold }),
            }),
          ],
        })
      }),
    })
  return new Table({
    width: { size: 100, type: WidthType.PERCENTAGE },
    columnWidths: widths,
    borders,
    rows: [...head.map((r) => row(r, true)), ...body.map((r) => row(r, false))],
  })
}

/** A note under a table or chart (4号楷体 is too large there: 小四). */
export function note(text: string): Paragraph {
  return new Paragraph({ spacing: { line: Math.round(22 * PT), lineRule: LineRuleType.EXACT, before: 60 }, children: runs([text], { font: FONTS.kai, size: SIZE.note }) })
}

/** 发文机关署名 and 成文日期 (right-aligned, the date four characters from the right margin, Arabic numerals). */
export function signature(issuer: string, on: Date): Paragraph[] {
  const p = shanghaiParts(on)
  const date = `${p.year}年${p.month}月${p.day}日`
  return [
    blank(),
    blank(),
    new Paragraph({ spacing: bodySpacing, alignment: AlignmentType.RIGHT, indent: { right: 2 * CHAR }, children: runs([issuer], { font: FONTS.fangsong, size: SIZE.body }) }),
    new Paragraph({ spacing: bodySpacing, alignment: AlignmentType.RIGHT, indent: { right: 4 * CHAR }, children: runs([date], { font: FONTS.fangsong, size: SIZE.body }) }),
  ]
}

/** The start of an attachment: a page break, 附件 (黑体, flush left) and its title. */
export function attachment(label: string, titleText: string): Paragraph[] {
  return [
    new Paragraph({ children: [new PageBreak()] }),
    new Paragraph({ spacing: bodySpacing, children: runs([label], { font: FONTS.hei, size: SIZE.body }) }),
    blank(),
    ...title(titleText),
  ]
}

/** 附件说明 after the body: 附件：1.xxx */
export function attachmentList(items: string[]): Paragraph[] {
  return [blank(), ...items.map((t, i) => para(i === 0 ? '附件：' : '\u3000\u3000\u3000', items.length > 1 ? `${i + 1}.${t}` : t))]
}

/** "— 1 —" in 4号宋体: odd pages at the right, even pages at the left, one character in from the edge. */
function pageFooter(align: 'left' | 'right'): Footer {
  const r = (text: string | (typeof PageNumber)['CURRENT']) =>
    new TextRun({ children: [text], font: { ascii: FONTS.song, hAnsi: FONTS.song, eastAsia: FONTS.song }, size: SIZE.page })
  return new Footer({
    children: [
      new Paragraph({
        alignment: align === 'right' ? AlignmentType.RIGHT : AlignmentType.LEFT,
        indent: align === 'right' ? { right: 14 * PT } : { left: 14 * PT },
        children: [r('— '), r(PageNumber.CURRENT), r(' —')],
      }),
    ],
  })
}

/** Packs the pieces into a .docx, portrait (or landscape for wide tables). */
export async function gongwen(opts: { title: string; children: (Paragraph | Table)[]; landscape?: boolean; creator?: string }): Promise<Buffer> {
  const doc = new Document({
    creator: opts.creator ?? '商务安全生产群助手',
    title: opts.title,
    evenAndOddHeaderAndFooters: true,
    styles: {
      default: { document: { run: { font: font(FONTS.fangsong), size: SIZE.body } } },
      paragraphStyles: [1, 2, 3].map((n) => ({
        id: `Heading${n}`,
        name: `heading ${n}`,
        basedOn: 'Normal',
        next: 'Normal',
        quickFormat: true,
        run: { font: font(n === 1 ? FONTS.hei : n === 2 ? FONTS.kai : FONTS.fangsong), size: SIZE.body, bold: n === 3, color: '000000' },
        paragraph: { spacing: bodySpacing, outlineLevel: n - 1 },
      })),
    },
    sections: [
      {
        properties: {
          page: {
            size: { width: mm(210), height: mm(297), orientation: opts.landscape ? PageOrientation.LANDSCAPE : PageOrientation.PORTRAIT },
            margin: opts.landscape
              ? { top: mm(28), bottom: mm(26), left: mm(37), right: mm(35), footer: mm(10), header: mm(10) }
              : { top: mm(37), bottom: mm(35), left: mm(28), right: mm(26), footer: mm(20), header: mm(15) },
          },
        },
        footers: { default: pageFooter('right'), even: pageFooter('left') },
        children: opts.children,
      },
    ],
  })
  return Packer.toBuffer(doc)
}
