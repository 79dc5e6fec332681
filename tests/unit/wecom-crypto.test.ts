import { describe, it, expect } from 'vitest'
import {
  WecomCryptoError,
  decrypt,
  encrypt,
  openMessage,
  sealReply,
  signature,
  verifyUrl,
  type WecomCryptoErrorCode,
} from '../../src/channels/wecom/crypto.js'

/**
 * WeCom's published callback vectors, copied from ../shared/fixtures/wecom-callback-vectors.json:
 * two URL verifications and two XML messages from WeCom's callback documentation example and its official
 * Python sample (WXBizMsgCrypt). Each decrypts, with its token and EncodingAESKey, to `plain`, addressed to
 * `receiveId` (the corp id).
 */
const VECTORS = [
  {
    name: "doc example: URL verification",
    token: "QDG6eK",
    encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    receiveId: "wx5823bf96d3bd56c7",
    msg_signature: "5c45ff5e21c57e6ad56bac8758b79b1d9ac89fd3",
    timestamp: "1409659589",
    nonce: "263014780",
    encrypted: "P9nAzCzyDtyTWESHep1vC5X9xho/qYX3Zpb4yKa9SKld1DsH3Iyt3tP3zNdtp+4RPcs8TgAE7OaBO+FZXvnaqQ==",
    plain: "1616140317555161061",
  },
  {
    name: "doc example: text message",
    token: "QDG6eK",
    encodingAESKey: "jWmYm7qr5nMoAUwZRjGtBxmz3KA1tkAj3ykkR6q2B2C",
    receiveId: "wx5823bf96d3bd56c7",
    msg_signature: "477715d11cdb4164915debcba66cb864d751f3e6",
    timestamp: "1409659813",
    nonce: "1372623149",
    encrypted: "RypEvHKD8QQKFhvQ6QleEB4J58tiPdvo+rtK1I9qca6aM/wvqnLSV5zEPeusUiX5L5X/0lWfrf0QADHHhGd3QczcdCUpj911L3vg3W/sYYvuJTs3TUUkSUXxaccAS0qhxchrRYt66wiSpGLYL42aM6A8dTT+6k4aSknmPj48kzJs8qLjvd4Xgpue06DOdnLxAUHzM6+kDZ+HMZfJYuR+LtwGc2hgf5gsijff0ekUNXZiqATP7PF5mZxZ3Izoun1s4zG4LUMnvw2r+KqCKIw+3IQH03v+BCA9nMELNqbSf6tiWSrXJB3LAVGUcallcrw8V2t9EL4EhzJWrQUax5wLVMNS0+rUPA3k22Ncx4XXZS9o0MBH27Bo6BpNelZpS+/uh9KsNlY6bHCmJU9p8g7m3fVKn28H3KDYA5Pl/T8Z1ptDAVe0lXdQ2YoyyH2uyPIGHBZZIs2pDBS8R07+qN+E7Q==",
    plain: "<xml><ToUserName><![CDATA[wx5823bf96d3bd56c7]]></ToUserName>\n<FromUserName><![CDATA[mycreate]]></FromUserName>\n<CreateTime>1409659813</CreateTime>\n<MsgType><![CDATA[text]]></MsgType>\n<Content><![CDATA[hello]]></Content>\n<MsgId>4561255354251345929</MsgId>\n<AgentID>218</AgentID>\n</xml>",
  },
  {
    name: "official sample: URL verification",
    token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    receiveId: "ww1436e0e65a779aee",
    msg_signature: "012bc692d0a58dd4b10f8dfe5c4ac00ae211ebeb",
    timestamp: "1476416373",
    nonce: "47744683",
    encrypted: "fsi1xnbH4yQh0+PJxcOdhhK6TDXkjMyhEPA7xB2TGz6b+g7xyAbEkRxN/3cNXW9qdqjnoVzEtpbhnFyq6SVHyA==",
    plain: "1288432023552776189",
  },
  {
    name: "official sample: text message",
    token: "hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo",
    encodingAESKey: "6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt",
    receiveId: "ww1436e0e65a779aee",
    msg_signature: "0c3914025cb4b4d68103f6bfc8db550f79dcf48e",
    timestamp: "1476422779",
    nonce: "1597212914",
    encrypted: "Kl7kjoSf6DMD1zh7rtrHjFaDapSCkaOnwu3bqLc5tAybhhMl9pFeK8NslNPVdMwmBQTNoW4mY7AIjeLvEl3NyeTkAgGzBhzTtRLNshw2AEew+kkYcD+Fq72Kt00fT0WnN87hGrW8SqGc+NcT3mu87Ha3dz1pSDi6GaUA6A0sqfde0VJPQbZ9U+3JWcoD4Z5jaU0y9GSh010wsHF8KZD24YhmZH4ch4Ka7ilEbjbfvhKkNL65HHL0J6EYJIZUC2pFrdkJ7MhmEbU2qARR4iQHE7wy24qy0cRX3Mfp6iELcDNfSsPGjUQVDGxQDCWjayJOpcwocugux082f49HKYg84EpHSGXAyh+/oxwaWbvL6aSDPOYuPDGOCI8jmnKiypE+",
    plain: "<xml><ToUserName>ww1436e0e65a779aee</ToUserName><FromUserName>ChenJiaShun</FromUserName><CreateTime>1476422779</CreateTime><MsgType>text</MsgType><Content>你好</Content><MsgId>1456453720</MsgId><AgentID>1000002</AgentID></xml>",
  },
] as const

