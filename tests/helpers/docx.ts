import fs from 'node:fs'
import path from 'node:path'
import { unzipSync, strFromU8 } from 'fflate'

/** Where the tests leave the generated documents (CI renders the summary's first page from there). */
export const DOCUMENTS_OUT = path.join(process.cwd(), '.ci', 'out', 'documents')

export function keepDocument(name: string, bytes: Buffer): string {
  fs.mkdirSync(DOCUMENTS_OUT, { recursive: true })
  const file = path.join(DOCUMENTS_OUT, name)
  fs.writeFileSync(file, bytes)
  return file
}

const unescape = (s: string) => s.replace(/&lt;/g, '<').replace(/&gt;/g, '>').replace(/&quot;/g, '"').replace(/&apos;/g, "'").replace(/&amp;/g, '&')
const textOf = (xml: string) => unescape([...xml.matchAll(/<w:t(?:\s[^>]*)?>([^<]*)<\/w:t>/g)].map((m) => m[1]).join(''))

export interface DocxRead {
  files: string[]
  xml: string
  /** the text of every paragraph, in order */
  paragraphs: string[]
  /** paragraphs with a Heading1–3 style, in order */
  headings: { level: number; text: string }[]
  /** every hyperlink: its text and target */
  links: { text: string; url: string }[]
  /** table rows (cells' text), every table in order */
  rows: string[][]
  images: number
  sectPr: string
  footers: string[]
}

/** Unzips a .docx and reads back what a person would see: paragraphs, headings, links, tables, pictures. */
export function readDocx(bytes: Buffer): DocxRead {
  const zip = unzipSync(new Uint8Array(bytes))
  const get = (name: string) => (zip[name] ? strFromU8(zip[name]) : '')
  const xml = get('word/document.xml')
  const rels = new Map([...get('word/_rels/document.xml.rels').matchAll(/<Relationship [^>]*Id="([^"]+)"[^>]*Target="([^"]+)"/g)].map((m) => [m[1], unescape(m[2])]))
  const paragraphs = [...xml.matchAll(/<w:p[ >][\s\S]*?<\/w:p>/g)].map((m) => m[0])
  return {
    files: Object.keys(zip),
    xml,
    paragraphs: paragraphs.map(textOf),
    headings: paragraphs.flatMap((p) => {
      const s = /<w:pStyle w:val="Heading(\d)"\/>/.exec(p)
      return s ? [{ level: Number(s[1]), text: textOf(p) }] : []
    }),
    // Word keeps a link's #fragment apart (w:anchor) from its target (the relationship)
    links: [...xml.matchAll(/<w:hyperlink ([^>]*)>([\s\S]*?)<\/w:hyperlink>/g)].map((m) => {
      const id = /r:id="([^"]+)"/.exec(m[1])?.[1] ?? ''
      const anchor = /w:anchor="([^"]*)"/.exec(m[1])?.[1]
      return { text: textOf(m[2]), url: (rels.get(id) ?? '') + (anchor !== undefined ? `#${unescape(anchor)}` : '') }
    }),
    rows: [...xml.matchAll(/<w:tr[ >][\s\S]*?<\/w:tr>/g)].map((r) => [...r[0].matchAll(/<w:tc>[\s\S]*?<\/w:tc>/g)].map((c) => textOf(c[0]))),
    images: (xml.match(/<w:drawing>/g) ?? []).length,
    sectPr: /<w:sectPr[\s\S]*?<\/w:sectPr>/.exec(xml)?.[0] ?? '',
    footers: Object.keys(zip)
      .filter((f) => /^word\/footer\d*\.xml$/.test(f))
      .map((f) => get(f)),
  }
}

/** The query of a console link (#/ledger?… or #/targets?…). */
export function consoleQuery(url: string): { page: string; query: URLSearchParams } {
  const hash = url.slice(url.indexOf('#/') + 2)
  const [page, qs] = hash.split('?')
  return { page, query: new URLSearchParams(qs ?? '') }
}
