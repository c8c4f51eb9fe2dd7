import { describe, expect, it } from 'vitest'
import { policyError } from '../test/policy-error.js'
import { FORBIDDEN_LIBRARIES } from './libraries.js'
import { SecurityManager } from './manager.js'
import { PRESETS } from './presets.js'

describe('SecurityManager.resolve', () => {
  it('defaults to the standard preset and its limits', () => {
    const sm = SecurityManager.resolve(undefined)
    expect(sm.policy.preset).toBe('standard')
    expect(sm.policy.limits).toEqual(PRESETS.standard.limits)
    expect(sm.policy.bridgeAllow).toBeNull()
  })

  it('applies library allow and deny on top of the preset', () => {
    const sm = SecurityManager.resolve({ preset: 'standard', libraries: { allow: ['debug'], deny: ['coroutine'] } })
    expect(sm.isAllowed('debug')).toBe(true)
    expect(sm.isAllowed('coroutine')).toBe(false)
    expect(sm.isAllowed('string')).toBe(true)
  })

  it('refuses unknown library names, naming the field', () => {
    const e = policyError(() => SecurityManager.resolve({ libraries: { allow: ['strng'] } }))
    expect(e.field).toBe('libraries.allow[0]')
    expect(e.message).toContain("unknown library 'strng'")
    expect(policyError(() => SecurityManager.resolve({ libraries: { deny: ['x'] } })).field).toBe('libraries.deny[0]')
  })

  it('never allows host escapes', () => {
    for (const lib of FORBIDDEN_LIBRARIES) {
      const e = policyError(() => SecurityManager.resolve({ preset: 'minimal', libraries: { allow: ['string', lib] } }))
      expect(e.field).toBe('libraries.allow[1]')
      expect(e.message).toContain('can never be allowed')
    }
  })

  it.each(['eval', 'debug', 'string.dump', 'binaryChunks'])('refuses %s under strict, naming the field', (lib) => {
    const e = policyError(() => SecurityManager.resolve({ preset: 'strict', libraries: { allow: [lib] } }))
    expect(e.field).toBe('libraries.allow[0]')
    expect(e.message).toContain('strict')
  })

  it('refuses loosening strict globals or builtins', () => {
    expect(policyError(() => SecurityManager.resolve({ preset: 'strict', globals: { protect: false } })).field).toBe('globals.protect')
    expect(policyError(() => SecurityManager.resolve({ preset: 'strict', builtins: { readOnly: false } })).field).toBe('builtins.readOnly')
  })

  it('refuses a library that is both allowed and denied', () => {
    const e = policyError(() => SecurityManager.resolve({ libraries: { allow: ['utf8', 'debug'], deny: ['debug'] } }))
    expect(e.field).toBe('libraries.allow[1]')
  })

  it('sets the strict flags from the preset', () => {
    const strict = SecurityManager.resolve('strict').policy
    expect([strict.protectGlobals, strict.readOnlyBuiltins]).toEqual([true, true])
    const std = SecurityManager.resolve({ preset: 'standard', globals: { protect: true } }).policy
    expect([std.protectGlobals, std.readOnlyBuiltins]).toEqual([true, false])
  })
})

describe('limits', () => {
  it('host limits replace the preset profile, even loosening or removing a limit', () => {
    const sm = SecurityManager.resolve('strict', { timeoutMs: 60_000, instructions: false })
    expect(sm.policy.limits.timeoutMs).toBe(60_000)
    expect(sm.policy.limits.instructions).toBe(false)
    expect(sm.policy.limits.stackDepth).toBe(PRESETS.strict.limits.stackDepth)
  })

  it("a policy's limits tighten the profile and may not loosen it", () => {
    expect(SecurityManager.resolve({ preset: 'standard', limits: { timeoutMs: 1000 } }).policy.limits.timeoutMs).toBe(1000)
    const e = policyError(() => SecurityManager.resolve({ preset: 'strict', limits: { timeoutMs: 10_000 } }))
    expect(e.field).toBe('limits.timeoutMs')
    expect(e.message).toContain('a policy may only tighten limits')
    // ...but a policy may tighten what the host left unlimited
    const sm = SecurityManager.resolve({ limits: { memoryBytes: 1024 } }, { memoryBytes: false })
    expect(sm.policy.limits.memoryBytes).toBe(1024)
  })

  it('rejects malformed host limits naming the field', () => {
    expect(policyError(() => SecurityManager.resolve('standard', { timeoutMs: -1 })).field).toBe('limits.timeoutMs')
    expect(policyError(() => SecurityManager.resolve('standard', { timeoutMs: 'x' })).message).toContain('received "x"')
  })

  it('limitsFor tightens and refuses loosening', () => {
    const sm = SecurityManager.resolve('standard')
    expect(sm.limitsFor()).toBe(sm.policy.limits)
    expect(sm.limitsFor({ timeoutMs: 10 }).timeoutMs).toBe(10)
    expect(sm.policy.limits.timeoutMs).toBe(PRESETS.standard.limits.timeoutMs)
    expect(policyError(() => sm.limitsFor({ timeoutMs: 999_999 })).field).toBe('limits.timeoutMs')
    expect(policyError(() => sm.limitsFor({ outputBytes: false })).message).toContain('cannot remove')
    expect(policyError(() => sm.limitsFor({ bogus: 1 })).message).toContain("unknown limit 'bogus'")
  })
})

