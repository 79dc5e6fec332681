import { customType, timestamp, boolean } from 'drizzle-orm/pg-core'

export const bytea = customType<{ data: Buffer; driverData: Buffer | Uint8Array }>({
  dataType: () => 'bytea',
  fromDriver: (v) => (Buffer.isBuffer(v) ? v : Buffer.from(v)),
})

export const createdAt = () => timestamp('created_at', { withTimezone: true }).notNull().defaultNow()
export const demo = () => boolean('demo').notNull().default(false)
