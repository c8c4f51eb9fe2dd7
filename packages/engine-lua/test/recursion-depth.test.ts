import { spawnSync } from 'node:child_process'
import { createHost, type Host, LimitExceededError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative } from './native-lua.js'

// Recursion depth: the `standard` preset allows 1,000 nested Lua calls; deeper recursion is
// a LimitExceededError stating the limit. Nested host calls (pcall, metamethods, gsub
// callbacks, sort comparators, __tostring) stop at Lua 5.3's own 200-level C-call limit with
// its catchable "C stack overflow" error, judged against native lua5.3 in the same run.
// Worker-mode tests load dist/: run `pnpm run build` first.

const NATIVE = hasNative('lua5.3')
const nested = (depth: number) => `local function r(n) if n <= 1 then return 1 end return 1 + r(n - 1) end\nreturn r(${depth})`

/** Programs that nest host calls without bound; each prints what its outermost pcall caught. */
const HOST_NESTING: Record<string, string> = {
  pcall: 'local function r(n) local ok, e = pcall(r, n + 1) if not ok then error(e, 0) end end',
  metamethod: 'local t = setmetatable({}, { __index = function(t, k) return t[k + 1] end })\nlocal function r() return t[1] end',
  gsub: "local function r() return (string.gsub('x', 'x', function() return r() end)) end",
  sort: 'local function r() table.sort({ 2, 1 }, function(a, b) r() return a < b end) end',
  tostring:
    'local mt = {}\nmt.__tostring = function() return tostring(setmetatable({}, mt)) end\nlocal function r() return tostring(setmetatable({}, mt)) end',
  coroutine: 'local function r() local ok, e = coroutine.resume(coroutine.create(r)) if not ok then error(e, 0) end end',
}
const report = (body: string) => `${body}\nlocal ok, e = pcall(r, 1)\nprint(ok, (tostring(e):gsub('^[^:]*:%d+: ', '')))`

describe('recursion depth', () => {
  let standard: Host
  let minimal: Host
  let worker: Host
  beforeAll(async () => {
    standard = await createHost({ engines: [luaEngine()], policy: 'standard' })
    minimal = await createHost({ engines: [luaEngine()], policy: 'minimal', limits: { timeoutMs: 30_000 } })
    worker = await createHost({ engines: [luaEngine()], policy: 'minimal', isolation: 'worker', workers: 1 })
  })
  afterAll(async () => {
    await Promise.all([standard.close(), minimal.close(), worker.close()])
  })

  it('standard: 1,000 nested calls run; the 1,001st is a stack trip stating the limit', async () => {
    expect((await standard.execute({ language: 'lua', source: nested(1000) })).value).toBe(1000)
    const e = await standard.execute({ language: 'lua', source: nested(1001) }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'stack', used: 1001, max: 1000, message: 'stack limit exceeded (1001 > 1000)' })
  })

  it('100,000 nested calls run inline and in a worker; beyond the limit they trip, never crash the host', async () => {
    for (const host of [minimal, worker]) {
      expect((await host.execute({ language: 'lua', source: nested(100_000) })).value).toBe(100_000)
      const e = await host.execute({ language: 'lua', source: nested(100_000), limits: { stackDepth: 50_000 } }).catch((x: unknown) => x)
      expect(e).toMatchObject({ limit: 'stack', used: 50_001, max: 50_000 })
      expect((await host.execute({ language: 'lua', source: nested(10) })).value, 'the host still works').toBe(10)
    }
  }, 120_000)

  for (const [name, body] of Object.entries(HOST_NESTING)) {
    it.skipIf(!NATIVE)(
      `unbounded nesting through ${name} ends as native lua5.3 ends it (catchable)`,
      async () => {
        const source = report(body)
        const native = spawnSync('lua5.3', ['-e', source], { encoding: 'utf8' })
        expect(native.status, native.stderr).toBe(0)
        for (const host of [standard, worker]) {
          const r = await host.execute({ language: 'lua', source })
          expect(r.logs.map((l) => l.message).join('\n'), name).toBe(native.stdout.trimEnd())
        }
      },
      60_000,
    )
  }
})
