import { execFileSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { SecurityManager } from '@polyhost/security'
import type * as TS from 'typescript'
import { afterAll, describe, expect, it } from 'vitest'
import { z } from 'zod'
import { JS_RESERVED, LUA_KEYWORDS } from '../../src/bridge-names.js'
import { BridgeRegistry, defineBridge } from '../../src/bridges.js'
import { ModuleRegistry } from '../../src/modules.js'
import { generateTypings } from '../../src/typings/index.js'

const ts = createRequire(import.meta.url)('typescript') as typeof TS

/** Every reserved word of both languages, each the title of a parameter. */
const WORDS = [...new Set([...LUA_KEYWORDS, ...JS_RESERVED, 'eval'])].sort()

/** `m_<word>(<word>: string)` for each word, in a plain bridge and in one whose method names force the interface form. */
function source(extra: Record<string, z.ZodType[]> = {}) {
  const methods: Record<string, { args: z.ZodType[]; handler: () => boolean }> = {}
  for (const w of WORDS) methods[`m_${w}`] = { args: [z.string().meta({ title: w })], handler: () => true }
  for (const [name, args] of Object.entries(extra)) methods[name] = { args, handler: () => true }
  const bridges = new BridgeRegistry()
  bridges.register(defineBridge({ name: 'kv', methods }))
  bridges.register(defineBridge({ name: 'odd', methods: { ...methods, delete: { args: [], handler: () => true } } }))
  return { bridges, modules: new ModuleRegistry(), security: SecurityManager.resolve('standard') }
}

/** Syntactic and semantic diagnostics of a .d.ts under `strict`, and each signature's parameter names. */
function checkDts(text: string) {
  const file = join(dir, 'polyhost.d.ts')
  writeFileSync(file, text)
  const options = { strict: true, noEmit: true, types: [], target: ts.ScriptTarget.ES2022, lib: ['lib.es2023.d.ts'] }
  const program = ts.createProgram([file], options)
  const sf = program.getSourceFile(file) as TS.SourceFile
  const diagnostics = [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)].map((d) =>
    ts.flattenDiagnosticMessageText(d.messageText, '\n'),
  )
  const signatures: Record<string, string[]> = {}
  const visit = (node: TS.Node): void => {
    if ((ts.isFunctionDeclaration(node) || ts.isMethodSignature(node)) && node.name) {
      const owner = ts.isMethodSignature(node) ? 'odd' : 'kv'
      signatures[`${owner}.${node.name.getText(sf)}`] = node.parameters.map((p) => p.name.getText(sf))
    }
    ts.forEachChild(node, visit)
  }
  visit(sf)
  return { diagnostics, signatures }
}

const dir = mkdtempSync(join(tmpdir(), 'polyhost-params-'))
afterAll(() => rmSync(dir, { recursive: true, force: true }))

describe('typings of parameters titled with reserved words', () => {
  it('are a .d.ts the TypeScript compiler reads without a diagnostic, no parameter named by a reserved word', () => {
    const { diagnostics, signatures } = checkDts(generateTypings(source(), 'js'))
    expect(diagnostics).toEqual([])
    for (const owner of ['kv', 'odd']) {
      for (const w of WORDS) {
        const params = signatures[`${owner}.m_${w}`]
        // one parameter each: a `this` parameter would declare the call's receiver, not an argument
        expect(params, `${owner}.m_${w}`).toHaveLength(1)
        expect(JS_RESERVED.has(params?.[0] as string) || params?.[0] === 'eval', `${owner}.m_${w}(${params})`).toBe(false)
      }
    }
    expect(signatures['kv.m_end']).toEqual(['end'])
  })

  it('are Lua annotations whose parameter names are no Lua keyword, and luac accepts', () => {
    const text = generateTypings(source(), 'lua')
    for (const w of WORDS) {
      const m = text.match(new RegExp(`\\nfunction kv\\.m_${w}\\((\\w+)\\) end\\n`))
      expect(m, w).not.toBeNull()
      expect(LUA_KEYWORDS.has(m?.[1] as string), `kv.m_${w}(${m?.[1]})`).toBe(false)
      expect(text).toContain(`---@param ${m?.[1]} string\n---@return any\nfunction kv.m_${w}(`)
    }
    expect(text).toContain('function kv.m_class(class) end')
    writeFileSync(join(dir, 'polyhost.lua'), text)
    expect(execFileSync('/usr/bin/luac5.3', ['-p', join(dir, 'polyhost.lua')], { encoding: 'utf8' })).toBe('')
  })

  it('never repeat a name within one signature', () => {
    const key = () => z.string().meta({ title: 'key' })
    const extra = {
      twice: [key(), key()],
      taken: [z.string().meta({ title: 'arg2' }), z.string()],
      both: [z.string(), z.string().meta({ title: 'arg1' })],
    }
    const { diagnostics, signatures } = checkDts(generateTypings(source(extra), 'js'))
    expect(diagnostics).toEqual([])
    for (const m of Object.keys(extra)) expect(new Set(signatures[`kv.${m}`]).size, m).toBe(2)
    const lua = generateTypings(source(extra), 'lua')
    for (const m of Object.keys(extra)) {
      const names = lua.match(new RegExp(`\\nfunction kv\\.${m}\\((\\w+), (\\w+)\\) end\\n`))
      expect(names?.[1], m).not.toBe(names?.[2])
    }
  })
})
