import { ScriptSyntaxError } from '@polyhost/core'
import { afterAll, describe, expect, it } from 'vitest'
import { Compiler } from './compiler.js'
import { WasmLoader } from './wasm.js'

const compiler = new Compiler(new WasmLoader(), () => 5_000)
afterAll(() => compiler.close())
const src = (source: string, name = 's.js') => ({ language: 'js', name, source, hash: 'h' })

describe('Compiler', () => {
  it('decides the kind of a script', async () => {
    expect((await compiler.compile(src('1 + 1'))).kind).toBe('classic')
    expect((await compiler.compile(src('await 1'))).kind).toBe('async')
    expect((await compiler.compile(src('export default 1'))).kind).toBe('module')
    expect((await compiler.compile(src('1', 'x.mjs'))).kind).toBe('module')
    expect((await compiler.compile(src('import u from "util"\nexport default u'))).kind).toBe('module')
  })

  it('keeps positions: hashbang lines stay, prologues share the first line', async () => {
    const c = await compiler.compile(src('#!/usr/bin/env qjs\n1'))
    expect(c.body.split('\n')).toHaveLength(2)
    expect(c.lineOffset).toBe(0)
    expect(c.body.indexOf('//#!')).toBe(c.columnOffset)
  })

  it('reports syntax errors with line and column', async () => {
    const e = await compiler.compile(src('let a = 1\nlet b = )', 'bad.js')).catch((x) => x)
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect([e.scriptName, e.line]).toEqual(['bad.js', 2])
    expect(e.column).toBeGreaterThan(0)
  })

  it('marks single-expression classic scripts for a compiled function', async () => {
    const expression = async (source: string) => (await compiler.compile(src(source))).expression !== undefined
    for (const s of ['a + b', 'a + b;', ' /* c */ x.y(1)\n', '(() => 1)()', 'a ? b : c // done', 'String.raw`t`', '[1, 2]', '({ a: 1 })']) {
      expect(await expression(s), s).toBe(true)
    }
    // statements, and what reads differently as an expression (a block, a declaration)
    for (const s of ['a; b', 'const x = 1\nx', '{}', '{ a: 1 }', 'function f() {}', 'class A {}', 'async function f() {}', '', '// only']) {
      expect(await expression(s), s).toBe(false)
    }
    expect((await compiler.compile(src('await 1'))).expression).toBeUndefined()
  })
})