const at = (timestamp: string, deltaSeconds = 0) => new Date((Number(timestamp) + deltaSeconds) * 1000)

function refused(fn: () => unknown): WecomCryptoErrorCode {
  try {
    fn()
  } catch (err) {
    expect(err).toBeInstanceOf(WecomCryptoError)
    expect((err as Error).message).toMatch(/[a-z]/)
    return (err as WecomCryptoError).code
  }
  throw new Error('expected the call to be refused')
}

/** Flips bits of one ciphertext byte and returns the new Base64. */
function flip(encrypted: string, index: number, mask = 0x01): string {
  const b = Buffer.from(encrypted, 'base64')
  b[index] ^= mask
  return b.toString('base64')
}

describe('WeCom published vectors', () => {
  for (const v of VECTORS) {
    describe(v.name, () => {
      it('signature matches msg_signature', () => {
        expect(signature(v.token, v.timestamp, v.nonce, v.encrypted)).toBe(v.msg_signature)
      })

      it('decrypts to its plain text and receive id', () => {
        const d = decrypt(v.encodingAESKey, v.encrypted)
        expect(d.message).toBe(v.plain)
        expect(d.receiveId).toBe(v.receiveId)
        expect(d.random).toHaveLength(16)
      })

      it('re-encrypts to the same ciphertext given the same random prefix (padding to 32 bytes)', () => {
        const d = decrypt(v.encodingAESKey, v.encrypted)
        expect(encrypt(v.encodingAESKey, d.message, d.receiveId, d.random)).toBe(v.encrypted)
        expect(Buffer.from(v.encrypted, 'base64').length % 32).toBe(0)
      })

      it('URL verification returns the plaintext echo (with and without a receive-id check)', () => {
        const base = {
          token: v.token,
          encodingAesKey: v.encodingAESKey,
          msgSignature: v.msg_signature,
          timestamp: v.timestamp,
          nonce: v.nonce,
          echostr: v.encrypted,
          now: at(v.timestamp, 30),
          maxSkewSeconds: 300,
        }
        expect(verifyUrl({ ...base, receiveId: v.receiveId })).toBe(v.plain)
        expect(verifyUrl(base)).toBe(v.plain)
        // an unencoded '+' that a query parser turned into a space
        expect(verifyUrl({ ...base, echostr: v.encrypted.replace(/\+/g, ' ') })).toBe(v.plain)
        // WeCom sends the signature in lowercase hex; uppercase is tolerated
        expect(verifyUrl({ ...base, msgSignature: v.msg_signature.toUpperCase() })).toBe(v.plain)
      })
    })
  }
})

