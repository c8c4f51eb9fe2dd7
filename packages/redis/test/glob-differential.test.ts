import { describe, expect, it } from 'vitest'
import { seededRandom } from '@polyhost/core/engine'
import { bothSides, type Sides } from './both-sides.js'
import { hasRedisServer } from './real-redis.js'

// KEYS patterns against redis-server: generated globs over a keyspace of short byte strings,
// with every quirk of stringmatchlen's reading in reach (classes left open, `]` and `-` at
// odd places, escapes in and out of classes, ranges in either order and across 0x80, where
// C's signed chars order the bytes differently). Every reply must list the same keys.

const ALPHABET = ['a', 'b', 'c', '-', ']', '^', '\\', '*', '?', '[', '\x00', '\x7f', '\x80', '\xe9', '\xff']
const KEY_BYTES = ['a', 'b', 'c', '-', ']', '^', '\\', '*', '?', '[', '\x00', '\x80', '\xe9', '\xff']

function text(next: () => number, from: readonly string[], max: number): string {
  let s = ''
  const n = 1 + Math.floor(next() * max)
  for (let i = 0; i < n; i++) s += from[Math.floor(next() * from.length)]
  return s
}

const hex = (v: unknown) => (typeof v === 'string' ? Buffer.from(v, 'utf8') : Buffer.from(v as Uint8Array)).toString('hex')

describe.runIf(hasRedisServer)('KEYS patterns, against redis-server', () => {
  let sides: Sides
  bothSides((s) => {
    sides = s
  })

  it('lists the same keys for 600 generated patterns over 60 byte-string keys', async () => {
    const next = seededRandom(20261205)
    const real = sides.real!
    const keys = new Set<string>()
    while (keys.size < 60) keys.add(text(next, KEY_BYTES, 6))
    for (const k of keys) {
      const key = Buffer.from(k, 'latin1')
      await real.client.set(key, '1')
      await sides.redis.command(['SET', key, '1'])
    }
    let nonEmpty = 0
    for (let i = 0; i < 600; i++) {
      const pattern = text(next, ALPHABET, 8)
      const arg = Buffer.from(pattern, 'latin1')
      const expected = ((await real.client.callBuffer('KEYS', arg)) as Buffer[]).map(hex).sort()
      const mine = ((await sides.redis.command(['KEYS', arg])) as unknown[]).map(hex).sort()
      expect({ pattern: arg.toString('hex'), keys: mine }).toEqual({ pattern: arg.toString('hex'), keys: expected })
      if (expected.length > 0) nonEmpty++
    }
    // the generator reaches patterns that match something
    expect(nonEmpty).toBeGreaterThan(100)
  }, 120_000)

  it('reads ranges as C signed chars and classes as stringmatchlen does', async () => {
    const real = sides.real!
    const keys = ['\xe9', '\xff', '\x00', 'a', '\x80', ']', '-', '^', '\\', 'b']
    for (const k of keys) {
      await real.client.set(Buffer.from(k, 'latin1'), '1')
      await sides.redis.command(['SET', Buffer.from(k, 'latin1'), '1'])
    }
    const patterns = [
      '[\x00-\xff]',
      '[a-\xe9]',
      '[\xe9-a]',
      '[^\x00-\xff]',
      '[\x80-\xff]',
      '[]a]',
      '[a-]',
      '[^]',
      '[]',
      '[\\]]',
      '[a-\\]',
      '\\',
      '[',
      '[^',
      '[]-a]',
      '[---]',
    ]
    for (const pattern of patterns) {
      const arg = Buffer.from(pattern, 'latin1')
      const expected = ((await real.client.callBuffer('KEYS', arg)) as Buffer[]).map(hex).sort()
      const mine = ((await sides.redis.command(['KEYS', arg])) as unknown[]).map(hex).sort()
      expect({ pattern: arg.toString('hex'), keys: mine }).toEqual({ pattern: arg.toString('hex'), keys: expected })
    }
  })
})
