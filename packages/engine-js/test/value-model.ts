// Test-only: the value model's mapping applied to a host value, and a canonical form that
// tells apart what the value model keeps apart (-0, NaN, undefined vs null vs a hole read as
// undefined, own keys in order, arrays vs objects, Dates, bytes, BigInts).

/** The documented mapping failed here: a ConversionError at `path`. */
export class Refused {
  constructor(readonly path: string) {}
}

const IDENT = /^[A-Za-z_$][\w$]*$/
const step = (path: string, key: string | number) =>
  typeof key === 'number' ? `${path}[${key}]` : IDENT.test(key) ? `${path}.${key}` : `${path}[${JSON.stringify(key)}]`

const isIndex = (k: string, length: number) => String(Number(k) >>> 0) === k && Number(k) < length

/**
 * A host value as it comes back from a round trip through the guest, per the value model:
 * ArrayBuffer → Uint8Array, Map with string keys → object, a hole → undefined, Dates and bytes
 * copied, an array's own properties kept; from a script (`guestMade`) a Date, Map or ArrayBuffer
 * with own properties is refused; a symbol, Set, other typed array, class instance, non-string Map key, cycle or
 * nesting deeper than `maxDepth` throws Refused naming the path.
 */
export function modelRoundTrip(root: unknown, maxDepth: number, at = '$', guestMade = false): unknown {
  const ancestors: object[] = []
  const walk = (v: unknown, path: string): unknown => {
    if (typeof v === 'symbol' || typeof v === 'function') throw new Refused(path)
    if (v === null || typeof v !== 'object') return v
    const proto = Object.getPrototypeOf(v)
    // from a script, a Date, Map or ArrayBuffer with own enumerable properties is refused
    const bare = <T>(copy: T): T => {
      if (guestMade && Object.keys(v).length) throw new Refused(path)
      return copy
    }
    if (proto === Date.prototype) return bare(new Date((v as Date).getTime()))
    if (proto === Uint8Array.prototype) return (v as Uint8Array).slice()
    if (proto === ArrayBuffer.prototype) return bare(new Uint8Array((v as ArrayBuffer).slice(0)))
    const enter = () => {
      if (ancestors.includes(v)) throw new Refused(path)
      if (ancestors.length >= maxDepth) throw new Refused(path)
      ancestors.push(v)
    }
    let out: unknown
    if (Array.isArray(v) && proto === Array.prototype) {
      enter()
      // core's MAX_ENTRIES: a longer array (a[4294967294] = 1) is refused whatever the limits
      if (v.length > 2 ** 24) throw new Refused(path)
      const a = Array.from({ length: v.length }, (_, i) => walk(v[i], step(path, i)))
      // own properties past the elements cross too, as structuredClone keeps them
      for (const k of Object.keys(v)) {
        if (!isIndex(k, v.length)) def(a, k, walk((v as unknown as Record<string, unknown>)[k], step(path, k)))
      }
      out = a
    } else if (v instanceof Map && proto === Map.prototype) {
      bare(undefined)
      for (const k of v.keys()) if (typeof k !== 'string') throw new Refused(step(path, String(k)))
      enter()
      const o = {}
      for (const [k, x] of v) def(o, k, walk(x, step(path, k)))
      out = o
    } else if (proto === Object.prototype || proto === null) {
      enter()
      const o = {}
      for (const k of Object.keys(v)) def(o, k, walk((v as Record<string, unknown>)[k], step(path, k)))
      out = o
    } else throw new Refused(path)
    ancestors.pop()
    return out
  }
  return walk(root, at)
}

function def(o: object, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true })
}

/** A JSON-comparable form that keeps every distinction the value model makes. */
export function canon(x: unknown): unknown {
  switch (typeof x) {
    case 'undefined':
      return ['undefined']
    case 'number':
      return ['number', Object.is(x, -0) ? '-0' : String(x)]
    case 'bigint':
      return ['bigint', String(x)]
    case 'string':
      return ['string', x]
    case 'boolean':
      return x
    case 'symbol':
    case 'function':
      return [typeof x]
  }
  if (x === null) return null
  if (x instanceof Date) return ['Date', Object.getPrototypeOf(x) === Date.prototype, String(x.getTime()), Object.keys(x)]
  if (x instanceof Uint8Array) return ['bytes', Object.getPrototypeOf(x) === Uint8Array.prototype, [...x]]
  const proto = Object.getPrototypeOf(x)
  if (Array.isArray(x)) {
    const extras = Object.keys(x).filter((k) => !isIndex(k, x.length))
    return [
      'array',
      proto === Array.prototype,
      Array.from({ length: x.length }, (_, i) => canon(x[i])),
      extras.map((k) => [k, canon((x as unknown as Record<string, unknown>)[k])]),
    ]
  }
  const o = x as Record<string, unknown>
  const name = proto === Object.prototype ? 'object' : proto === null ? 'null-prototype' : `instance of ${proto?.constructor?.name}`
  return [name, Object.keys(o).map((k) => [k, canon(o[k])])]
}

/** structuredClone in the value model's terms, to cross-check modelRoundTrip where clone applies. */
export function cloneModel(x: unknown): unknown {
  const model = (v: unknown): unknown => {
    if (v instanceof ArrayBuffer) return new Uint8Array(v)
    if (v instanceof Map) return Object.fromEntries([...v].map(([k, y]) => [k, model(y)]))
    if (Array.isArray(v)) {
      const out = Array.from(v, model)
      for (const k of Object.keys(v).filter((k) => !isIndex(k, v.length))) def(out, k, model((v as unknown as Record<string, unknown>)[k]))
      return out
    }
    if (v && typeof v === 'object' && !(v instanceof Date) && !(v instanceof Uint8Array)) {
      const o = {}
      for (const [k, y] of Object.entries(v)) def(o, k, model(y))
      return o
    }
    return v
  }
  return model(structuredClone(x))
}
