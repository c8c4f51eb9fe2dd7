import { expect } from 'vitest'
import { type Scenario, twoConnectionScenarios } from './two-connections.js'

const SCENARIOS: Record<string, Scenario> = {
  'another client writes the key': async ({ a, b }) => [
    await b('SET', 'k', '1'),
    await a('WATCH', 'k'),
    await b('SET', 'k', '2'),
    await a('MULTI'),
    await a('INCR', 'n'),
    await a('EXEC'),
    await a('GET', 'n'),
  ],
  "another client's script writes the key": async ({ a, b }) => [
    await a('WATCH', 'k'),
    await b('EVAL', "return redis.call('RPUSH', KEYS[1], 'x')", '1', 'k'),
    await a('MULTI'),
    await a('GET', 'n'),
    await a('EXEC'),
  ],
  'another client writes the key after MULTI': async ({ a, b }) => [
    await b('HSET', 'h', 'f', '1'),
    await a('WATCH', 'h', 'other'),
    await a('MULTI'),
    await a('HGET', 'h', 'f'),
    await b('HINCRBY', 'h', 'f', '1'),
    await a('EXEC'),
  ],
  'another client writes other keys and reads the watched one': async ({ a, b }) => [
    await b('SET', 'k', '1'),
    await a('WATCH', 'k'),
    await b('SET', 'x', '2'),
    await b('GET', 'k'),
    await b('EVAL', "return redis.call('GET', KEYS[1])", '1', 'k'),
    await a('MULTI'),
    await a('GET', 'k'),
    await a('EXEC'),
  ],
  'the watched key expires before EXEC': async ({ a, b }) => [
    await b('SET', 'k', '1', 'PX', '30'),
    await a('WATCH', 'k'),
    await new Promise<null>((r) => setTimeout(() => r(null), 120)),
    await a('MULTI'),
    await a('SET', 'k', '3'),
    await a('EXEC'),
    await a('GET', 'k'),
  ],
  // BITFIELD creates or zero-pads its key without signalling it when every write fails...
  'another client creates the key by a BITFIELD whose writes all fail': async ({ a, b }) => [
    await a('WATCH', 'k'),
    await b('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '100'),
    await a('MULTI'),
    await a('STRLEN', 'k'),
    await a('EXEC'),
  ],
  // ...but the key's expiry on the way is a modification
  'the watched key expires, then such a BITFIELD creates it again': async ({ a, b }) => [
    await b('SET', 'k', '1', 'PX', '30'),
    await a('WATCH', 'k'),
    await new Promise<null>((r) => setTimeout(() => r(null), 120)),
    await b('BITFIELD', 'k', 'OVERFLOW', 'FAIL', 'INCRBY', 'u2', '0', '100'),
    await a('MULTI'),
    await a('STRLEN', 'k'),
    await a('EXEC'),
  ],
}

twoConnectionScenarios('WATCH across two connections, against redis-server 7.0', SCENARIOS, (name, want) => {
  // the scenarios are built so that redis-server aborts EXEC at least in these
  if (name.startsWith('another client writes the key') || name.includes('script') || name.includes('expires')) {
    expect(want).toContain(null)
  }
})
