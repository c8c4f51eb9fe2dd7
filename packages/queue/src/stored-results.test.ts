import { ConversionError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { decodeResult, encodeResult, utf8BytesOver } from './stored-results.js'
import { encodeValue } from './value-codec.js'

const stats = { durationMs: 1 } as never

describe('encodeResult / decodeResult', () => {
  it('stores value once when it is values[0], and reads results stored with both', () => {
    const stored = encodeResult({ value: 'abc', values: ['abc'], logs: [], stats }, 1000)
    expect(JSON.stringify(stored).match(/abc/g)).toHaveLength(1)
    expect(decodeResult(JSON.stringify(stored))).toMatchObject({ value: 'abc', values: ['abc'] })
    // a result an earlier worker stored
    const old = { r: encodeValue({ value: 1, values: [1, 2] }), logs: [], stats }
    expect(decodeResult(old)).toMatchObject({ value: 1, values: [1, 2] })
  })

  it('counts UTF-8 bytes of the encoding against the cap', () => {
    // {"j":{"values":["…"]}}: 21 characters around the value
    const result = (n: number) => ({ value: 'é'.repeat(n), values: ['é'.repeat(n)], logs: [], stats })
    expect(() => encodeResult(result(14), 49)).not.toThrow()
    // 36 characters, 51 bytes
    expect(() => encodeResult(result(15), 50)).toThrow(ConversionError)
    expect(utf8BytesOver('é'.repeat(10), 100)).toBe(20)
    expect(utf8BytesOver('x'.repeat(200), 100)).toBe(200)
  })
})
