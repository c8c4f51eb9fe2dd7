import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { MESSAGE_TEXT } from '@polyhost/core/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// An error's text is the script's to write, up to its memory limit (64 MiB under standard). The
// host masks host paths in it after the script has ended, outside the script's limits (~0.3 µs
// a character for path-like text): 4 MB of `C:\` came back whole after ~1.5–2.5 s, 8 MB after
// ~5 s. The engine now keeps MESSAGE_TEXT characters of the message, as engine-js keeps a
// thrown message, and says how many it left out; what the script threw is not cut.

const MODES = ['inline', 'worker'] as const
const TIMEOUT = 3000
const hosts = new Map<string, Host>()

beforeAll(async () => {
  for (const isolation of MODES) hosts.set(isolation, await createHost({ engines: [luaEngine()], isolation, pool: { min: 1, max: 1 } }))
})
afterAll(async () => {
  for (const h of hosts.values()) await h.close()
})

/** 8 MB of path-like text, as a Lua expression. */
const PATHS = `string.rep("C:\\\\x ", 8 * 1048576 // 5)`

/** The error `source` ends with, and how long the host took to report it. */
async function fail(isolation: string, source: string): Promise<{ e: ScriptRuntimeError; ms: number }> {
  const started = performance.now()
  const e = await (hosts.get(isolation) as Host).execute({ language: 'lua', source, name: 'big.lua', limits: { timeoutMs: TIMEOUT } }).then(
    () => expect.unreachable('the script raises an error'),
    (err: unknown) => err,
  )
  expect(e).toBeInstanceOf(ScriptRuntimeError)
  return { e: e as ScriptRuntimeError, ms: performance.now() - started }
}

/** A message cut to MESSAGE_TEXT (each 5-character `C:\x ` masked to a 7-character `<host> `) with the count left out. */
function expectBounded(message: string, prefix: string) {
  expect(message.startsWith(`${prefix}<host> <host> `)).toBe(true)
  expect(message.length).toBeLessThanOrEqual((MESSAGE_TEXT * 7) / 5 + 100)
  expect(message).toMatch(/ … \(\d+ more characters left out\)$/)
}

describe.each(MODES)("a script's huge error text is read to a bound (%s)", (isolation) => {
  it('error(8 MB string): a bounded message with its position, the thrown string whole, within the limit + 2 s', async () => {
    const { e, ms } = await fail(isolation, `local s = ${PATHS}\nerror(s)`)
    expectBounded(e.message, 'big.lua:2: ')
    expect(e.line).toBe(2)
    expect(typeof e.thrown === 'string' && e.thrown.length).toBe(11 + 5 * Math.floor((8 * 1048576) / 5))
    expect(ms).toBeLessThan(TIMEOUT + 2000)
  }, 120_000)

  it('error(8 MB string, 0): the count left out is exact', async () => {
    const { e, ms } = await fail(isolation, `error(${PATHS}, 0)`)
    expectBounded(e.message, '')
    const total = 5 * Math.floor((8 * 1048576) / 5)
    expect(e.message.endsWith(` … (${total - MESSAGE_TEXT} more characters left out)`)).toBe(true)
    expect(ms).toBeLessThan(TIMEOUT + 2000)
  }, 120_000)

  it("a table's __tostring or message field of 8 MB: a bounded message, the table's field whole", async () => {
    const meta = await fail(isolation, `local s = ${PATHS}\nerror(setmetatable({}, {__tostring = function() return s end}))`)
    expectBounded(meta.e.message, '')
    expect(meta.ms).toBeLessThan(TIMEOUT + 2000)
    const field = await fail(isolation, `error({message = ${PATHS}})`)
    expectBounded(field.e.message, '')
    expect((field.e.thrown as { message: string }).message.length).toBe(5 * Math.floor((8 * 1048576) / 5))
    expect(field.ms).toBeLessThan(TIMEOUT + 2000)
  }, 120_000)

  it('an ordinary message and a traceback of many frames stay as they were', async () => {
    const { e } = await fail(isolation, 'local function f(n) if n == 0 then error("deep") end f(n - 1) end\nf(500)')
    expect(e.message).toBe('big.lua:1: deep')
    // Lua's traceback keeps the first 10 and last 11 levels
    expect((e.scriptStack ?? '').length).toBeLessThan(2000)
  }, 120_000)
})
