import { and, count, eq, sql } from 'drizzle-orm'
import { schema, rows, type Tx } from '../../db/client.js'
import type { AppConfig } from '../config.js'

/**
 * Limits on what chat may bring in: text length, photo size, photos per hazard and stage, and the total
 * stored. Past one, the message is claimed and answered with what was refused (never dropped silently),
 * and `limits_exceeded_total{kind}` counts it.
 */
export type LimitKind = 'text_length' | 'image_size' | 'image_count' | 'storage'

export interface Limits {
  textChars: number
  imageBytes: number
  photosPerReport: number
  /** 0: no limit */
  storageBytes: number
}

const MB = 1024 * 1024

export function limitsOf(config: AppConfig): Limits {
  return {
    textChars: config.TEXT_MAX_CHARS,
    imageBytes: Math.round(config.IMAGE_MAX_MB * MB),
    photosPerReport: config.PHOTOS_PER_REPORT_MAX,
    storageBytes: Math.round(config.ATTACHMENTS_MAX_TOTAL_MB * MB),
  }
}

/** A limit was passed: what to answer. */
export interface Exceeded {
  kind: LimitKind
  reply: string
}

/** 12MB, 2.5MB, 800KB, 4.9KB */
export function sizeText(bytes: number): string {
  const [v, unit] = bytes >= MB ? [bytes / MB, 'MB'] : [bytes / 1024, 'KB']
  return `${v >= 10 ? Math.round(v) : Math.round(v * 10) / 10}${unit}`
}

export function checkText(text: string, l: Limits): Exceeded | null {
  const n = [...text].length
  if (n <= l.textChars) return null
  return {
    kind: 'text_length',
    reply: `消息太长（${n}字，上限${l.textChars}字），未处理。\n请写要点后重发，例如：\n#隐患 后厨燃气软管老化开裂 地点：一楼后厨`,
  }
}

export function checkImageSize(bytes: number, l: Limits): Exceeded | null {
  if (bytes <= l.imageBytes) return null
  return { kind: 'image_size', reply: `照片太大（${sizeText(bytes)}，上限${sizeText(l.imageBytes)}），这张照片未保存。\n请压缩后重发。` }
}

/** Photos already stored for this hazard and stage, and the space all files take. */
export async function checkPhotoRoom(tx: Tx, hazardId: number, stage: 'report' | 'rectification', code: string, bytes: number, l: Limits): Promise<Exceeded | null> {
  const [c] = await tx
    .select({ n: count() })
    .from(schema.hazardAttachments)
    .where(and(eq(schema.hazardAttachments.hazardId, hazardId), eq(schema.hazardAttachments.stage, stage)))
  if (Number(c.n) >= l.photosPerReport) {
    const what = stage === 'rectification' ? '整改照片' : '照片'
    return { kind: 'image_count', reply: `${code} 已收满${l.photosPerReport}张${what}，这张未保存。\n如需补充，请联系监管人员。` }
  }
  if (l.storageBytes > 0) {
    const [s] = await rows<{ total: string }>(tx, sql`select coalesce(sum(size), 0)::text as total from attachments`)
    if (Number(s.total) + bytes > l.storageBytes) {
      return { kind: 'storage', reply: `照片存储空间已满，这张照片未保存。\n${code} 的记录不受影响；请联系管理员清理或扩容后重发。` }
    }
  }
  return null
}