describe('refusals', () => {
  const v = VECTORS[1]
  const base = {
    token: v.token,
    encodingAesKey: v.encodingAESKey,
    msgSignature: v.msg_signature,
    timestamp: v.timestamp,
    nonce: v.nonce,
    echostr: v.encrypted,
    receiveId: v.receiveId,
    now: at(v.timestamp),
    maxSkewSeconds: 300,
  }

  it('a wrong signature is refused', () => {
    expect(refused(() => verifyUrl({ ...base, msgSignature: '0'.repeat(40) }))).toBe('bad_signature')
    expect(refused(() => verifyUrl({ ...base, msgSignature: v.msg_signature.slice(0, 39) }))).toBe('bad_signature')
    expect(refused(() => verifyUrl({ ...base, msgSignature: '' }))).toBe('bad_signature')
    expect(refused(() => verifyUrl({ ...base, token: v.token + 'x' }))).toBe('bad_signature')
    expect(refused(() => verifyUrl({ ...base, nonce: '1' }))).toBe('bad_signature')
  })

  it('one changed byte anywhere in the ciphertext is refused by the signature', () => {
    const n = Buffer.from(v.encrypted, 'base64').length
    for (let i = 0; i < n; i++) {
      expect(refused(() => verifyUrl({ ...base, echostr: flip(v.encrypted, i) }))).toBe('bad_signature')
    }
  })

  it('one changed byte with a matching signature is still refused where padding, length or receive id break', () => {
    const resigned = (echostr: string) => ({ ...base, echostr, msgSignature: signature(v.token, v.timestamp, v.nonce, echostr) })
    const bytes = Buffer.from(v.encrypted, 'base64')
    const plain = Buffer.byteLength(v.plain, 'utf8')
    // the last byte of the second-to-last block flips the last plaintext byte: the pad byte
    expect(refused(() => verifyUrl(resigned(flip(v.encrypted, bytes.length - 17))))).toBe('bad_padding')
    // byte 0 flips plaintext byte 16, the top of the length field
    expect(refused(() => verifyUrl(resigned(flip(v.encrypted, 0, 0x80))))).toBe('bad_length')
    // the byte 16 before the receive id flips the receive id's first byte
    expect(refused(() => verifyUrl(resigned(flip(v.encrypted, 20 + plain - 16))))).toBe('bad_receive_id')
  })

  it('a wrong receive id is refused where one is expected', () => {
    expect(refused(() => verifyUrl({ ...base, receiveId: 'ww0000000000000000' }))).toBe('bad_receive_id')
    expect(refused(() => verifyUrl({ ...base, receiveId: '' }))).toBe('bad_receive_id')
  })

  it('a stale or future timestamp is refused against the injected clock', () => {
    expect(verifyUrl({ ...base, now: at(v.timestamp, 300) })).toBe(v.plain)
    expect(verifyUrl({ ...base, now: at(v.timestamp, -300) })).toBe(v.plain)
    expect(refused(() => verifyUrl({ ...base, now: at(v.timestamp, 301) }))).toBe('stale')
    expect(refused(() => verifyUrl({ ...base, now: at(v.timestamp, -301) }))).toBe('stale')
    expect(refused(() => verifyUrl({ ...base, now: new Date('2026-11-28T00:00:00Z') }))).toBe('stale')
    expect(refused(() => verifyUrl({ ...base, now: at(v.timestamp, 90), maxSkewSeconds: 60 }))).toBe('stale')
    // default window is 300 s
    const { maxSkewSeconds: _m, ...noWindow } = base
    expect(refused(() => verifyUrl({ ...noWindow, now: at(v.timestamp, 301) }))).toBe('stale')
    // a signed but non-numeric timestamp
    const ts = 'yesterday'
    expect(refused(() => verifyUrl({ ...base, timestamp: ts, msgSignature: signature(v.token, ts, v.nonce, v.encrypted) }))).toBe('stale')
  })

  it('malformed input and keys are refused with a code', () => {
    const resigned = (echostr: string) => ({ ...base, echostr, msgSignature: signature(v.token, v.timestamp, v.nonce, echostr) })
    expect(refused(() => verifyUrl(resigned('not-base64!!')))).toBe('bad_input')
    expect(refused(() => verifyUrl(resigned('AAAA')))).toBe('bad_length')
    expect(refused(() => verifyUrl({ ...base, echostr: '' }))).toBe('bad_input')
    expect(refused(() => decrypt('short', v.encrypted))).toBe('bad_key')
    expect(refused(() => decrypt(v.encodingAESKey.slice(0, 42) + '!', v.encrypted))).toBe('bad_key')
    expect(refused(() => encrypt(v.encodingAESKey, 'x', '', Buffer.alloc(15)))).toBe('bad_input')
  })
})

