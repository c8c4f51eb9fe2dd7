/**
 * A script that audits, from inside the sandbox, that everything a script can reach and
 * that outlives its execution is frozen. It is written apart from the engine's lockdown (no
 * shared list): it walks from `globalThis` and from syntax probes, follows prototypes, own
 * properties, getters and setters, calls getters on their holders, constructs each
 * constructor with no arguments and calls each zero-length method of that instance.
 *
 * What a probe or a call makes is new on every run and may stay unfrozen: each probe lists
 * its new objects, and instances made by the walk are exempt themselves (what they lead to
 * is not). The script's value is `{ checked, unfrozen, probes }`.
 */
export const AUDIT_SCRIPT = `
const { getPrototypeOf, getOwnPropertyDescriptor, isFrozen } = Object
const probes = {
  'iterator helper': () => { const a = [].values(); return [a, a.map((x) => x), a.filter((x) => x), a.take(1), a.drop(0), a.flatMap((x) => [x])] },
  'wrap-for-valid-iterator': () => { const o = { next() { return { done: true } } }; return [o, Iterator.from(o)] },
  'Iterator.concat': () => (typeof Iterator.concat === 'function' ? [Iterator.concat([])] : []),
  'array iterator': () => [[][Symbol.iterator](), [].keys(), [].entries()],
  'string iterator': () => [''[Symbol.iterator]()],
  'map/set iterators': () => { const m = new Map(), s = new Set(); return [m, s, m.keys(), m.entries(), s.values(), s.entries()] },
  'regexp string iterator': () => { const r = /a/g; return [r, r[Symbol.matchAll]('a'), 'a'.matchAll(/a/g)] },
  generator: () => { const g = function* () {}; return [g, g.prototype, g()] },
  'async generator': () => { const g = async function* () {}; return [g, g.prototype, g()] },
  'async function': () => { const f = async function () {}; const a = async () => {}; return [f, a, f(), a()] },
  'arrow and class': () => { const a = () => {}; class C {}; return [a, C, C.prototype, new C()] },
  'strict arguments': () => { const f = function () { return arguments }; return [f, f.prototype, f()] },
  'sloppy arguments': () => {
    if (typeof eval !== 'function') return []
    const f = (0, eval)('(function () { return arguments })')
    return [f, f.prototype, f()]
  },
  'promise resolving functions': () => {
    const out = []
    const p = new Promise((resolve, reject) => out.push(resolve, reject))
    const w = Promise.withResolvers()
    return [p, ...out, w, w.promise, w.resolve, w.reject]
  },
  'bound function': () => { const f = function () {}; const b = f.bind(null); return [f, f.prototype, b] },
  'typed array': () => [new Uint8Array(1), new Float64Array(1), new BigInt64Array(1), new DataView(new ArrayBuffer(1))],
  error: () => { const e = new TypeError('x'); return [e] },
  'regexp exec result': () => { const m = /(?<a>x)/d.exec('x'); return [m, m.groups, m.indices, m.indices.groups] },
}
const fresh = new Set()
const seen = new Set()
// shared paths first: what a new object holds is new too, unless something shared leads there
const shared = [[globalThis, 'globalThis']]
const owned = []
for (const [name, probe] of Object.entries(probes)) {
  let made
  try { made = probe() } catch (e) { continue }
  made.forEach((v, i) => { fresh.add(v); owned.push([v, name + '[' + i + ']']) })
}
const unfrozen = []
const isObject = (v) => v !== null && (typeof v === 'object' || typeof v === 'function')
const made = (v, path) => {
  if (!isObject(v) || seen.has(v)) return
  fresh.add(v)
  owned.push([v, path])
}
while (shared.length > 0 || owned.length > 0) {
  const [o, path] = shared.length > 0 ? shared.pop() : owned.pop()
  if (!isObject(o) || seen.has(o)) continue
  seen.add(o)
  const mine = fresh.has(o)
  if (o !== globalThis && !mine && !isFrozen(o)) unfrozen.push(path)
  shared.push([getPrototypeOf(o), path + '.__proto__'])
  for (const k of Reflect.ownKeys(o)) {
    const d = getOwnPropertyDescriptor(o, k)
    const at = path + '.' + String(k)
    const children = 'value' in d ? [[d.value, at]] : [[d.get, at + '<get>'], [d.set, at + '<set>']]
    for (const c of children) {
      if (!mine) shared.push(c)
      else if (isObject(c[0]) && !seen.has(c[0])) made(c[0], c[1])
    }
    if (!('value' in d) && d.get && !mine) { try { made(Reflect.apply(d.get, o, []), at + '()') } catch (e) {} }
  }
  if (typeof o === 'function' && !mine) {
    let x
    try { x = Reflect.construct(o, []) } catch (e) { continue }
    made(x, 'new ' + path + '()')
    for (let p = getPrototypeOf(x); p !== null; p = getPrototypeOf(p)) {
      for (const k of Reflect.ownKeys(p)) {
        const d = getOwnPropertyDescriptor(p, k)
        if (k === 'constructor' || !('value' in d) || typeof d.value !== 'function' || d.value.length !== 0) continue
        try { made(Reflect.apply(d.value, x, []), 'new ' + path + '().' + String(k) + '()') } catch (e) {}
      }
    }
  }
}
;({ checked: seen.size - fresh.size, unfrozen: unfrozen.slice(0, 30), count: unfrozen.length, probes: Object.keys(probes).length })
`