describe('isAllowed', () => {
  const std = SecurityManager.resolve('standard')

  it('decides a known dotted name by itself, not by its parent', () => {
    expect(std.isAllowed('string')).toBe(true)
    expect(std.isAllowed('string.dump')).toBe(false)
    expect(SecurityManager.resolve('minimal').isAllowed('string.dump')).toBe(true)
    expect(std.isAllowed('debug.traceback')).toBe(true)
    expect(std.isAllowed('debug')).toBe(false)
  })

  it('lets unknown members follow their nearest known parent', () => {
    expect(std.isAllowed('string.format')).toBe(true)
    expect(std.isAllowed('debug.getinfo')).toBe(false)
    expect(std.isAllowed('debug.traceback.x')).toBe(true)
    expect(std.isAllowed('nothing.at.all')).toBe(false)
  })

  it('never allows forbidden names or members of forbidden parents', () => {
    expect(std.isAllowed('io.write')).toBe(true)
    expect(std.isAllowed('io.open')).toBe(false)
    expect(std.isAllowed('io.anything')).toBe(false)
    expect(std.isAllowed('os.exit')).toBe(false)
    expect(std.isAllowed('os.time')).toBe(true)
    expect(std.isAllowed('os')).toBe(false)
  })

  it('answers the same when asked again, past the answers it keeps, and per policy', () => {
    const denying = SecurityManager.resolve({ preset: 'minimal', libraries: { deny: ['string'] } })
    for (let round = 0; round < 2; round++) {
      expect(std.isAllowed('string.format')).toBe(true)
      expect(denying.isAllowed('string.format')).toBe(false)
      expect(std.isAllowed('io.open')).toBe(false)
    }
    // more names than are kept: the later ones are decided each time, the same way
    const names = Array.from({ length: 1500 }, (_, i) => (i % 2 === 0 ? `string.m${i}` : `io.m${i}`))
    for (let round = 0; round < 2; round++) {
      expect(names.map((n) => std.isAllowed(n))).toEqual(names.map((n) => n.startsWith('string.')))
    }
  })

  it('a denied parent denies its members, even explicitly allowed ones', () => {
    const sm = SecurityManager.resolve({ preset: 'minimal', libraries: { deny: ['string', 'debug.traceback'] } })
    expect(sm.isAllowed('string.dump')).toBe(false)
    expect(sm.isAllowed('string.format')).toBe(false)
    expect(sm.isAllowed('debug.traceback')).toBe(false)
  })

  it('strict has no dynamic code', () => {
    const strict = SecurityManager.resolve('strict')
    for (const lib of ['eval', 'debug', 'string.dump', 'binaryChunks', 'Proxy']) expect(strict.isAllowed(lib)).toBe(false)
    expect(strict.isAllowed('math')).toBe(true)
  })
})

