import { createHost, InvalidArgumentError, LimitExceededError, ScriptRuntimeError, ScriptSyntaxError } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { type JsEngineOptions, jsEngine } from '../src/index.js'

// jsEngine's options were taken as given: an unknown key, an initScript of the wrong type or a
// negative retainHeapBytes were silently accepted, a junk variant failed with a raw TypeError.
// An initScript that never ended held createHost (and the event loop) for 60 s and failed
// with a plain Error, as did a throwing one. Now the options are checked as createHost's and
// engine-lua's are, and the init script runs under the policy's time limit and fails with the
// errors a script would.

const create = (options: unknown, limits?: object) =>
  createHost({ engines: [jsEngine(options as JsEngineOptions)], ...(limits ? { limits } : {}) }).then(
    (h) => h.close().then(() => undefined),
    (e: unknown) => e,
  )

describe('jsEngine options', () => {
  it.each([
    [{ bogus: 1 }, "unknown option 'bogus'"],
    [{ initScript: 5 }, 'initScript must be a string'],
    [{ retainHeapBytes: -1 }, 'retainHeapBytes must be'],
    [{ heapReserveBytes: 2 ** 40 }, 'heapReserveBytes must be'],
    [{ variant: {} }, 'variant must be a quickjs-emscripten sync variant'],
    [{ wasmModule: 'x.wasm' }, 'wasmModule must be'],
    [{ snapshots: 'yes' }, 'snapshots must be a boolean'],
    [{ onLeak: true }, 'onLeak must be a function'],
  ])('%j is refused with an InvalidArgumentError naming the field', async (options, text) => {
    const e = await create(options)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toContain(text)
  })
})

describe('initScript failures', () => {
  it('a loop stops at the policy time limit with LimitExceededError', async () => {
    const started = performance.now()
    const e = await create({ initScript: 'for (;;);' }, { timeoutMs: 300 })
    expect(e).toBeInstanceOf(LimitExceededError)
    expect((e as LimitExceededError).limit).toBe('timeout')
    expect(performance.now() - started).toBeLessThan(10_000)
  })

  it('an exception is a ScriptRuntimeError at its line of init.js', async () => {
    const e = await create({ initScript: 'const a = 1\nthrow new TypeError("bad init")' })
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e).toMatchObject({ message: 'initScript failed: TypeError: bad init', scriptName: 'init.js', line: 2 })
  })

  it('a syntax error is a ScriptSyntaxError at its line of init.js', async () => {
    const e = await create({ initScript: 'const a = 1\nlet = = 2' })
    expect(e).toBeInstanceOf(ScriptSyntaxError)
    expect(e).toMatchObject({ scriptName: 'init.js', line: 2 })
    expect((e as Error).message).toMatch(/^initScript failed: SyntaxError: /)
  })

  it('a valid one still defines the baseline', async () => {
    const h = await createHost({ engines: [jsEngine({ initScript: 'globalThis.helper = (x) => x * 2' })] })
    try {
      expect((await h.execute({ language: 'js', source: 'helper(21)' })).value).toBe(42)
    } finally {
      await h.close()
    }
  })
})
