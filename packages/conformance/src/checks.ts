import { LimitExceededError } from '@polyhost/core'
import type { Host } from '@polyhost/core'
import type { TestKit } from './kit.js'
import type { ConformanceTest, Need } from './types.js'

/** Shorthand for a test definition. */
export function test(id: string, title: string, run: (t: TestKit) => Promise<void>, needs?: readonly Need[]): ConformanceTest {
  return needs ? { id, title, run, needs } : { id, title, run }
}

/** Awaits a promise that must reject and returns the error. */
export async function rejection(p: Promise<unknown>): Promise<Error & { code?: string }> {
  let value: unknown
  try {
    value = await p
  } catch (e) {
    return e as Error & { code?: string }
  }
  throw new Error(`expected a rejection, got a result: ${preview(value)}`)
}

/** Awaits a rejection and checks its class (and that it carries a string `code`). */
export async function failsWith<C extends abstract new (...args: never[]) => Error>(
  t: TestKit,
  p: Promise<unknown>,
  cls: C,
): Promise<InstanceType<C>> {
  const e = await rejection(p)
  t.expect(e, `${e?.name}: ${e?.message}`).toBeInstanceOf(cls)
  t.expect(typeof e.code, 'errors carry a stable code').toBe('string')
  return e as InstanceType<C>
}

/**
 * Runs `source` expecting `limit` to trip; then proves the state was discarded and the next
 * execution on the same host is correct.
 */
export async function expectTrip(
  t: TestKit,
  host: Host,
  source: string,
  limit: LimitExceededError['limit'],
  options = {},
): Promise<LimitExceededError> {
  const before = await t.discarded(host)
  const started = performance.now()
  const e = await failsWith(t, t.run(host, source, options), LimitExceededError)
  t.expect(e.limit, e.message).toBe(limit)
  t.expect(e.code).toBe('E_LIMIT')
  t.expect(performance.now() - started, 'a runaway stops well within the test timeout').toBeLessThanOrEqual(20_000)
  // in worker mode the pool stats arrive with the worker's next report: poll a while
  let after = await t.discarded(host)
  for (const until = performance.now() + 5_000; after <= before && performance.now() < until; after = await t.discarded(host))
    await sleep(20)
  t.expect(after, 'the state that tripped a limit is discarded').toBeGreaterThan(before)
  const r = await t.run(host, t.s.returnLiteral('still fine'))
  t.expect(r.value, 'the next execution on this host is correct').toBe('still fine')
  return e
}

/** Host paths or host stack frames found in a script-facing text, if any. */
export function hostPathIn(text: string | undefined): string | undefined {
  if (!text) return undefined
  const markers = [process.cwd(), '/node_modules/', 'file://', 'node:internal', 'packages/', '.ts:']
  return markers.find((m) => m && text.includes(m))
}

export function isNil(v: unknown): boolean {
  return v === null || v === undefined
}

/** A promise the test opens by hand (for async bridges held in flight). */
export class Gate {
  readonly promise: Promise<void>
  open!: () => void
  constructor() {
    this.promise = new Promise<void>((r) => {
      this.open = r
    })
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms))
}

/** Polls `cond` until true or `ms` pass; returns its last value. */
export async function waitFor(cond: () => boolean, ms = 5_000): Promise<boolean> {
  const until = performance.now() + ms
  while (!cond() && performance.now() < until) await sleep(5)
  return cond()
}

/** `depth` nested arrays around `1`: depth 2 → `[[1]]`. */
export function nestedArrays(depth: number): unknown[] {
  let v: unknown = 1
  for (let i = 0; i < depth; i++) v = [v]
  return v as unknown[]
}

export function preview(v: unknown): string {
  try {
    return typeof v === 'bigint' ? `${v}n` : (JSON.stringify(v) ?? String(v))
  } catch {
    return String(v)
  }
}
