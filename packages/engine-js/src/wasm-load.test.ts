import { afterEach, describe, expect, it, vi } from 'vitest'
import { WasmLoader } from './wasm.js'

const MiB = 1 << 20

afterEach(() => {
  vi.restoreAllMocks()
})

describe('WasmLoader start-up', () => {
  // Cold start: the compile of QuickJS's .wasm runs on V8's background threads. Started in the
  // call that first asks for an instance, it runs beside the module imports and beside another
  // engine's synchronous start-up (fengari's), instead of after an I/O round and the imports.
  it('starts compiling the default build in the call that asks for the first instance', async () => {
    const compile = vi.spyOn(WebAssembly, 'compile')
    const first = new WasmLoader().instantiate(64 * MiB)
    expect(compile).toHaveBeenCalledTimes(1)
    const instance = await first
    expect(instance.module.newRuntime).toBeTypeOf('function')
    // the compiled module is shared: a second loader (another host) compiles nothing
    await new WasmLoader().instantiate(64 * MiB)
    expect(compile).toHaveBeenCalledTimes(1)
  })
})
