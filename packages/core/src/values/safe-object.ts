/** Keys that would reach a prototype if assigned with `obj[key] = v`. */
export const DANGEROUS_KEYS: ReadonlySet<string> = new Set(['__proto__', 'constructor', 'prototype'])

/**
 * Sets `obj[key] = value` as an own data property, even for `__proto__`, `constructor` and
 * `prototype`, so keys coming from scripts never reach host prototypes.
 */
export function setSafe(obj: Record<string, unknown>, key: string, value: unknown): void {
  if (DANGEROUS_KEYS.has(key)) {
    Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true })
  } else {
    obj[key] = value
  }
}

/** A plain object: `{}`, `Object.create(null)`, or one made by a class-free literal. */
export function isPlainObject(v: unknown): v is Record<string, unknown> {
  if (v === null || typeof v !== 'object') return false
  const proto = Object.getPrototypeOf(v)
  return proto === Object.prototype || proto === null
}

/**
 * Deep-freezes plain data (objects and arrays) in place and returns it. Byte arrays cannot be
 * frozen by JavaScript and are left as they are (engines copy them when converting).
 */
export function deepFreeze<T>(value: T, seen = new Set<object>()): T {
  if (value && typeof value === 'object' && !seen.has(value) && !ArrayBuffer.isView(value)) {
    seen.add(value)
    Object.freeze(value)
    for (const k of Object.keys(value)) deepFreeze((value as Record<string, unknown>)[k], seen)
  }
  return value
}

/**
 * The longest array whose keys past its elements are looked for. Listing an array's keys
 * costs a string per element in one uninterrupted call (`Object.keys` of 6 million elements:
 * 1.2–1.7 s), which no time limit can stop: a longer array crosses with its elements only.
 */
export const ARRAY_EXTRA_KEYS_MAX = 1 << 16

/**
 * An array's own enumerable keys that are not its indices (`a.x = 1`, `a['-1']`), in order.
 * `Object.keys` lists the indices first, ascending, so the others are the keys after the last
 * index: found from the end. None for an array longer than ARRAY_EXTRA_KEYS_MAX.
 */
export function arrayExtraKeys(a: readonly unknown[]): string[] {
  if (a.length > ARRAY_EXTRA_KEYS_MAX) return []
  const keys = Object.keys(a)
  const n = a.length
  let i = keys.length
  while (i > 0 && !isIndexKey(keys[i - 1] as string, n)) i--
  return i === keys.length ? [] : keys.slice(i)
}

const isIndexKey = (k: string, length: number): boolean => {
  const i = Number(k)
  return i < length && String(i) === k && Number.isInteger(i) && i >= 0
}
