import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { describe, expect, it } from 'vitest'
import { EXIT, playgroundCommand } from '../src/index.js'
import { cliIn } from './run-cli.js'

const dir = mkdtempSync(join(tmpdir(), 'polyhost-types-'))
const fixture = new URL('./fixtures/host.config.mjs', import.meta.url).pathname
writeFileSync(join(dir, 'host.config.mjs'), `export { default } from ${JSON.stringify(fixture)}\n`)

const cli = cliIn(dir)

describe('polyhost types', () => {
  it('prints the .d.ts and the Lua annotations of a config, escaped for the terminal', async () => {
    const js = await cli(['types', '--lang', 'js', '--config', 'host.config.mjs'])
    expect(js.code).toBe(EXIT.ok)
    expect(js.stdout).toContain('declare namespace kv {\n  function get(key: string): string | null')
    expect(js.stdout).toContain('declare const order: { id: string }')
    expect(js.stdout).toContain('Store\\x1b[2J')
    expect(js.stdout).not.toContain('\x1b')
    const lua = await cli(['types', '--lang', 'lua', '--config', 'host.config.mjs'])
    expect(lua.stdout).toContain('function kv.get(key) end')
    expect(lua.stdout).toContain('---@param name "util"')
  })

  it('refuses an --out it cannot write with exit 2 (usage), not 1 (a script error)', async () => {
    for (const [out, why] of [
      ['/nonexistent/dir/x.d.ts', 'its directory does not exist'],
      ['.', 'EISDIR'],
    ]) {
      const r = await cli(['types', '--lang', 'js', '--out', out as string])
      expect(r.code).toBe(EXIT.usage)
      expect(r.stderr).toBe(`UsageError: types: cannot write --out ${out}: ${why}\n`)
    }
  })

  it('writes a file with --out, and refuses a bad language or config with exit 2', async () => {
    const r = await cli(['types', '--lang', 'lua', '--config', 'host.config.mjs', '--out', 'polyhost.lua'])
    expect(r.code).toBe(EXIT.ok)
    expect(readFileSync(join(dir, 'polyhost.lua'), 'utf8')).toMatch(/^---@meta polyhost\n/)
    expect(await cli(['types', '--lang', 'cobol'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/--lang must be one of lua, js, javascript, got 'cobol'/),
    })
    expect(await cli(['types', '--lang', 'js', '--config', 'missing.mjs'])).toMatchObject({
      code: EXIT.usage,
      stderr: expect.stringMatching(/cannot load missing\.mjs/),
    })
    const bare = await cli(['types', '--lang', 'js'])
    expect(bare.stdout).toContain('declare const context: Readonly<Record<string, unknown>>')
  })

  it('reads the example config of the repository', async () => {
    const config = new URL('../../../examples/host.config.mjs', import.meta.url).pathname
    const lua = await cli(['types', '--lang', 'lua', '--config', config])
    expect(lua.code).toBe(EXIT.ok)
    expect(lua.stdout).toContain(
      '---Unit price of a product, or nil when unknown\n---@param sku string product code\n---@return number|nil\nfunction catalog.price(sku) end',
    )
    expect(lua.stdout).toContain('---@field items ({ sku: string, qty: integer })[]')
    expect(lua.stdout).toContain('---@param name "money"')
  })
})

describe('polyhost playground', () => {
  it('serves the API on 127.0.0.1 from a config until stopped', async () => {
    let stop!: () => void
    const stopped = new Promise<void>((r) => (stop = r))
    let stderr = ''
    const io = { stdout: () => {}, stderr: (t: string) => void (stderr += t), readStdin: async () => new Uint8Array(), cwd: dir }
    const done = playgroundCommand(['--port', '0', '--config', 'host.config.mjs'], io, stopped)
    await expect.poll(() => stderr, { timeout: 20_000 }).toMatch(/playground on http:\/\/127\.0\.0\.1:\d+/)
    const url = /(http:\/\/\S+)/.exec(stderr)?.[1] as string
    const res = await fetch(`${url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        language: 'lua',
        source: 'return kv.get("a") == nil and order.id',
        globals: { order: { id: 'o9' } },
        policy: 'strict',
      }),
    })
    expect(await res.json()).toMatchObject({ ok: true, value: 'o9' })
    // a failed run answers the lines it printed first: the command's hosts capture them
    const failed = await fetch(`${url}/api/execute`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ language: 'js', source: 'console.log("before"); null.x', globals: { order: { id: 'o9' } } }),
    })
    expect(await failed.json()).toMatchObject({ ok: false, error: { name: 'ScriptRuntimeError' }, logs: [{ message: 'before' }] })
    stop()
    expect(await done).toBe(EXIT.ok)
  }, 60_000)
})
