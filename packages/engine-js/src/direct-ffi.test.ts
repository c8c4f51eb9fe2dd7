import type { QuickJSContext, QuickJSHandle } from 'quickjs-emscripten-core'
import { afterAll, describe, expect, it } from 'vitest'
import { DirectFfi, NOT_SIMPLE } from './direct-ffi.js'
import { MAX_HEAP_BYTES, WasmLoader } from './wasm.js'

const instance = await new WasmLoader().instantiate(MAX_HEAP_BYTES)
const ctx = instance.module.newContext()
const direct = DirectFfi.for(ctx, instance.alloc) as DirectFfi
// every handle a test makes is freed before the runtime, which asserts that nothing is left
const handles: QuickJSHandle[] = []
const keep = <T extends QuickJSHandle>(h: T): T => {
  handles.push(h)
  return h
}
afterAll(() => {
  for (const h of handles) if (h.alive) h.dispose()
  direct.dispose()
  ctx.dispose()
})
const fn = (source: string) => keep(ctx.unwrapResult(ctx.evalCode(source)))
const result = (r: ReturnType<DirectFfi['call']>) => keep(ctx.unwrapResult(r))

describe('DirectFfi', () => {
  it('calls like callFunction: arguments in order, values and exceptions as handles', () => {
    const join = fn('"use strict"; (function (...xs) { return [typeof this, ...xs].join(",") })')
    const args = [keep(ctx.newNumber(1)), keep(ctx.newString('two')), ctx.true]
    expect(ctx.getString(result(direct.call(join, args)))).toBe('undefined,1,two,true')
    const thrower = fn('(() => { throw new RangeError("no") })')
    const r = direct.call(thrower, [])
    expect('error' in r && ctx.dump(keep(r.error as QuickJSHandle))).toMatchObject({ name: 'RangeError', message: 'no' })
  })

  it('still passes arguments after the heap has grown', () => {
    const len = fn('((s) => s.length)')
    // allocate enough inside the VM that the WASM memory has to grow (a new buffer)
    const before = instance.heap.size
    const big = keep(ctx.unwrapResult(ctx.evalCode('"x".repeat(64 << 20)')))
    expect(instance.heap.size).toBeGreaterThan(before)
    expect(ctx.getNumber(result(direct.call(len, [big])))).toBe(64 << 20)
  })

  it('takes the regular path for long argument lists', () => {
    const count = fn('((...xs) => xs.length)')
    const args = Array.from({ length: 12 }, (_, i) => keep(ctx.newNumber(i)))
    expect(ctx.getNumber(result(direct.call(count, args)))).toBe(12)
  })

  it('makes long strings natively, byte for byte, including characters outside ASCII', () => {
    for (const s of ['x'.repeat(5000), `${'é€'.repeat(800)}😀 end`, 'short', '']) {
      const h = keep(direct.newString(s))
      expect(ctx.getString(h)).toBe(s)
      expect(ctx.getNumber(keep(ctx.getProp(h, 'length')))).toBe(s.length)
    }
  })

  it('reads numbers, booleans, null and undefined from memory exactly, and nothing else', () => {
    const simple = (source: string) => direct.simple(keep(ctx.unwrapResult(ctx.evalCode(source))))
    const numbers = [0, -0, 7, -7, 2 ** 31 - 1, -(2 ** 31), 2 ** 31, 0.1, -1.5, 1e308, 5e-324, Number.MAX_SAFE_INTEGER]
    for (const n of [...numbers, Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      const v = simple(`${Object.is(n, -0) ? '-0' : String(n)}`)
      // NaN may take the regular path (its boxed form looks like a tag); never a wrong value
      if (v !== NOT_SIMPLE) expect(Object.is(v, n), String(n)).toBe(true)
      else expect(Number.isNaN(n)).toBe(true)
    }
    expect([simple('true'), simple('false'), simple('null'), simple('undefined')]).toEqual([true, false, null, undefined])
    for (const s of ['"7"', '({})', '[1]', '10n', 'Symbol()', '() => 1', 'Promise.resolve(1)']) expect(simple(s), s).toBe(NOT_SIMPLE)
    expect(direct.isObject(keep(ctx.unwrapResult(ctx.evalCode('Promise.resolve(1)'))))).toBe(true)
    expect(direct.isObject(keep(ctx.unwrapResult(ctx.evalCode('"p"'))))).toBe(false)
  })

  it('is not offered when the context does not have the expected internals', () => {
    expect(DirectFfi.for({} as QuickJSContext, instance.alloc)).toBeUndefined()
  })
  it('runs pending jobs that grow the heap and reads their count and context from a fresh view', () => {
    const rt = (ctx.runtime as unknown as { rt: { value: number } }).rt.value
    keep(
      ctx.unwrapResult(ctx.evalCode('globalThis.grown = []; Promise.resolve().then(() => { grown.push("y".repeat(48 << 20) + "!") }); 0')),
    )
    const before = instance.heap.size
    const r = direct.executePendingJobs(rt, -1)
    expect(instance.heap.size).toBeGreaterThan(before)
    expect(r).toEqual({ value: 1 })
    expect(direct.executePendingJobs(rt, -1)).toEqual({ value: 0 })
    keep(ctx.unwrapResult(ctx.evalCode('grown.length = 0')))
  })

  it('makes a promise and its resolving functions after the heap has grown', () => {
    keep(ctx.unwrapResult(ctx.evalCode('globalThis.more = "z".repeat(80 << 20) + "!"; 0')))
    const d = direct.newPromise()
    for (const h of [d.promise, d.resolve, d.reject]) keep(h)
    keep(ctx.unwrapResult(ctx.callFunction(d.resolve, ctx.undefined, keep(ctx.newNumber(42)))))
    const st = ctx.getPromiseState(d.promise)
    expect(st.type === 'fulfilled' && ctx.getNumber(keep(st.value))).toBe(42)
    keep(ctx.unwrapResult(ctx.evalCode('globalThis.more = undefined')))
  })
})
