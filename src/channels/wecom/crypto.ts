/**
 * WeCom callback crypto (企业微信回调加解密), per WeCom's published algorithm and its official WXBizMsgCrypt samples:
 *
 * - AESKey = Base64Decode(EncodingAESKey + "="): 32 bytes, AES-256-CBC, IV = the key's first 16 bytes;
 * - plaintext = 16 random bytes + 4-byte big-endian message length + message + receiveId,
 *   PKCS#7-padded to a multiple of 32 bytes (pad value 1..32; Node's own padding is switched off);
 * - msg_signature = sha1(sort([token, timestamp, nonce, encrypted]).join('')), hex.
 *
 * The receive id is the corp id for self-built apps, the suite id for third-party apps, and the empty string
 * for the intelligent bot (智能机器人) JSON callbacks.
 *
 * CBC gives no integrity of its own: a changed byte in the middle of a ciphertext can decrypt to garbage
 * without any padding or length error. The signature (checked first, in constant time) is what protects the
 * message; the padding, length and receive-id checks only catch what slips past it.
 */
import { createCipheriv, createDecipheriv, createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto'

export type WecomCryptoErrorCode =
  | 'bad_signature'
  | 'stale'
  | 'bad_receive_id'
  | 'bad_padding'
  | 'bad_length'
  | 'bad_key'
  | 'bad_input'

export class WecomCryptoError extends Error {
  constructor(
    readonly code: WecomCryptoErrorCode,
    message: string,
  ) {
    super(message)
    this.name = 'WecomCryptoError'
  }
}

const BLOCK = 32
const BASE64 = /^[A-Za-z0-9+/]*={0,2}$/

/** The 32-byte AES key of a 43-character EncodingAESKey. */
export function aesKey(encodingAesKey: string): Buffer {
  if (typeof encodingAesKey !== 'string' || !/^[A-Za-z0-9+/]{43}$/.test(encodingAesKey)) {
    throw new WecomCryptoError('bad_key', 'EncodingAESKey must be 43 characters of Base64 (letters, digits, + and /)')
  }
  const key = Buffer.from(encodingAesKey + '=', 'base64')
  if (key.length !== 32) throw new WecomCryptoError('bad_key', `EncodingAESKey decodes to ${key.length} bytes, expected 32`)
  return key
}

/** msg_signature: sha1 over the sorted, concatenated token, timestamp, nonce and encrypted text (lowercase hex). */
export function signature(token: string, timestamp: string, nonce: string, encrypted: string): string {
  const parts = [token, timestamp, nonce, encrypted].map(String).sort()
  return createHash('sha1').update(parts.join(''), 'utf8').digest('hex')
}

/** Compares a received signature with the expected one in constant time (for equal lengths). */
export function signatureMatches(expected: string, received: string): boolean {
  const a = Buffer.from(expected, 'utf8')
  const b = Buffer.from(String(received ?? '').toLowerCase(), 'utf8')
  if (a.length !== b.length) {
    // still spend the time of a comparison, then refuse
    timingSafeEqual(a, a)
    return false
  }
  return timingSafeEqual(a, b)
}

function pkcs7Pad(data: Buffer): Buffer {
  const n = BLOCK - (data.length % BLOCK)
  return Buffer.concat([data, Buffer.alloc(n, n)])
}

function pkcs7Unpad(data: Buffer): Buffer {
  const n = data.length ? data[data.length - 1] : 0
  if (n < 1 || n > BLOCK || n > data.length) throw new WecomCryptoError('bad_padding', 'decrypted message has invalid PKCS#7 padding')
  for (let i = data.length - n; i < data.length; i++) {
    if (data[i] !== n) throw new WecomCryptoError('bad_padding', 'decrypted message has invalid PKCS#7 padding')
  }
  return data.subarray(0, data.length - n)
}

export interface Decrypted {
  message: string
  receiveId: string
  /** the 16 random bytes the sender put in front */
  random: Buffer
}

/** Decrypts a Base64 `encrypted`/`Encrypt`/`echostr` value. Does not check signature, time or receive id. */
export function decrypt(encodingAesKey: string, encrypted: string): Decrypted {
  const key = aesKey(encodingAesKey)
  if (typeof encrypted !== 'string' || !encrypted || encrypted.length % 4 !== 0 || !BASE64.test(encrypted)) {
    throw new WecomCryptoError('bad_input', 'encrypted text is not Base64')
  }
  const data = Buffer.from(encrypted, 'base64')
  if (data.length === 0 || data.length % 16 !== 0) {
    throw new WecomCryptoError('bad_length', `ciphertext is ${data.length} bytes, not a whole number of AES blocks`)
  }
  const decipher = createDecipheriv('aes-256-cbc', key, key.subarray(0, 16))
  decipher.setAutoPadding(false)
  const plain = pkcs7Unpad(Buffer.concat([decipher.update(data), decipher.final()]))
  if (plain.length < 20) throw new WecomCryptoError('bad_length', 'decrypted message is shorter than its 20-byte header')
  const length = plain.readUInt32BE(16)
  if (20 + length > plain.length) {
    throw new WecomCryptoError('bad_length', `decrypted message claims ${length} bytes but only ${plain.length - 20} follow`)
  }
  return {
    random: Buffer.from(plain.subarray(0, 16)),
    message: plain.subarray(20, 20 + length).toString('utf8'),
    receiveId: plain.subarray(20 + length).toString('utf8'),
  }
}

/** Encrypts a message for WeCom; `random16` (16 bytes) only for reproducible tests. Returns Base64. */
export function encrypt(encodingAesKey: string, message: string, receiveId: string, random16?: Buffer): string {
  const key = aesKey(encodingAesKey)
  const random = random16 ?? randomBytes(16)
  if (random.length !== 16) throw new WecomCryptoError('bad_input', 'the random prefix must be 16 bytes')
  const body = Buffer.from(message, 'utf8')
  const len = Buffer.alloc(4)
  len.writeUInt32BE(body.length, 0)
  const plain = pkcs7Pad(Buffer.concat([random, len, body, Buffer.from(receiveId, 'utf8')]))
  const cipher = createCipheriv('aes-256-cbc', key, key.subarray(0, 16))
  cipher.setAutoPadding(false)
  return Buffer.concat([cipher.update(plain), cipher.final()]).toString('base64')
}

export const DEFAULT_MAX_SKEW_SECONDS = 300

export interface CallbackCheck {
  token: string
  encodingAesKey: string
  msgSignature: string
  timestamp: string
  nonce: string
  /** the clock's time (injected: tests of the 2014/2016 vectors pass a time near them) */
  now: Date
  /** allowed difference between `timestamp` and `now`, either way; default 300 s */
  maxSkewSeconds?: number
}

function checkSignatureAndTime(c: CallbackCheck, encrypted: string): void {
  if (typeof encrypted !== 'string' || !encrypted) throw new WecomCryptoError('bad_input', 'encrypted text is missing')
  const expected = signature(c.token, c.timestamp, c.nonce, encrypted)
  if (!signatureMatches(expected, c.msgSignature)) {
    throw new WecomCryptoError('bad_signature', 'msg_signature does not match token, timestamp, nonce and encrypted text')
  }
  if (!/^\d{1,12}$/.test(String(c.timestamp))) throw new WecomCryptoError('stale', 'timestamp is not a number of seconds')
  const skew = Math.abs(c.now.getTime() / 1000 - Number(c.timestamp))
  const max = c.maxSkewSeconds ?? DEFAULT_MAX_SKEW_SECONDS
  if (!(skew <= max)) {
    throw new WecomCryptoError('stale', `timestamp is ${Math.round(skew)} s away from now, more than the allowed ${max} s`)
  }
}

function checkReceiveId(got: string, expected: string | null | undefined): void {
  if (expected == null) return
  if (got !== expected) {
    throw new WecomCryptoError(
      'bad_receive_id',
      expected === '' ? 'message is addressed to a receive id, expected none (intelligent bot)' : 'message is addressed to another receive id',
    )
  }
}

/**
 * URL verification (the GET with msg_signature, timestamp, nonce and echostr): returns the plaintext to echo.
 * `echostr` is the URL-decoded query value (a '+' decoded to a space is tolerated). `receiveId`: checked when given (corp id, or '' for the intelligent bot).
 */
export function verifyUrl(p: CallbackCheck & { echostr: string; receiveId?: string | null }): string {
  // Base64 has no spaces: a '+' that a query parser turned into one is restored (exactly what WeCom signed)
  const echostr = typeof p.echostr === 'string' ? p.echostr.replace(/ /g, '+') : p.echostr
  checkSignatureAndTime(p, echostr)
  const d = decrypt(p.encodingAesKey, echostr)
  checkReceiveId(d.receiveId, p.receiveId)
  return d.message
}

/**
 * Opens an encrypted JSON callback body `{"encrypt": "..."}` (the intelligent bot's format): checks signature and
 * time, decrypts, and checks the receive id — empty by default (intelligent bot); pass `null` to skip the check.
 * Returns the decrypted message text (itself JSON for the intelligent bot).
 */
export function openMessage(p: CallbackCheck & { body: string | { encrypt?: unknown }; receiveId?: string | null }): Decrypted {
  let body: unknown = p.body
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body)
    } catch {
      throw new WecomCryptoError('bad_input', 'callback body is not JSON')
    }
  }
  const encrypted = body && typeof body === 'object' ? (body as { encrypt?: unknown }).encrypt : undefined
  if (typeof encrypted !== 'string' || !encrypted) throw new WecomCryptoError('bad_input', 'callback body has no "encrypt" string')
  checkSignatureAndTime(p, encrypted)
  const d = decrypt(p.encodingAesKey, encrypted)
  checkReceiveId(d.receiveId, p.receiveId === undefined ? '' : p.receiveId)
  return d
}

export interface SealedReply {
  encrypt: string
  msgsignature: string
  timestamp: string
  nonce: string
}

/** Encrypts and signs a passive reply: the JSON body `{encrypt, msgsignature, timestamp, nonce}`. */
export function sealReply(p: {
  token: string
  encodingAesKey: string
  message: string
  /** '' for the intelligent bot (default) */
  receiveId?: string
  now: Date
  nonce?: string
  random16?: Buffer
}): SealedReply {
  const timestamp = String(Math.floor(p.now.getTime() / 1000))
  const nonce = p.nonce ?? String(randomInt(100_000_000, 10_000_000_000))
  const encrypted = encrypt(p.encodingAesKey, p.message, p.receiveId ?? '', p.random16)
  return { encrypt: encrypted, msgsignature: signature(p.token, timestamp, nonce, encrypted), timestamp, nonce }
}
