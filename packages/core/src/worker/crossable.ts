import { types } from 'node:util'
import { ConversionError } from '../errors.js'
import { type BudgetOwner, CONTAINER_BYTES, ConversionBudget, ENTRY_BYTES } from '../values/budget.js'
import type { ConverterRegistry } from '../values/converters.js'
import { formatValuePath, MAX_ENTRIES, readFailure } from '../values/guard.js'
import { classifyHostValue } from '../values/kinds.js'
import { arrayExtraKeys } from '../values/safe-object.js'

/**
 * Refuses, on the host thread, globals that structured clone would change or reject on their
 * way to a worker: a class instance would arrive as a plain object (inline, the engine refuses
 * it), a host function cannot cross threads at all, and nesting deeper than `maxDepth` would
 * overflow clone's stack. Each is the ConversionError naming the path an engine's converter
 * gives. Cycles are left to the engine.
 *
 * Returns the globals to post: the same object, unless a Proxy is in them, which clone refuses
 * (`#<Object> could not be cloned`) while an inline engine reads through it. A Proxy is copied
 * (each of its entries read once, here) and so is every container on the way to one, so what
 * crosses is what the traps answered, as for a bridge result (crossing.ts).
 *
 * What clone will copy is counted against the execution's conversion budget (`owner`) as it
 * is walked: each container once, each string and byte array once per reference (as clone
 * copies them), never more than an engine's converter counts for the same value. Over it the
 * execution trips `memory` here, as inline, instead of cloning it (a 10-million-entry array
 * held the host thread ~1 s and reached the worker's refusal 12 s later).
 */
