import { describe, expect, it } from 'vitest'
import { cappedJson, jsonStringBytes } from './answer-size.js'

describe('jsonStringBytes', () => {
  it('counts what JSON.stringify writes, escapes and UTF-8 included', () => {
    const samples = ['', 'abc', '\0\x01\x1f', '\b\t\n\f\r', '"\\/', 'é', '€', '😀', '\ud800', 'a\udc00b', '\u2028\u2029', '\x7f\x80']
    for (const s of samples) expect([s, jsonStringBytes(s)]).toEqual([s, Buffer.byteLength(JSON.stringify(s))])
  })
})

describe('cappedJson', () => {
  it('keeps an answer of exactly the limit, refuses one byte more', () => {
    const answer = { ok: true, value: '\0é😀"'.repeat(50), logs: [{ level: 'info', message: '\n' }] }
    const size = Buffer.byteLength(JSON.stringify(answer))
    expect(cappedJson(answer, size)).toBe(JSON.stringify(answer))
    expect(JSON.parse(cappedJson(answer, size - 1))).toMatchObject({ ok: false, error: { code: 'E_RESPONSE_TOO_LARGE', used: size } })
  })

  it('finds a huge answer too large before encoding it: "at least"', () => {
    const r = JSON.parse(cappedJson({ ok: true, value: '\0'.repeat(1 << 20) }, 4096))
    expect(r.error.message).toMatch(/^the answer is at least \d+ bytes as JSON, over the playground's responseLimit \(4096 bytes\)/)
    expect(r.error.used).toBeGreaterThan(4096)
  })
})
