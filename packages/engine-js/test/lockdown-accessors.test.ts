import { describe } from 'vitest'
import { itAnswersAsRaw, rawDifferential } from './raw-differential.js'

// Lockdown turns the frozen prototypes' toString, valueOf, toLocaleString and constructor into
// accessor pairs (the "override mistake" fix, guest/lockdown.ts), so `obj.toString = f` still
// works on objects below them. Those getters and setters stand where QuickJS has a builtin
// method: like it, each is no constructor and has no `prototype` of its own. A function with
// one was also one more object and shape that lockdown froze into every state's memory.

const d = rawDifferential()

/** Per accessor (or, in raw QuickJS, the method it stands for): own `prototype`, constructor. */
const KINDS = (pairs: string) => `(() => {
  const kind = (f) => {
    let ctor = 'constructor'
    try { Reflect.construct(String, [], f) } catch { ctor = 'not a constructor' }
    return Object.hasOwn(f, 'prototype') + '/' + ctor
  }
  const out = []
  for (const [o, k] of ${pairs}) {
    const p = Object.getOwnPropertyDescriptor(o, k)
    for (const f of 'value' in p ? [p.value, p.value] : [p.get, p.set]) out.push(kind(f))
  }
  return out.join(',')
})()`

describe('the accessors lockdown puts in place of builtin methods', () => {
  itAnswersAsRaw(d, {
    'Object.prototype': KINDS("[[Object.prototype, 'toString'], [Object.prototype, 'valueOf'], [Object.prototype, 'toLocaleString']]"),
    'other prototypes': KINDS(
      "[[Array.prototype, 'toString'], [Error.prototype, 'toString'], [Number.prototype, 'valueOf'], [Date.prototype, 'toLocaleString'], [Function.prototype, 'toString'], [RegExp.prototype, 'toString']]",
    ),
    'a getter called with new':
      '(() => { try { new (Object.getOwnPropertyDescriptor(Object.prototype, "toString").get ?? Object.prototype.toString)(); return "made" } catch (e) { return e.name } })()',
    'an override still works': '(() => { const o = {}; o.toString = () => "mine"; return String(o) + "," + String({}) })()',
  })
})
