import { ConversionError } from '../errors.js'
import type { ConverterRegistry } from '../values/converters.js'
import { formatValuePath } from '../values/guard.js'
import { classifyHostValue } from '../values/kinds.js'

/**
 * Refuses, on the host thread, globals that structured clone would change or reject on their
 * way to a worker: a class instance would arrive as a plain object (inline, the engine refuses
 * it), a host function cannot cross threads at all, and nesting deeper than `maxDepth` would
 * overflow clone's stack. Each is the ConversionError naming the path an engine's converter
 * gives. Cycles are left to the engine.
 */
export function checkCrossable(globals: Readonly<Record<string, unknown>>, converters: ConverterRegistry, maxDepth: number): void {
  const seen = new Set<object>()
  const path: (string | number)[] = []
  const walk = (v: unknown, depth: number): void => {
    const k = classifyHostValue(v, converters)
    if (k.kind === 'function') {
      throw new ConversionError(
        formatValuePath(path),
        "a host function cannot cross to a worker thread (isolation 'worker'): register a bridge",
      )
    }
    if (k.kind === 'unsupported') throw new ConversionError(formatValuePath(path), `cannot convert ${k.what}`)
    if (k.kind !== 'array' && k.kind !== 'object' && k.kind !== 'map') return
    if (depth >= maxDepth) throw new ConversionError(formatValuePath(path), `nesting deeper than ${maxDepth}`)
    const o = v as object
    if (seen.has(o)) return
    seen.add(o)
    const entries: Iterable<[string | number, unknown]> =
      k.kind === 'map' ? (k.map as Map<string, unknown>).entries() : k.kind === 'array' ? (v as unknown[]).entries() : Object.entries(o)
    for (const [key, child] of entries) {
      path.push(key)
      walk(child, depth + 1)
      path.pop()
    }
  }
  for (const [name, value] of Object.entries(globals)) {
    path.push(name)
    walk(value, 0)
    path.pop()
  }
}
