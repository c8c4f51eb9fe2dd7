import { describe, expect, it } from 'vitest'
import { MAX_MOVED } from '../src/commands/hll-sparse.js'
import { ErrorReply, memoryStore } from '../src/index.js'

const argv = (...parts: (string | Buffer)[]): Buffer[] => parts.map((p) => (typeof p === 'string' ? Buffer.from(p) : p))

/** A sparse HLL header (cached count marked invalid). */
const HDR = Buffer.from('48594c4c010000000000000000000080', 'hex')

describe('HyperLogLog work a script can ask for is bounded', () => {
  // each dense key walked once per name: 500,000 walks of 16,384 registers took minutes
  it('PFCOUNT and PFMERGE naming one key 500,000 times read it once', { timeout: 60_000 }, () => {
    const store = memoryStore()
    const add = argv('PFADD', 'd')
    for (let i = 0; i < 5000; i++) add.push(Buffer.from(`e${i}`))
    store.execute(add)
    const once = store.execute(argv('PFCOUNT', 'd', 'missing'))
    const names = Array.from({ length: 500_000 }, () => Buffer.from('d'))
    const started = Date.now()
    expect(store.execute([Buffer.from('PFCOUNT'), ...names])).toEqual(once)
    expect(store.execute([Buffer.from('PFMERGE'), Buffer.from('m'), ...names])).toMatchObject({ status: 'OK' })
    expect(store.execute(argv('PFCOUNT', 'm', 'missing'))).toEqual(once)
    // generous: one walk per name is minutes even on a quiet machine
    expect(Date.now() - started).toBeLessThan(30_000)
  })

  // every register its own ZERO opcode, then 64 MiB the walk never reaches but each merge of
  // two VALs moves: thousands of elements would move tens of gigabytes
  it('a PFADD moving more than MAX_MOVED bytes of a crafted sparse string answers an error', { timeout: 60_000 }, () => {
    const store = memoryStore({ maxBytes: 0 })
    const value = Buffer.alloc(HDR.length + 16384 + 64 * 1024 * 1024)
    HDR.copy(value)
    store.execute(argv('SET', 's', value))
    const add = argv('PFADD', 's')
    for (let i = 0; i < 5000; i++) add.push(Buffer.from(`e${i}`))
    const reply = store.execute(add)
    expect(reply).toBeInstanceOf(ErrorReply)
    expect((reply as ErrorReply).message).toBe(
      `ERR HyperLogLog update would move more than ${MAX_MOVED} bytes, this store's limit for one command`,
    )
    // the store stays usable; the opcodes merged before the bound stay merged, as a failed PFADD's changes do
    expect(store.execute(argv('STRLEN', 's'))).toBeLessThan(value.length)
    expect(store.execute(argv('PFADD', 'other', 'a'))).toBe(1)
  })
})
