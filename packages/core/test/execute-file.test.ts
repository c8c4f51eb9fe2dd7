// host.executeFile on what is not a plain script file: a FIFO no one writes to hung the call
// forever (and its promise stayed pending after host.close()), /dev/zero was read for ~550 MB
// before a bare "Invalid string length", and a file over the source limit was read whole before
// the limit was checked. Now only regular files are read, the limit is checked on the file's
// size first, and at most limit + 1 bytes are read.
import { execFileSync } from 'node:child_process'
import { existsSync } from 'node:fs'
import { mkdtemp, rm, truncate, writeFile } from 'node:fs/promises'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, describe, expect, it } from 'vitest'
import { ClosedError, InvalidArgumentError, LimitExceededError } from '../src/errors.js'
import { readSourceFile } from '../src/source-file.js'
import { hostsOfTest } from './fixtures/fake-engine-host.js'

let dir: string
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'polyhost-file-'))
})
afterEach(async () => {
  await rm(dir, { recursive: true })
})

/** Settles within `ms` or fails the test: a hang must not pass for a slow rejection. */
function within<T>(p: Promise<T>, ms = 2_000): Promise<T> {
  return Promise.race([p, new Promise<T>((_, reject) => setTimeout(() => reject(new Error(`still pending after ${ms} ms`)), ms))])
}

describe('host.executeFile', () => {
  const { make } = hostsOfTest()

  it.runIf(process.platform !== 'win32')('refuses a FIFO nobody writes to at once, and the host still closes', async () => {
    const { host } = await make({ ok: () => ({ value: 1 }) as never })
    const fifo = join(dir, 'job.alpha')
    execFileSync('mkfifo', [fifo])
    const e = await within(host.executeFile(fifo).catch((x: unknown) => x))
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe(`executeFile: '${fifo}' is not a regular file (a FIFO)`)
    const pending = host.executeFile(fifo).catch((x: unknown) => x)
    await within(host.close())
    expect(await within(pending)).toBeInstanceOf(Error)
    expect(await within(host.executeFile(fifo).catch((x: unknown) => x))).toBeInstanceOf(ClosedError)
  })

  it.runIf(existsSync('/dev/zero'))('refuses a device and a directory without reading them', async () => {
    const { host } = await make()
    const started = Date.now()
    await expect(within(host.executeFile('/dev/zero'))).rejects.toThrow(
      "executeFile: '/dev/zero' is not a regular file (a character device)",
    )
    await expect(within(host.executeFile(dir))).rejects.toThrow('is not a regular file (a directory)')
    expect(Date.now() - started).toBeLessThan(1_000)
  })

  it('refuses a file over the source limit from its size, before reading it', async () => {
    const { host } = await make()
    const big = join(dir, 'big.alpha')
    await writeFile(big, '')
    await truncate(big, 4 * 2 ** 30) // a sparse 4 GiB file: reading it would exhaust memory
    const e = await within(host.executeFile(big, { limits: { sourceBytes: 100 } }).catch((x: unknown) => x))
    expect(e).toBeInstanceOf(LimitExceededError)
    expect(e).toMatchObject({ limit: 'source', used: 4 * 2 ** 30, max: 100 })
    const fits = join(dir, 'fits.alpha')
    await writeFile(fits, 'ok')
    expect((await host.executeFile(fits, { limits: { sourceBytes: 100 } })).value).toBeDefined()
  })
})

describe('host.executeFile with a language', () => {
  const { make } = hostsOfTest()

  it("is refused when the file's extension names another language, before the file is read", async () => {
    const { host, a, b } = await make()
    const file = join(dir, 'job.alpha')
    await writeFile(file, 'ok')
    const e = await host.executeFile(file, { language: 'beta' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toBe(
      `executeFile: language 'beta' conflicts with '${file}', whose extension '.alpha' names language 'alpha'`,
    )
    // checked before reading: a missing file with a conflicting language gets the same error
    await expect(host.executeFile(join(dir, 'none.ALPHA'), { language: 'beta' })).rejects.toThrow("whose extension '.alpha' names")
    expect(a.requests.length + b.requests.length).toBe(0)
  })

  it('runs the file when the language agrees with its extension, or the extension names none', async () => {
    const { host, a, b } = await make()
    const file = join(dir, 'job.alpha')
    await writeFile(file, 'ok')
    expect((await host.executeFile(file, { language: 'alpha' })).stats.engine).toBe('alpha')
    const plain = join(dir, 'job.txt')
    await writeFile(plain, 'ok')
    expect((await host.executeFile(plain, { language: 'beta' })).stats.engine).toBe('beta')
    expect([a.requests.length, b.requests.length]).toEqual([1, 1])
  })
})

describe('readSourceFile', () => {
  it('reads at most the limit + 1 bytes, and names the file as asked', async () => {
    const file = join(dir, 'a.txt')
    await writeFile(file, 'héllo')
    expect(await readSourceFile(file, { maxBytes: 6, what: 'run' })).toBe('héllo')
    await expect(readSourceFile(file, { maxBytes: 5, what: 'run' })).rejects.toMatchObject({ limit: 'source', used: 6, max: 5 })
    expect(await readSourceFile(file, { maxBytes: false, what: 'run' })).toBe('héllo')
    await expect(readSourceFile(join(dir, 'none'), { maxBytes: false, what: 'run', shown: 'none' })).rejects.toThrow(
      /^run: cannot read 'none': ENOENT/,
    )
  })

  it('refuses bytes that are not UTF-8 instead of reading them as U+FFFD', async () => {
    const file = join(dir, 'latin.lua')
    await writeFile(file, Buffer.from([0x72, 0x65, 0x74, 0x75, 0x72, 0x6e, 0x20, 0x23, 0x22, 0xe9, 0x22]))
    const e = await readSourceFile(file, { maxBytes: false, what: 'executeFile', shown: 'latin.lua' }).catch((x: unknown) => x)
    expect(e).toBeInstanceOf(InvalidArgumentError)
    expect((e as Error).message).toMatch(/^executeFile: 'latin\.lua' is not UTF-8: byte 0xE9 at offset 9/)
  })
})
