import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// globals.protect (the strict preset) makes writes to undeclared globals errors. A bare
// `x = 1` failed, but the same write through the global object created the global:
// `globalThis.x = 1`, top-level `this.y = 2`, `Reflect.set(globalThis, 'z', 3)`, or through
// the scope object holding the request's globals (the global object's prototype).

const WRITES = [
  'globalThis.x = 1; x',
  'this.x = 2; x',
  "Reflect.set(globalThis, 'x', 3); x",
  '(function () { this.x = 4 }).call(globalThis); x',
  'Object.getPrototypeOf(globalThis).x = 5; x',
]

let strict: Host
let standard: Host
beforeAll(async () => {
  strict = await createHost({ engines: [jsEngine()], policy: 'strict', pool: { min: 1, max: 1 } })
  standard = await createHost({ engines: [jsEngine()], policy: 'standard', pool: { min: 1, max: 1 } })
})
afterAll(async () => {
  await strict.close()
  await standard.close()
})

const run = (h: Host, source: string) => h.execute({ language: 'js', source, globals: { a: 1 } })

describe('globals.protect', () => {
  it('refuses creating a global through the global object, as a bare assignment', async () => {
    const bare = await run(strict, 'x = 1').catch((e: unknown) => e)
    expect(bare).toBeInstanceOf(ScriptRuntimeError)
    expect((bare as Error).message).toBe("ReferenceError: 'x' is not defined")
    for (const source of WRITES) {
      const e = await run(strict, source).catch((x: unknown) => x)
      expect(e, source).toBeInstanceOf(ScriptRuntimeError)
      expect((e as Error).message, source).toMatch(/^(?:ReferenceError: 'x' is not defined|TypeError: )/)
    }
    expect((await run(strict, 'typeof x')).value).toBe('undefined')
  })

  it('leaves other writes as they were', async () => {
    // a declared global, an object inheriting from the global object, an explicit definition
    // (the shadowing the README allows for a run), and the state is reused afterwards
    const source = `a = 7; const o = Object.create(globalThis); o.k = 1
      Object.defineProperty(globalThis, 'w', { value: 2, configurable: true }); [a, o.k, w, Math.max(1, 2)]`
    expect((await run(strict, source)).value).toEqual([7, 1, 2, 2])
    expect((await run(strict, 'typeof w + typeof k')).value).toBe('undefinedundefined')
  })

  // a documented deviation (README, "Scripts"): QuickJS's global lookup takes the answer of the
  // Proxy at the end of the global object's prototype chain, so an undeclared name reads as
  // undefined under globals.protect; a trap cannot throw for it and keep typeof working
  it('reads an undeclared name as undefined under globals.protect, as the README says', async () => {
    const typo = "const user = { name: 'bob' }; try { usr.isAdmin; 'no error' } catch (e) { e.name + ': ' + e.message }"
    expect((await run(strict, 'missingName')).value).toBeUndefined()
    expect((await run(strict, typo)).value).toBe("TypeError: cannot read property 'isAdmin' of undefined")
    expect((await run(strict, 'try { missingName() } catch (e) { e.message }')).value).toBe('not a function')
    expect((await run(strict, "[typeof missingName, globalThis.missingName, 'missingName' in globalThis]")).value).toEqual([
      'undefined',
      undefined,
      false,
    ])
    expect((await run(standard, typo)).value).toBe("ReferenceError: 'usr' is not defined")
    expect((await run(standard, '[typeof missingName, globalThis.missingName]')).value).toEqual(['undefined', undefined])
  })

  it('the standard preset still lets a script create globals through the global object', async () => {
    for (const source of WRITES) expect((await run(standard, source)).value, source).toBeTypeOf('number')
    expect((await run(standard, 'typeof x')).value).toBe('undefined')
  })
})
