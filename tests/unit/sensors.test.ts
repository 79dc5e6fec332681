import { describe, expect, it } from 'vitest'
import {
  deviceKindOf,
  escalationAt,
  escalationTarget,
  parseAlarmAnswer,
  parseSensorPayload,
  parseTopic,
  signPush,
  subscription,
  verifyPush,
} from '../../src/core/sensors.js'
import { configSchema } from '../../src/config.js'

// computed with `printf '%s' "$TS.$BODY" | openssl dgst -sha256 -hmac "$SECRET"`, not with the code under test
const VECTORS = [
  {
    secret: 'vendor-secret-0123456789',
    timestamp: '1764748800',
    body: '{"device":"GD-0001","event":"alarm","reading":25,"unit":"%LEL","id":"e-1"}',
    signature: 'sha256=3fe3104c57fdf5c9a41dfc5ef83ec78feea879ea90fe9d2c386c43353b12a775',
  },
  { secret: 'another-vendor-secret-xyz', timestamp: '1764748800', body: '[]', signature: 'sha256=fd4925e7733225d10425dafe60118c116a90eac0bb4cbc1c2439e9b0c1edc679' },
  {
    secret: 'vendor-secret-0123456789',
    timestamp: '1700000000',
    body: '{"device":"油站-1号罐","event":"heartbeat"}',
    signature: 'sha256=b47775262452d76fc4e48806239ca316561bdd75d221f2bd058264d8af43b263',
  },
]

