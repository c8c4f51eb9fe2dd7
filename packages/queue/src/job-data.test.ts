import { InvalidArgumentError } from '@polyhost/core'
import { seededRandom } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { plainJobData, readJobData } from './job-data.js'
import { jobDataSchema, parseOrThrow } from './request-schema.js'

// readJobData passes the data enqueue writes without running the schema: whatever the plain
// check passes, the schema must pass with an equal result; everything else is the schema's.

const json = (text: string): unknown => JSON.parse(text)
const ENCODED: readonly unknown[] = [
  'AAA=',
  { j: { x: 1 } },
  { j: {} },
  { j: [1] },
  { j: null },
  { j: 1 },
  { j: {}, k: 1 },
  {},
  1,
  null,
  [],
  { j: new Date(0) },
]
const CANDIDATES: Readonly<Record<string, readonly unknown[]>> = {
  v: [1, 2, '1', 0],
  script: [
    { language: 'lua', source: 'return 1' },
    { source: '' },
    { language: 'js', source: 'x', name: 'a.js' },
    { ref: 'a' },
    { ref: 'a', version: 2 },
    { ref: '' },
    { ref: 'a', version: 0 },
    { ref: 'a', version: 1.5 },
    { ref: 'a', version: 2 ** 53 },
    { ref: 'a', source: 'x' },
    { ref: 7 },
    { language: '', source: 'x' },
    { source: 'x', name: '' },
    { source: 42 },
    { source: 'x', extra: 1 },
    json('{"source": "x", "__proto__": {"y": 1}}'),
    Object.assign(Object.create(null), { source: 'x' }),
    [],
    null,
    'x',
  ],
  globals: ENCODED,
  context: ENCODED,
  limits: [
    { timeoutMs: 10 },
    { timeoutMs: 0, instructions: 5e6 },
    {},
    { timeoutMs: -1 },
    { timeoutMs: '1' },
    { timeoutMs: Number.NaN },
    { timeoutMs: Number.POSITIVE_INFINITY },
    json('{"__proto__": 5}'),
    json('{"__proto__": -5}'),
    { bogus: 1 },
    { [Symbol('s')]: 1 },
    [],
    null,
    5,
  ],
  tenant: ['t', '', 1, null],
  fair: ['t0', '', 1],
  trace: [
    { t: 'a', s: 'b', f: 1 },
    { t: 'a', s: 'b' },
    { t: 'a', s: 'b', f: 1, x: 1 },
    { t: 1, s: 'b', f: 1 },
    { t: 'a', s: 'b', f: Number.POSITIVE_INFINITY },
    'x',
  ],
  bogus: [1, 'x'],
  // an own key, not the literal's prototype
  ['__proto__']: [{ tenant: 't' }],
}

/** The data of enqueued jobs as the worker reads them: what the plain check is for. */
const WRITTEN: readonly unknown[] = [
  { v: 1, script: { language: 'lua', source: 'return x + 1' }, globals: { j: { x: 1 } }, tenant: 't1' },
  { v: 1, script: { ref: 'discount', version: 3 }, globals: 'AAA=', context: { j: { tenant: 't1' } }, fair: 't1' },
  {
    v: 1,
    script: { source: 'return 1', name: 'a.lua' },
    limits: { timeoutMs: 200 },
    trace: { t: 'a'.repeat(32), s: 'b'.repeat(16), f: 1 },
  },
  { v: 1, script: { ref: 'cleanup' } },
]

describe('readJobData', () => {
  it('passes without the schema only what the schema passes, with an equal result (5,000 data)', () => {
    const next = seededRandom(20240601)
    // good values come first in each list: favoured, so that many data pass
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(next() ** 2 * xs.length)] as T
    let plain = 0
    let passed = 0
    for (let i = 0; i < 5000; i++) {
      const data: Record<string, unknown> = {}
      for (const key of Object.keys(CANDIDATES)) {
        const p = key === 'v' || key === 'script' ? 0.9 : key === 'bogus' || key === '__proto__' ? 0.03 : 0.4
        // an own `__proto__` key, as JSON.parse makes it
        if (next() < p) Object.defineProperty(data, key, { value: pick(CANDIDATES[key] ?? []), enumerable: true, writable: true })
      }
      const schema = jobDataSchema.safeParse(data)
      const mine = plainJobData(data)
      if (schema.success) passed++
      if (mine === undefined) continue
      plain++
      expect({ i, data, ok: schema.success }).toEqual({ i, data, ok: true })
      expect(mine).toEqual(schema.data)
    }
    // and most of what the schema passes (316, of which 280 plainly, when this was written)
    expect(plain).toBeGreaterThan(200)
    expect(plain).toBeGreaterThan(passed * 0.8)
  })

  it('passes the data enqueue writes without the schema', () => {
    for (const data of WRITTEN) {
      expect(jobDataSchema.safeParse(data).success).toBe(true)
      expect(plainJobData(data)).toBe(data)
    }
  })

  it('refuses bad data with the schema’s own error', () => {
    const bad = [
      { v: 1, script: { source: 42 } },
      { v: 1, script: { source: 'x' }, tenant: '' },
      { v: 1, script: { ref: 'a' }, extra: 1 },
      null,
    ]
    for (const data of bad) {
      const want = (() => {
        try {
          parseOrThrow(jobDataSchema, data, 'job 7')
        } catch (e) {
          return e
        }
      })()
      expect(want).toBeInstanceOf(InvalidArgumentError)
      expect(() => readJobData(data, '7')).toThrow((want as Error).message)
    }
  })
})