describe('bridges and modules', () => {
  it('without an allowlist every bridge method is visible', () => {
    expect(SecurityManager.resolve('standard').isBridgeAllowed('anything.at')).toBe(true)
  })

  it('matches exact paths and name.* prefixes only', () => {
    const sm = SecurityManager.resolve({ bridges: { allow: ['kv.*', 'http.get'] } })
    expect(sm.isBridgeAllowed('kv.get')).toBe(true)
    expect(sm.isBridgeAllowed('http.get')).toBe(true)
    expect(sm.isBridgeAllowed('http.post')).toBe(false)
    expect(sm.isBridgeAllowed('kvx.get')).toBe(false)
  })

  it('deny wins over allow', () => {
    const sm = SecurityManager.resolve({ bridges: { allow: ['*'], deny: ['kv.set'] } })
    expect(sm.isBridgeAllowed('kv.get')).toBe(true)
    expect(sm.isBridgeAllowed('kv.set')).toBe(false)
  })

  it('module allowlist', () => {
    expect(SecurityManager.resolve('standard').isModuleAllowed('util')).toBe(true)
    const sm = SecurityManager.resolve({ modules: { allow: ['util'] } })
    expect(sm.isModuleAllowed('util')).toBe(true)
    expect(sm.isModuleAllowed('other')).toBe(false)
  })

  it("module allowlist: '*' allows every module, other patterns are refused", () => {
    const all = SecurityManager.resolve({ modules: { allow: ['*'] } })
    expect(all.isModuleAllowed('util')).toBe(true)
    expect(all.isModuleAllowed('@scope/x')).toBe(true)
    expect(all.fingerprint).toBe(SecurityManager.resolve('standard').fingerprint)
    for (const p of ['util.*', 'u*', '', 'a b']) {
      const e = policyError(() => SecurityManager.resolve({ modules: { allow: ['util', p] } }))
      expect(e.field).toBe('modules.allow[1]')
      expect(e.message).toContain("expected '*' or a module name")
    }
  })
})

describe('determinism', () => {
  it('defaults to the real clock and random', () => {
    expect(SecurityManager.resolve('standard').policy.determinism).toEqual({ time: 'real', now: undefined, random: 'real', seed: 0 })
  })

  it('a seed or a frozen time asks for determinism without naming the mode', () => {
    const d = SecurityManager.resolve({ determinism: { seed: 42, now: 1000 } }).policy.determinism
    expect(d).toEqual({ time: 'frozen', now: 1000, random: 'seeded', seed: 42 })
  })

  it('refuses a seed with real random and a time with the real clock', () => {
    expect(policyError(() => SecurityManager.resolve({ determinism: { random: 'real', seed: 1 } })).field).toBe('determinism.seed')
    expect(policyError(() => SecurityManager.resolve({ determinism: { time: 'real', now: 1 } })).field).toBe('determinism.now')
  })

  it('refuses a frozen time no Date can hold', () => {
    for (const now of [1e20, 8.64e15 + 1, Number.POSITIVE_INFINITY, Number.NaN, -1]) {
      const e = policyError(() => SecurityManager.resolve({ determinism: { now } }))
      expect(e.field).toBe('determinism.now')
      expect(e.message).toContain('an integer from 0 to 8640000000000000')
    }
    expect(SecurityManager.resolve({ determinism: { now: 8.64e15 } }).policy.determinism.now).toBe(8.64e15)
  })
})

describe('fingerprint', () => {
  it('is equal for equal policies, whatever the order of their lists', () => {
    const a = SecurityManager.resolve({ libraries: { allow: ['debug', 'os.date'] }, bridges: { allow: ['a.*', 'b.*'] } })
    const b = SecurityManager.resolve({ libraries: { allow: ['os.date', 'debug'] }, bridges: { allow: ['b.*', 'a.*'] } })
    expect(a.fingerprint).toBe(b.fingerprint)
    expect(a.fingerprint).toMatch(/^[0-9a-f]{16}$/)
  })

  it('changes with anything that changes what scripts may do', () => {
    const fp = (p: Parameters<typeof SecurityManager.resolve>[0], l?: unknown) => SecurityManager.resolve(p, l).fingerprint
    const base = fp('standard')
    expect(fp('standard')).toBe(base)
    const others = [
      fp('strict'),
      fp({ libraries: { deny: ['coroutine'] } }),
      fp({ bridges: { allow: ['kv.*'] } }),
      fp({ bridges: { deny: ['kv.*'] } }),
      fp({ modules: { allow: [] } }),
      fp({ globals: { protect: true } }),
      fp({ determinism: { seed: 1 } }),
      fp('standard', { timeoutMs: 1 }),
    ]
    expect(new Set([base, ...others]).size).toBe(others.length + 1)
  })
})
