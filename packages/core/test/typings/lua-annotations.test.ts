import { execFileSync } from 'node:child_process'
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SecurityManager } from '@polyhost/security'
import { describe, expect, it } from 'vitest'
import type { z } from 'zod'
import { BridgeRegistry } from '../../src/bridges.js'
import { ModuleRegistry } from '../../src/modules.js'
import { generateTypings } from '../../src/typings/index.js'
import { FIXTURE_BRIDGES, FIXTURE_CONTEXT, FIXTURE_GLOBALS, FIXTURE_POLICY } from './fixture.js'

function annotations(): string {
  const bridges = new BridgeRegistry()
  for (const b of FIXTURE_BRIDGES) bridges.register(b)
  const modules = new ModuleRegistry()
  modules.register({ name: 'util', language: 'lua', source: 'return {}' })
  modules.register({ name: 'jsonly', language: 'js', source: 'export default 1' })
  const security = SecurityManager.resolve(FIXTURE_POLICY)
  return generateTypings({ bridges, modules, security, globals: FIXTURE_GLOBALS, context: FIXTURE_CONTEXT }, 'lua')
}

/** The annotation block (`---@param`/`---@return` lines) right above `function bridge.method(...) end`. */
function block(text: string, path: string): { params: string[]; returns: string[]; signature: string } | undefined {
  const lines = text.split('\n')
  const at = lines.findIndex((l) => l.startsWith(`function ${path}(`))
  if (at < 0) return undefined
  const above: string[] = []
  for (let i = at - 1; i >= 0 && lines[i]?.startsWith('---'); i--) above.unshift(lines[i] as string)
  return {
    params: above.filter((l) => l.startsWith('---@param ')).map((l) => l.slice(10)),
    returns: above.filter((l) => l.startsWith('---@return ')).map((l) => l.slice(11)),
    signature: lines[at] as string,
  }
}

/** What a top-level zod schema must read as in LuaLS, decided from the schema itself. */
function expectedLuaHead(schema: z.ZodType): RegExp {
  const def = (schema as unknown as { _zod: { def: { type: string; checks?: unknown[]; innerType?: z.ZodType } } })._zod.def
  switch (def.type) {
    case 'string':
      return /^string$/
    case 'number':
      return (def.checks?.length ?? 0) > 0 ? /^integer$/ : /^number$/
    case 'boolean':
      return /^boolean$/
    case 'enum':
      return /^"[^"]+"(\|"[^"]+")+$/
    case 'array':
      return /\[\]$/
    case 'tuple':
      return /^\{ \[1\]: /
    case 'object':
      return /^\{ .*: .* \}$/
    case 'union':
      return /\|/
    case 'nullable':
      return /\|nil$/
    case 'optional':
      return expectedLuaHead(def.innerType as z.ZodType)
    default:
      return /^any$/
  }
}

describe('Lua language-server annotations', () => {
  const text = annotations()

  it('declare every visible method with one ---@param per argument and its ---@return, checked against the schemas', () => {
    let methods = 0
    for (const bridge of FIXTURE_BRIDGES.filter((b) => b.name !== 'admin')) {
      expect(text).toContain(`---@class polyhost.bridge.${bridge.name}\n${bridge.name} = {}`)
      for (const [name, m] of Object.entries(bridge.methods)) {
        const b = block(text, `${bridge.name}.${name}`)
        expect(b, `${bridge.name}.${name} is declared`).toBeDefined()
        if (!b) continue
        expect(b.params).toHaveLength(m.args.length)
        const names: string[] = []
        m.args.forEach((schema, i) => {
          const line = b.params[i] as string
          const pname = line.slice(0, line.indexOf(' '))
          let ptype = line.slice(pname.length + 1)
          const desc = schema.description
          if (desc) {
            expect(ptype.endsWith(` ${desc}`), `${bridge.name}.${name} param ${i + 1} described`).toBe(true)
            ptype = ptype.slice(0, -desc.length - 1)
          }
          const optional = schema.safeParse(undefined).success
          expect(pname.endsWith('?'), `${bridge.name}.${name} param ${i + 1} optional`).toBe(optional)
          names.push(pname.replace(/\?$/, ''))
          const title = (schema.meta() as { title?: string } | undefined)?.title
          if (title) expect(pname.replace(/\?$/, '')).toBe(title)
          expect(ptype, `${bridge.name}.${name} param ${i + 1}`).toMatch(expectedLuaHead(schema))
        })
        expect(b.signature).toBe(`function ${bridge.name}.${name}(${names.join(', ')}) end`)
        expect(b.returns).toHaveLength(1)
        expect(b.returns[0]).toMatch(m.returns ? expectedLuaHead(m.returns) : /^any$/)
        if (m.description) expect(text).toContain(`---${m.description}\n`)
        methods++
      }
    }
    expect(methods).toBe(5)
  })

  it('leave out what the policy hides and modules of other languages', () => {
    expect(text).not.toMatch(/admin/)
    expect(text).not.toMatch(/jsonly/)
    expect(text).toContain('---@param name "util"\n---@return any\nfunction require(name) end')
  })

  it('declare globals and context as classes with a field per property', () => {
    expect(text).toContain('---@class polyhost.global.order\n---@field id string\n---@field items ({ sku: string, qty: integer })[]\n')
    expect(text).toContain('---@type polyhost.global.order\norder = nil')
    expect(text).toContain('---@type number\nthreshold = nil')
    expect(text).toContain('---@class polyhost.Context\n---@field tenant string\n---@field user? string\n')
  })

  it('are a Lua file native luac accepts', () => {
    if (!existsSync('/usr/bin/luac5.3')) return expect.fail('luac5.3 is missing (.ci/run installs lua5.3)')
    const dir = mkdtempSync(join(tmpdir(), 'polyhost-lua-'))
    try {
      writeFileSync(join(dir, 'polyhost.lua'), text)
      expect(execFileSync('/usr/bin/luac5.3', ['-p', join(dir, 'polyhost.lua')], { encoding: 'utf8' })).toBe('')
    } finally {
      rmSync(dir, { recursive: true, force: true })
    }
  })

  it('match the snapshot', async () => {
    await expect(text).toMatchFileSnapshot('./__snapshots__/fixture.lua')
  })
})
