/**
 * Bridge results whose reading fails in host code: getters and Proxy traps that throw
 * errors naming host files and carrying host stack frames, and functions whose source text
 * is secret. Made from a seed, so a failing case can be replayed. Every text a script or the
 * host may see about them must pass the sanitiser: none of `HOST_SECRETS` may appear.
 */
export const HOST_SECRETS = ['/srv/app', 'secrets.json', 'SECRET_SOURCE', 'node:internal', '(<anonymous>)'] as const

/** A hostile value and what it is, for failure messages. */
export interface HostileCase {
  readonly label: string
  readonly value: () => unknown
}

/** `count` hostile bridge results from `seed`. */
export function hostileValues(seed: number, count: number): HostileCase[] {
  let s = seed >>> 0 || 1
  const next = (n: number) => {
    s = (Math.imul(s, 1103515245) + 12345) >>> 0
    return s % n
  }
  const out: HostileCase[] = []
  for (let i = 0; i < count; i++) {
    const kind = next(KINDS.length)
    const depth = next(3)
    const [label, make] = KINDS[kind] as [string, () => unknown]
    out.push({ label: `${label} at depth ${depth}`, value: () => wrap(make(), depth, next) })
  }
  return out
}

// --- internal ---

function hostError(): Error {
  const e = new Error('ENOENT: no such file /srv/app/config/secrets.json')
  e.stack = `Error: ENOENT\n    at read (/srv/app/lib/store.js:4:11)\n    at node:internal/fs/promises:10:1\n    at Object.get (<anonymous>)`
  return e
}

const KINDS: [string, () => unknown][] = [
  [
    'throwing getter',
    () => ({
      get x() {
        throw hostError()
      },
    }),
  ],
  [
    'getter throwing a string',
    () => ({
      get x() {
        throw 'failed at /srv/app/lib/a.js:1:2'
      },
    }),
  ],
  [
    'proxy get trap',
    () =>
      new Proxy(
        { a: 1 },
        {
          get() {
            throw hostError()
          },
        },
      ),
  ],
  [
    'proxy ownKeys trap',
    () =>
      new Proxy(
        { a: 1 },
        {
          ownKeys() {
            throw hostError()
          },
        },
      ),
  ],
  [
    'proxy getPrototypeOf trap',
    () =>
      new Proxy(
        {},
        {
          getPrototypeOf() {
            throw hostError()
          },
        },
      ),
  ],
  [
    'proxy descriptor trap',
    () =>
      new Proxy(
        { a: 1 },
        {
          getOwnPropertyDescriptor() {
            throw hostError()
          },
        },
      ),
  ],
  [
    'error with a throwing message',
    () => ({
      get x() {
        throw new Proxy(new Error('x'), {
          get() {
            throw hostError()
          },
        })
      },
    }),
  ],
  [
    'function with secret source',
    () => ({
      // V8 quotes a function's source text when structured clone refuses it
      f: () => 'SECRET_SOURCE /srv/app/key',
    }),
  ],
]

function wrap(v: unknown, depth: number, next: (n: number) => number): unknown {
  let out = v
  for (let d = 0; d < depth; d++) out = next(2) ? [1, out] : { ok: 'x', inner: out }
  return out
}
