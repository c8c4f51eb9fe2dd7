import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { watchEventLoop } from '@polyhost/core/testing'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { parseFrame } from '../src/script-errors.js'
import { calleeAt } from '../src/source-positions.js'
import { jsEngine } from '../src/index.js'

// After a script fails, the host reads its error's stack (the script's to write) and, for
// `not a function`, the failing line of its source. Both reads run on the host thread,
// after the script and outside its limits: they must be linear in the text. The shapes
// below made the earlier patterns backtrack quadratically (9–20 s of a blocked event loop).

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [jsEngine()], limits: { timeoutMs: 1000 } })
})
afterAll(() => host.close())

/** Runs a failing script inline and reports the error and the longest event-loop stall. */
const failWatched = (source: string) => watchEventLoop(host.execute({ language: 'js', source }))

describe('error texts a script controls are read in linear time', () => {
  it('a stack line that never ends in :line:col', async () => {
    const source = `const e = new Error('boom'); e.stack = '    at ' + 'a (:1:'.repeat(150000) + 'z'; throw e`
    const { error, stallMs } = await failWatched(source)
    expect(error).toBeInstanceOf(ScriptRuntimeError)
    expect((error as Error).message).toBe('Error: boom')
    // the quadratic read took minutes at this size; the script itself is within its 1 s limit
    expect(stallMs).toBeLessThan(5000)
  }, 60_000)

  it('a spaced member chain before a failed call', async () => {
    const chain = Array(30000).fill('q').join(' . ')
    const { error, stallMs } = await failWatched(`const q = {}; q.q = q;\n(${chain})()`)
    expect(error).toBeInstanceOf(ScriptRuntimeError)
    expect((error as Error).message).toBe('TypeError: not a function')
    expect(stallMs).toBeLessThan(5000)
  }, 60_000)
})

describe('parseFrame', () => {
  const PATTERN = /^(\s*at )(?:(.*?) \()?(.+?):(\d+):(\d+)\)?$/
  const PIECES = [' ', 'at', 'at ', '(', ')', ' (', ':', '1', '23', 'f', '<input>', '\r', '\u2028', 'a b']

  it('reads every line as the frame pattern does', () => {
    let seed = 7
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    for (let i = 0; i < 20000; i++) {
      let line = next(3) === 0 ? '' : '    at '
      const parts = 1 + next(9)
      for (let j = 0; j < parts; j++) line += PIECES[next(PIECES.length)]
      const want = PATTERN.exec(line)
      expect(parseFrame(line), JSON.stringify(line)).toEqual(want ? [...want] : undefined)
    }
  })

  it('reads the frames QuickJS writes', () => {
    expect(parseFrame('    at f (a.js:3:9)')).toEqual(['    at f (a.js:3:9)', '    at ', 'f', 'a.js', '3', '9'])
    expect(parseFrame('    at a.js:2:7')).toEqual(['    at a.js:2:7', '    at ', undefined, 'a.js', '2', '7'])
    expect(parseFrame('    at eval (native)')).toBeUndefined()
  })
})

describe('calleeAt', () => {
  const PATTERN = /(?:^|[^\w$.#])(new\s+)?([A-Za-z_$][\w$]*(?:\s*\??\.\s*#?[A-Za-z_$][\w$]*)*)\s*$/
  const PIECES = [' ', '.', '?.', '#', 'a', 'kv', 'new ', '9', '(', 'x1', '$', '=', '?', ' . ']

  it('names what the dotted-name pattern names, or nothing', () => {
    let seed = 11
    const next = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2147483648
      return seed % n
    }
    let named = 0
    for (let i = 0; i < 20000; i++) {
      let line = ''
      const parts = 1 + next(8)
      for (let j = 0; j < parts; j++) line += PIECES[next(PIECES.length)]
      const got = calleeAt(`${line}()`, 1, line.length + 1)
      if (got === undefined) continue
      named++
      const m = PATTERN.exec(line)
      expect(got, JSON.stringify(line)).toEqual({ name: m?.[2]?.replace(/\s+/g, ''), construct: m?.[1] !== undefined })
    }
    expect(named).toBeGreaterThan(5000)
  })

  it('names long and spaced chains whole', () => {
    expect(calleeAt('x = new kv . get(1)', 1, 17)).toEqual({ name: 'kv.get', construct: true })
    expect(calleeAt('o?.a.#p()', 1, 8)).toEqual({ name: 'o?.a.#p', construct: false })
    const spaced = `${Array(100).fill('q').join(' . ')}()`
    expect(calleeAt(spaced, 1, spaced.indexOf('(') + 1)).toEqual({ name: Array(100).fill('q').join('.'), construct: false })
    expect(calleeAt('x = 9ab.c()', 1, 10)).toBeUndefined()
    expect(calleeAt('x = a.#b.c()', 1, 11)).toEqual({ name: 'a.#b.c', construct: false })
    expect(calleeAt('x = #b()', 1, 7)).toBeUndefined()
  })
})