export function crossableGlobals(
  globals: Readonly<Record<string, unknown>>,
  converters: ConverterRegistry,
  maxDepth: number,
  owner: BudgetOwner,
): Readonly<Record<string, unknown>> {
  const budget = new ConversionBudget(owner)
  const seen = new Set<object>()
  const crossed = new Map<object, unknown>()
  const path: (string | number)[] = []
  const at = (key: string | number, child: unknown, depth: number): unknown => {
    path.push(key)
    const out = walk(child, depth)
    path.pop()
    return out
  }
  // a getter or trap that throws: inline's words at the path of the value it was reading
  const walk = (v: unknown, depth: number): unknown => {
    try {
      return read(v, depth)
    } catch (e) {
      throw readFailure(e, formatValuePath(path))
    }
  }
  const read = (v: unknown, depth: number): unknown => {
    const k = classifyHostValue(v, converters)
    if (k.kind === 'function') {
      throw new ConversionError(
        formatValuePath(path),
        "a host function cannot cross to a worker thread (isolation 'worker'): register a bridge",
      )
    }
    if (k.kind === 'unsupported') throw new ConversionError(formatValuePath(path), `cannot convert ${k.what}`)
    if (typeof v === 'string') budget.addString(v.length)
    if (k.kind === 'bytes') {
      readable(v)
      budget.addString((v as ArrayBufferView | ArrayBuffer).byteLength)
    }
    if (k.kind !== 'array' && k.kind !== 'object' && k.kind !== 'map') return v
    if (depth >= maxDepth) throw new ConversionError(formatValuePath(path), `nesting deeper than ${maxDepth}`)
    const o = v as object
    // a shared reference crosses as its first crossing; a cycle (still being walked) as it is
    if (crossed.has(o)) return crossed.get(o)
    if (seen.has(o)) return o
    seen.add(o)
    const out = k.kind === 'map' ? mapCrossing(k.map as Map<string, unknown>, o, depth) : entriesCrossing(o, k.kind === 'array', depth)
    crossed.set(o, out)
    return out
  }
  /**
   * Refuses bytes whose buffer was transferred away (detached: a view of it reads as empty) as
   * the ConversionError an inline engine gives; clone would throw a DataCloneError for it.
   */
  const readable = (v: unknown): void => {
    if ((v as ArrayBufferView | ArrayBuffer).byteLength !== 0) return
    try {
      new Uint8Array(ArrayBuffer.isView(v) ? v.buffer : (v as ArrayBuffer))
    } catch (e) {
      throw readFailure(e, formatValuePath(path))
    }
  }
  /** A Map as it crosses: itself, or a copy when it holds a Proxy. */
  const mapCrossing = (m: Map<string, unknown>, o: object, depth: number): unknown => {
    let copy = types.isProxy(o)
    const entries = [...m]
    budget.add(CONTAINER_BYTES + entries.length * ENTRY_BYTES, 1 + entries.length)
    for (const e of entries) {
      const out = at(e[0], e[1], depth + 1)
      if (!Object.is(out, e[1])) copy = true
      e[1] = out
    }
    return copy ? new Map(entries) : o
  }
  /** An array or plain object as it crosses: itself, or a copy (made at the first entry that changes). */
  const entriesCrossing = (o: object, array: boolean, depth: number): unknown => {
    const src = o as Record<string | number, unknown>
    const proxy = types.isProxy(o)
    const names: (string | number)[] = array ? [] : Object.keys(o)
    const n = array ? (o as unknown[]).length : names.length
    // before walking its indices: a sparse `a[1e9] = 1` held the host thread for 35 s (4e9: minutes)
    if (n > MAX_ENTRIES) throw new ConversionError(formatValuePath(path), `${n} entries: more than ${MAX_ENTRIES} cannot cross`)
    budget.add(CONTAINER_BYTES + n * ENTRY_BYTES, 1 + n)
    let copy: Record<string | number, unknown> | undefined = proxy
      ? array
        ? (new Array(n) as unknown as Record<number, unknown>)
        : {}
      : undefined
    for (let i = 0; i < n; i++) {
      const key = array ? i : (names[i] as string)
      if (array && !(i in src)) {
        budget.tick()
        continue
      }
      const item = src[key]
      const out = at(key, item, depth + 1)
      // Object.is: a NaN is unchanged (with `!==` it made a copy, which split a cycle through it)
      if (!Object.is(out, item) && copy === undefined) copy = partialCopy(src, array, names, i)
      if (copy) Object.defineProperty(copy, key, { value: out, enumerable: true, configurable: true, writable: true })
    }
    if (!array) return copy ?? o
    // an array's own properties past its elements cross too (clone keeps them): a copy keeps them
    const extra = arrayExtraKeys(o as unknown[]).map((k) => {
      const item = src[k]
      return [k, item, at(k, item, depth + 1)] as const
    })
    if (copy === undefined && extra.some(([, item, out]) => !Object.is(out, item))) copy = partialCopy(src, array, names, n)
    for (const [k, , out] of copy ? extra : [])
      Object.defineProperty(copy, k, { value: out, enumerable: true, configurable: true, writable: true })
    return copy ?? o
  }
  const top: Record<string, unknown> = {}
  let changed = types.isProxy(globals)
  for (const name of Object.keys(globals)) {
    const value = globals[name]
    const out = at(name, value, 0)
    if (!Object.is(out, value)) changed = true
    Object.defineProperty(top, name, { value: out, enumerable: true, configurable: true, writable: true })
  }
  return changed ? top : globals
}

/** The entries before `upTo` of an array (holes kept) or of an object's `names`, copied. */
function partialCopy(
  src: Record<string | number, unknown>,
  array: boolean,
  names: readonly (string | number)[],
  upTo: number,
): Record<string | number, unknown> {
  if (array) {
    const a: unknown[] = new Array((src as unknown as unknown[]).length)
    for (let i = 0; i < upTo; i++) if (i in src) a[i] = src[i]
    return a as unknown as Record<number, unknown>
  }
  const out: Record<string, unknown> = {}
  for (let i = 0; i < upTo; i++) {
    const k = names[i] as string
    Object.defineProperty(out, k, { value: src[k], enumerable: true, configurable: true, writable: true })
  }
  return out
}
