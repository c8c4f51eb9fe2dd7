import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { stackPointerOf } from './stack-pointer.js'

/** A module with one mutable i32 global (1234) and one exported function `sp` of `body`. */
function moduleWith(body: number[]): Uint8Array {
  const code = [0x00, ...body, 0x0b]
  return new Uint8Array([
    ...[0x00, 0x61, 0x73, 0x6d, 0x01, 0x00, 0x00, 0x00],
    ...[0x01, 0x05, 0x01, 0x60, 0x00, 0x01, 0x7f], // type: () -> i32
    ...[0x03, 0x02, 0x01, 0x00], // one function of that type
    ...[0x06, 0x07, 0x01, 0x7f, 0x01, 0x41, 0xd2, 0x09, 0x0b], // global 0: mut i32 = 1234
    ...[0x07, 0x06, 0x01, 0x02, 0x73, 0x70, 0x00, 0x00], // export "sp" = function 0
    ...[0x0a, code.length + 2, 0x01, code.length, ...code],
  ])
}

describe('stackPointerOf', () => {
  it('finds the export whose body only reads global 0, and the global’s initial value', async () => {
    const bytes = moduleWith([0x23, 0x00])
    const exports = new WebAssembly.Instance(await WebAssembly.compile(bytes)).exports as { sp: () => number }
    expect(exports.sp()).toBe(1234)
    expect(stackPointerOf(bytes)).toEqual({ exportName: 'sp', initial: 1234 })
  })

  it('finds nothing when no export is exactly that read', async () => {
    const bytes = moduleWith([0x23, 0x00, 0x41, 0x01, 0x6a]) // global.get 0; i32.const 1; i32.add
    expect((new WebAssembly.Instance(await WebAssembly.compile(bytes)).exports as { sp: () => number }).sp()).toBe(1235)
    expect(stackPointerOf(bytes)).toBeUndefined()
  })

  it('finds the pinned QuickJS build’s stack pointer, which reads its initial value at rest', async () => {
    const path = createRequire(import.meta.url).resolve('@jitl/quickjs-wasmfile-release-sync/wasm')
    const sp = stackPointerOf(readFileSync(path))
    expect(sp?.initial).toBeGreaterThan(1 << 20)
    expect(typeof sp?.exportName).toBe('string')
  })
})
