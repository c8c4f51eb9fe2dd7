import { readFile } from 'node:fs/promises'
import { createRequire } from 'node:module'
import { describe, expect, it } from 'vitest'
import { PAGE } from './heap-guard.js'
import { shrinkMemoryImport } from './wasm-layout.js'
import { WasmLoader } from './wasm.js'

const MiB = 1 << 20
const wasmFile = (specifier: string) => readFile(createRequire(import.meta.url).resolve(specifier))

describe('shrinkMemoryImport', () => {
  it('lowers the pinned build to its data and stack plus 1 MiB, in place', async () => {
    const bytes = await wasmFile('@jitl/quickjs-wasmfile-release-sync/wasm')
    const before = bytes.length
    const layout = shrinkMemoryImport(bytes)
    expect(layout?.declaredPages).toBe(256)
    // the stack's top (5.1 MiB in this build) bounds it from below
    expect(layout!.initialPages * PAGE).toBeGreaterThan(5 * MiB)
    expect(layout!.initialPages).toBeLessThan(128)
    expect(bytes.length).toBe(before)
    // the patched module validates and links against a memory of that size, not one smaller
    const module = await WebAssembly.compile(bytes)
    const memory = (pages: number) => new WebAssembly.Memory({ initial: pages, maximum: 1024 })
    const imports = (pages: number) => {
      const env: Record<string, Record<string, unknown>> = {}
      for (const i of WebAssembly.Module.imports(module)) {
        env[i.module] ??= {}
        env[i.module]![i.name] = i.kind === 'memory' ? memory(pages) : () => 0
      }
      return env as WebAssembly.Imports
    }
    expect(() => new WebAssembly.Instance(module, imports(layout!.initialPages))).not.toThrow()
    expect(() => new WebAssembly.Instance(module, imports(1))).toThrow(WebAssembly.LinkError)
  })

  it('leaves a module whose layout it cannot read as it is', () => {
    // a memory import, then a global initialised by something other than i32.const
    const bytes = Uint8Array.from([
      0, 97, 115, 109, 1, 0, 0, 0, 2, 10, 1, 1, 97, 1, 98, 2, 1, 0x80, 0x02, 16, 6, 6, 1, 0x7f, 1, 0x23, 0, 0x0b,
    ])
    const copy = Uint8Array.from(bytes)
    const layout = shrinkMemoryImport(bytes)
    expect(layout).toEqual({ initialPages: 256, declaredPages: 256 })
    expect(bytes).toEqual(copy)
  })

  it('starts each instance of the default build small and grows it on demand', async () => {
    const { heap, alloc } = await new WasmLoader().instantiate(64 * MiB)
    expect(heap.size).toBeLessThan(8 * MiB)
    const blocks: number[] = []
    for (let i = 0; i < 8; i++) blocks.push(alloc._malloc(MiB))
    expect(blocks.every((p) => p > 0)).toBe(true)
    expect(heap.size).toBeGreaterThan(12 * MiB)
  })
})
