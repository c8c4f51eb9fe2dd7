import { describe, expect, it } from 'vitest'
import { positionIn, runtimeError, scriptStack, syntaxError } from './script-errors.js'

describe('scriptStack', () => {
  it('names eval frames after the script and removes the prologue line', () => {
    const s = scriptStack('    at f (<input>:3:9)\n    at <eval> (<input>:5:1)\n    at eval (native)\n', { name: 'a.js', lineOffset: 1 })
    expect(s).toBe('    at f (a.js:2:9)\n    at <eval> (a.js:4:1)')
  })

  it('drops engine frames, per-execution module suffixes and host paths', () => {
    const s = scriptStack('    at log (<setup>:10:2)\n    at g (util#12:1:5)\n    at h (/srv/app/x.js:1:1)', {
      name: 'm.mjs',
      lineOffset: 0,
    })
    expect(s).toBe('    at g (util:1:5)')
  })

  it('keeps the position when the host names the script by an absolute path', () => {
    const r = runtimeError(
      { error: true, name: 'Error', message: 'boom', stack: '    at <eval> (<input>:4:2)' },
      { name: '/srv/rules/a.js', lineOffset: 1 },
    )
    expect([r.line, r.column]).toEqual([3, 2])
    // the script's own name stays in what the error shows, as for every engine (other host paths are masked)
    expect(r.scriptStack).toBe('    at <eval> (/srv/rules/a.js:3:2)')
  })

  it('finds the first position in the script', () => {
    expect(positionIn('    at g (util:1:5)\n    at <eval> (a.js:7:3)', 'a.js')).toEqual({ line: 7, column: 3 })
    expect(positionIn('', 'a.js')).toEqual({})
  })
})

describe('errors', () => {
  it('builds runtime and syntax errors with name, line and column', () => {
    const r = runtimeError(
      { error: true, name: 'TypeError', message: 'x', stack: '    at <eval> (<input>:4:2)' },
      { name: 'a.js', lineOffset: 1 },
    )
    expect([r.message, r.scriptName, r.line, r.column]).toEqual(['TypeError: x', 'a.js', 3, 2])
    const t = runtimeError({ error: false, message: '42' }, { name: 'a.js', lineOffset: 1 }, 42)
    expect([t.message, t.thrown]).toEqual(['uncaught 42', 42])
    const s = syntaxError(
      { error: true, name: 'SyntaxError', message: "expecting ';'", stack: '    at b.js:2:7' },
      { name: 'b.js', lineOffset: 0 },
    )
    expect([s.message, s.line, s.column]).toEqual(["SyntaxError: expecting ';'", 2, 7])
  })
})