describe('intelligent-bot JSON callbacks (empty receive id)', () => {
  const token = 'hJqcu3uJ9Tn2gXPmxx2w9kkCkCE2EPYo'
  const encodingAesKey = '6qkdMrq68nTKduznJYO1A37W2oEgpkMUvkttRToqhUt'
  const now = new Date('2026-11-28T08:00:00Z')
  const inbound = {
    msgid: 'CAIQ16HMjQYY\\/NGagIOAgAMgq4KM0AI=',
    aibotid: 'AIBOTID',
    chatid: 'CHATID',
    chattype: 'group',
    from: { userid: 'zhangjianguo' },
    response_url: 'https://qyapi.weixin.qq.com/cgi-bin/aibot/response?response_code=RESPONSECODE',
    msgtype: 'text',
    text: { content: '@安全助手 隐患 后厨燃气软管老化开裂 地点：后厨 🔥' },
  }

  /** What WeCom would POST: the sealed body plus the query parameters. */
  function callback(message: string, receiveId = '') {
    const sealed = sealReply({ token, encodingAesKey, message, receiveId, now })
    return {
      token,
      encodingAesKey,
      msgSignature: sealed.msgsignature,
      timestamp: sealed.timestamp,
      nonce: sealed.nonce,
      body: JSON.stringify({ encrypt: sealed.encrypt }),
      now,
      maxSkewSeconds: 300,
    }
  }

  it('round trips a JSON message through sealReply and openMessage', () => {
    const text = JSON.stringify(inbound)
    const opened = openMessage(callback(text))
    expect(opened.receiveId).toBe('')
    expect(opened.message).toBe(text)
    expect(JSON.parse(opened.message)).toEqual(inbound)
  })

  it('accepts an already parsed body', () => {
    const c = callback('{"msgtype":"text"}')
    expect(openMessage({ ...c, body: JSON.parse(c.body) as { encrypt: string } }).message).toBe('{"msgtype":"text"}')
  })

  it('round trips every padding length, multi-byte text included', () => {
    for (let n = 0; n <= 70; n++) {
      for (const unit of ['a', '隐', '🔥']) {
        const message = unit.repeat(n)
        const enc = encrypt(encodingAesKey, message, '')
        expect(Buffer.from(enc, 'base64').length % 32).toBe(0)
        expect(decrypt(encodingAesKey, enc)).toMatchObject({ message, receiveId: '' })
      }
    }
  })

  it('a sealed reply carries a fresh timestamp, a nonce and a matching signature', () => {
    const sealed = sealReply({ token, encodingAesKey, message: '{"msgtype":"text","text":{"content":"已登记隐患 Y1"}}', now })
    expect(sealed.timestamp).toBe(String(Math.floor(now.getTime() / 1000)))
    expect(sealed.nonce).toMatch(/^\d+$/)
    expect(sealed.msgsignature).toBe(signature(token, sealed.timestamp, sealed.nonce, sealed.encrypt))
    expect(decrypt(encodingAesKey, sealed.encrypt)).toMatchObject({ receiveId: '' })
    // two seals of one message differ (random prefix, nonce)
    expect(sealReply({ token, encodingAesKey, message: 'x', now }).encrypt).not.toBe(sealReply({ token, encodingAesKey, message: 'x', now }).encrypt)
  })

  it('refuses a message addressed to a receive id (expected none), unless the check is skipped', () => {
    const c = callback('{}', 'ww1436e0e65a779aee')
    expect(refused(() => openMessage(c))).toBe('bad_receive_id')
    expect(openMessage({ ...c, receiveId: null }).receiveId).toBe('ww1436e0e65a779aee')
    expect(openMessage({ ...c, receiveId: 'ww1436e0e65a779aee' }).message).toBe('{}')
  })

  it('refuses a tampered body, a wrong signature, a stale timestamp and a body without "encrypt"', () => {
    const c = callback(JSON.stringify(inbound))
    const enc = (JSON.parse(c.body) as { encrypt: string }).encrypt
    expect(refused(() => openMessage({ ...c, body: JSON.stringify({ encrypt: flip(enc, 40) }) }))).toBe('bad_signature')
    expect(refused(() => openMessage({ ...c, msgSignature: signature(token, c.timestamp, c.nonce, enc + 'x') }))).toBe('bad_signature')
    expect(refused(() => openMessage({ ...c, now: new Date(now.getTime() + 301_000) }))).toBe('stale')
    expect(refused(() => openMessage({ ...c, body: '{"encrypt": 1}' }))).toBe('bad_input')
    expect(refused(() => openMessage({ ...c, body: 'not json' }))).toBe('bad_input')
  })
})