describe('HTTP push signature', () => {
  it.each(VECTORS)('when signed with $secret at $timestamp, then the signature is the fixed vector and verifies', (v) => {
    expect(signPush(v.secret, v.timestamp, v.body)).toBe(v.signature)
    expect(signPush(v.secret, v.timestamp, Buffer.from(v.body))).toBe(v.signature)
    const now = new Date(Number(v.timestamp) * 1000 + 60_000)
    expect(verifyPush(v.secret, { timestamp: v.timestamp, signature: v.signature, body: Buffer.from(v.body) }, now)).toEqual({ ok: true })
  })

  it('when the body, secret, timestamp or signature differs, then it is refused with the reason', () => {
    const v = VECTORS[0]
    const now = new Date(Number(v.timestamp) * 1000)
    expect(verifyPush(v.secret, { timestamp: v.timestamp, signature: v.signature, body: v.body.replace('25', '26') }, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyPush('wrong-secret-0123456789', { timestamp: v.timestamp, signature: v.signature, body: v.body }, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyPush(v.secret, { timestamp: '1764748801', signature: v.signature, body: v.body }, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyPush(v.secret, { timestamp: v.timestamp, signature: v.signature.slice(0, -1), body: v.body }, now)).toEqual({ ok: false, reason: 'bad_signature' })
    expect(verifyPush(v.secret, { timestamp: v.timestamp, signature: undefined, body: v.body }, now)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyPush(v.secret, { timestamp: 'soon', signature: v.signature, body: v.body }, now)).toEqual({ ok: false, reason: 'missing' })
    expect(verifyPush(v.secret, { timestamp: v.timestamp, signature: v.signature, body: v.body }, new Date(now.getTime() + 301_000))).toEqual({ ok: false, reason: 'stale' })
  })
})

describe('sensor payloads', () => {
  it.each([
    ['an alarm with its reading', '{"device":"GD-1","event":"alarm","reading":25,"unit":"%LEL","time":"2026-12-03T08:00:00+08:00","id":"e-1"}', true],
    ['a heartbeat without an event id', '{"device":"GD-1","event":"heartbeat"}', true],
    ['an alarm without an event id', '{"device":"GD-1","event":"alarm"}', 'no_event_id'],
    ['an unknown event', '{"device":"GD-1","event":"boom","id":"x"}', 'invalid'],
    ['a reading that is text', '{"device":"GD-1","event":"alarm","reading":"25","id":"x"}', 'invalid'],
    ['a device time that is not a time', '{"device":"GD-1","event":"alarm","time":"yesterday","id":"x"}', 'invalid'],
    ['no JSON at all', 'GD-1 alarm', 'not_json'],
    ['JSON that is not an object', '[1,2]', 'invalid'],
    ['a payload for another device than the topic names', '{"device":"GD-2","event":"alarm","id":"x"}', 'device_mismatch'],
  ])('when %s arrives, then it is %s', (_what, raw, want) => {
    const r = parseSensorPayload(Buffer.from(raw), 'GD-1')
    if (want === true) expect(r.ok).toBe(true)
    else expect(r).toMatchObject({ ok: false, reason: want })
  })

  it('when a bad payload names a device, then the failure carries the device id for the log', () => {
    expect(parseSensorPayload('{"device":"GD-9","event":"alarm"}')).toEqual({ ok: false, reason: 'no_event_id', device: 'GD-9' })
    expect(parseSensorPayload('nonsense', 'GD-7')).toEqual({ ok: false, reason: 'not_json', device: 'GD-7' })
  })
})

describe('topics', () => {
  it('reads <prefix>/<vendor>/<device> and nothing else', () => {
    expect(parseTopic('sensors', 'sensors/acme/GD-1')).toEqual({ vendor: 'acme', device: 'GD-1' })
    expect(parseTopic('t/1', 't/1/acme/GD-1')).toEqual({ vendor: 'acme', device: 'GD-1' })
    expect(parseTopic('sensors', 'sensors/acme')).toBeNull()
    expect(parseTopic('sensors', 'sensors/acme/GD-1/extra')).toBeNull()
    expect(parseTopic('sensors', 'other/acme/GD-1')).toBeNull()
  })
  it('shares the subscription among instances when a group is set', () => {
    expect(subscription('sensors', 'csb')).toBe('$share/csb/sensors/+/+')
    expect(subscription('sensors', '')).toBe('sensors/+/+')
  })
})

describe('answers to alarms', () => {
  it.each([
    ['已处理 A12', { answer: 'handled', alarmId: 12 }],
    ['误报A3', { answer: 'false_alarm', alarmId: 3 }],
    ['收到 a7。', { answer: 'received', alarmId: 7 }],
    ['收到', { answer: 'received', alarmId: null }],
    ['已处理', { answer: 'handled', alarmId: null }],
    ['收到 N12', null],
    ['误报了吧这是', null],
    ['已处理好了明天再说', null],
  ])('%s → %j', (text, want) => {
    expect(parseAlarmAnswer(text)).toEqual(want)
  })
})

describe('escalation times', () => {
  const p = { ackMinutes: 5, steps: 2, everyMinutes: 10 }
  const t0 = new Date('2026-12-03T00:00:00Z')
  it('when nothing is acknowledged, then the officer at 5 minutes and the leaders at 15, then nothing', () => {
    expect(escalationAt(t0, 0, p)?.toISOString()).toBe('2026-12-03T00:05:00.000Z')
    expect(escalationTarget(1, p)).toBe('officer')
    expect(escalationAt(t0, 1, p)?.toISOString()).toBe('2026-12-03T00:15:00.000Z')
    expect(escalationTarget(2, p)).toBe('leaders')
    expect(escalationAt(t0, 2, p)).toBeNull()
  })
})

describe('device kinds and config', () => {
  it('reads the kinds people write', () => {
    expect(deviceKindOf('燃气报警器')).toBe('gas_detector')
    expect(deviceKindOf('液位仪')).toBe('tank_level')
    expect(deviceKindOf('leak')).toBe('leak')
    expect(deviceKindOf('温度计')).toBeNull()
  })
  it('takes vendor secrets as VENDOR:SECRET and refuses short ones, naming the form', () => {
    const ok = configSchema.safeParse({ SENSOR_HTTP_KEYS: 'acme:0123456789abcdef,tank-co:fedcba9876543210' })
    expect(ok.success && ok.data.SENSOR_HTTP_KEYS).toEqual({ acme: '0123456789abcdef', 'tank-co': 'fedcba9876543210' })
    const bad = configSchema.safeParse({ SENSOR_HTTP_KEYS: 'acme:short' })
    expect(bad.success).toBe(false)
    expect(JSON.stringify(bad.error?.issues)).toContain('VENDOR:SECRET')
    expect(configSchema.parse({}).SENSOR_MQTT_URL).toBeUndefined()
  })
})
