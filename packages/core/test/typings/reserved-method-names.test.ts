import { execFile, execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { promisify } from 'node:util'
import { SecurityManager } from '@polyhost/security'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { BridgeRegistry, defineBridge } from '../../src/bridges.js'
import { ModuleRegistry } from '../../src/modules.js'
import { buildTypingsModel, generateTypings } from '../../src/typings/index.js'

const run = promisify(execFile)
const tsc = createRequire(import.meta.url).resolve('typescript/bin/tsc')

/** Method names `defineBridge` takes that are reserved words in JS, keywords in Lua, or both. */
const NAMES = ['delete', 'end', 'function', 'class', 'in', 'nil', 'and', 'new', 'typeof', 'local', 'return', 'until', 'goto', 'not']

function source() {
  const bridges = new BridgeRegistry()
  const methods = Object.fromEntries(NAMES.map((n) => [n, { args: [z.string().meta({ title: 'key' })], handler: () => true }]))
  bridges.register(defineBridge({ name: 'kv', methods: { ...methods, get: { args: [z.string()], handler: () => 'v' } } }))
  bridges.register(defineBridge({ name: 'plain', methods: { get: { args: [z.string()], handler: () => 'v' } } }))
  return { bridges, modules: new ModuleRegistry(), security: SecurityManager.resolve('standard') }
}

const dir = mkdtempSync(join(tmpdir(), 'polyhost-reserved-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('typings of bridge methods named with reserved words', () => {
  it('are a .d.ts tsc accepts, under which scripts call every such method', async () => {
    writeFileSync(join(dir, 'polyhost.d.ts'), generateTypings(source(), 'js'))
    const calls = NAMES.map((n) => `kv.${n}('a')`).join('\n')
    writeFileSync(join(dir, 'use.js'), `${calls}\nkv.get('a').toUpperCase()\nplain.get('a')\nkv.delete(1)\n`)
    const config = {
      compilerOptions: { allowJs: true, checkJs: true, noEmit: true, strict: true, target: 'es2022', lib: ['es2023'], types: [] },
      files: ['polyhost.d.ts', 'use.js'],
    }
    writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify(config))
    const out = await run(process.execPath, [tsc, '-p', join(dir, 'tsconfig.json')], { cwd: dir }).then(
      () => '',
      (e) => String((e as { stdout?: string }).stdout ?? e),
    )
    // the only diagnostic is the deliberate misuse on the last line: the declarations hold
    expect(out.trim().split('\n')).toEqual([
      expect.stringMatching(/^use\.js\(17,11\): error TS2345: Argument of type 'number' is not assignable to parameter of type 'string'/),
    ])
  }, 60_000)

  for (const luac of ['/usr/bin/luac5.3', '/usr/bin/luac5.1']) {
    it(`are Lua annotations ${luac.slice(9)} -p accepts, keywords declared as string keys`, () => {
      const text = generateTypings(source(), 'lua')
      writeFileSync(join(dir, 'polyhost.lua'), text)
      expect(execFileSync(luac, ['-p', join(dir, 'polyhost.lua')], { encoding: 'utf8' })).toBe('')
      expect(text).toContain('---@return any\nkv["end"] = function(key) end\n')
      expect(text).toContain('---@return any\nfunction kv.delete(key) end\n')
      expect(text).toContain('---@return any\nfunction kv.get(arg1) end\n')
    })
  }

  it('keep the namespace form for a bridge whose names are all plain', () => {
    expect(generateTypings(source(), 'js')).toContain('declare namespace plain {\n  function get(arg1: string): any\n}\n')
  })

  it('tell which methods Lua scripts must index, and none in JS', () => {
    const dotted = (lang: string) =>
      Object.fromEntries(buildTypingsModel(source(), lang).bridges[0]?.methods.map((m) => [m.name, m.dotted]) ?? [])
    const lua = dotted('lua')
    expect(Object.keys(lua).filter((n) => !lua[n])).toEqual([
      'and',
      'end',
      'function',
      'goto',
      'in',
      'local',
      'nil',
      'not',
      'return',
      'until',
    ])
    expect(Object.values(dotted('js')).every(Boolean)).toBe(true)
  })
})
