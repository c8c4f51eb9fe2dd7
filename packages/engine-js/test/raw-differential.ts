import releaseVariant from '@jitl/quickjs-wasmfile-release-sync'
import { createHost, type Host, type HostOptions } from '@polyhost/core'
import { newQuickJSWASMModuleFromVariant, type QuickJSSyncVariant, type QuickJSWASMModule } from 'quickjs-emscripten-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'

// Differential tests against a plain context of the same QuickJS build: each source's JSON
// answer (or error text) in the sandbox must equal the raw one.

/** A sandboxed host and a raw QuickJS module, made before the file's tests and closed after. */
export interface RawDifferential {
  readonly host: () => Host
  /** The source's value on a fresh raw context, as text, or `throws Name: message`. */
  readonly onRaw: (source: string) => string
}

export function rawDifferential(options: Omit<HostOptions, 'engines'> = {}): RawDifferential {
  let host: Host | undefined
  let quickjs: QuickJSWASMModule | undefined
  beforeAll(async () => {
    host = await createHost({ engines: [jsEngine()], ...options })
    quickjs = await newQuickJSWASMModuleFromVariant(releaseVariant as unknown as QuickJSSyncVariant)
  })
  afterAll(() => host?.close())
  const onRaw = (source: string): string => {
    const vm = (quickjs as QuickJSWASMModule).newContext()
    try {
      const r = vm.evalCode(source)
      if (r.error) {
        const e = vm.dump(r.error) as { name?: string; message?: string }
        r.error.dispose()
        return `throws ${e.name}: ${e.message}`
      }
      const v = vm.dump(r.value)
      r.value.dispose()
      return String(v)
    } finally {
      vm.dispose()
    }
  }
  return { host: () => host as Host, onRaw }
}

/** One test per case: the sandbox answers as the raw context does. */
export function itAnswersAsRaw(d: RawDifferential, cases: Readonly<Record<string, string>>): void {
  for (const [name, source] of Object.entries(cases)) {
    it(name, async () => {
      const raw = d.onRaw(source)
      let mine: string
      try {
        mine = String((await d.host().execute({ language: 'js', source })).value)
      } catch (e) {
        mine = `throws ${(e as Error).message}`
      }
      expect(mine).toBe(raw)
    })
  }
}
