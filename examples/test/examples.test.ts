import { execFile } from 'node:child_process'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import { promisify } from 'node:util'
import { describe, expect, it } from 'vitest'

// Examples run as a user runs them: `node examples/<name>.mjs` against the built packages.
const dir = join(dirname(fileURLToPath(import.meta.url)), '..')
const run = async (name: string) => {
  const { stdout } = await promisify(execFile)(process.execPath, [join(dir, name)], { cwd: dir, timeout: 60_000 })
  return stdout
}

describe('examples', () => {
  it('quickstart: Lua and JS call a bridge with globals', async () => {
    const out = await run('quickstart.mjs')
    expect(out).toContain('lua  -> hello lua!')
    expect(out).toContain('lua sees 2 names')
    expect(out).toContain('js   -> hello lua!')
    expect(out).toContain('js sees 2 names')
  })

  it('async-bridge: Lua looks synchronous, JS awaits', async () => {
    const out = await run('async-bridge.mjs')
    expect(out).toContain('lua -> Ada & Grace (2 bridge calls)')
    expect(out).toContain('js  -> Ada & Grace (2 bridge calls)')
  })

  it('multi-tenant: tenants see their own data and no leaked globals', async () => {
    const out = await run('multi-tenant.mjs')
    expect(out).toContain('acme: acme on gold')
    expect(out).toContain('globex: globex on free')
    expect(out).toContain('globals isolated between executions: true')
    expect(out).toContain('"acme:plan":"gold"')
    expect(out).toContain('"globex:plan":"free"')
  })

  it('untrusted: strict stops a runaway loop and a memory bomb in both languages', async () => {
    const out = await run('untrusted.mjs')
    expect(out).toMatch(/lua runaway loop: LimitExceededError \((timeout|instructions)\)/)
    expect(out).toMatch(/lua memory bomb: LimitExceededError \(memory\)/)
    expect(out).toMatch(/js runaway loop: LimitExceededError \((timeout|instructions)\)/)
    expect(out).toMatch(/js memory bomb: LimitExceededError \(memory\)/)
    expect(out).toContain('host still healthy: 42')
    expect(out).not.toContain('finished?!')
  })

  it('rules: compiled once, evaluated from the cache', async () => {
    const out = await run('rules.mjs')
    expect(out).toContain('flagged 32 of 50 orders')
    expect(out).toContain('100 runs, 100 without re-parsing; compile cache: 2 compiles, 2 entries')
  })

  it('redis-scripts: EVALSHA runs whole under concurrency, Lua 5.1 numbers, a runaway is stopped', async () => {
    const out = await run('redis-scripts.mjs')
    expect(out).toContain('GET -> 3')
    expect(out).toContain('alan: ok, 0 left')
    expect(out).toContain('edsger: SOLDOUT only 0 left')
    expect(out).toContain('orders -> ["ada","grace","alan"]')
    expect(out).toMatch(/cjson -> \{.*"n":2\.5/)
    expect(out).toContain('"list":[1,2,3]')
    expect(out).toContain('tostring(3 / 1) -> 3')
    expect(out).toContain("RESP3 -> [ 'red', '0.5' ]")
    expect(out).toContain('EXEC -> [ 1, 11 ]')
    expect(out).toMatch(/runaway: LimitExceededError \((timeout|instructions)\)/)
    expect(out).toContain('after runaway -> 0')
  })
})
