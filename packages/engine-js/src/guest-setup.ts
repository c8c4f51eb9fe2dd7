import { guestConversions } from './guest/convert.js'
import { guestCopy } from './guest/copy.js'
import { guestSlots } from './guest/slots.js'
import { guestLockdown } from './guest/lockdown.js'
import { guestSetup } from './guest/setup.js'
import { GUEST_ARRAY_BOUNDS } from './guest-array-bounds.js'
import { GUEST_BIGINT_TEXT } from './guest-bigint-text.js'
import { GUEST_COPYING_BUILTINS } from './guest-copying-builtins.js'
import { GUEST_HEAVY_BUILTINS } from './guest-heavy-builtins.js'
import { GUEST_INTRINSICS } from './guest-intrinsics.js'
import { GUEST_OBJECT_WALKS } from './guest-object-walks.js'
import { GUEST_NUMBER_TEXT } from './guest-number-text.js'
import { GUEST_STRING_SEARCH } from './guest-string-search.js'
import { GUEST_UNICODE_TEXT } from './guest-unicode-text.js'

/**
 * What the setup script receives (as JSON): the resolved policy translated for QuickJS.
 */
export interface GuestConfig {
  /** Globals the policy denies (deleted before lockdown). */
  readonly remove: readonly string[]
  /** `Math.random` denied. */
  readonly noRandom: boolean
  /** No dynamic code: `eval` is deleted and every Function constructor throws. */
  readonly noEval: boolean
  readonly time: 'real' | 'frozen'
  readonly random: 'real' | 'seeded'
  readonly console: boolean
  readonly print: boolean
  /** globals.protect: an assignment creating a global object property fails (guest/lockdown.ts). */
  readonly protectGlobals: boolean
  /** Longest array length the generic Array methods accept (see guest-array-bounds). */
  readonly arrayCap: number
  /** Realm signatures whose discovery needs no factory calls (see guest-intrinsics). */
  readonly knownRealms?: readonly string[]
}

/**
 * Guest source of `builtinWrapping()`, which the setup calls once, before any builtin is
 * replaced, and whose `{ callOf, wrap }` it hands to every `bound*` function (guest-array-bounds,
 * guest-bigint-text, guest-copying-builtins, guest-heavy-builtins, guest-number-text, guest-object-walks, guest-string-search,
 * guest-unicode-text):
 * - `callOf(f)` is `f` as a plain function of its receiver then its arguments (`Function.prototype.call`
 *   bound to `f`): a bound call costs a third of `Reflect.apply` with an array;
 * - `wrap(o, key, make)` replaces the builtin `o[key]` (a data property holding a function, else
 *   nothing is done) by `make(original)`, with the builtin's `name`, `length` and attributes. A
 *   builtin found under two keys (`trimStart` and `trimLeft`, `parseFloat` and `Number.parseFloat`)
 *   gets one wrapper, the one its first wrap made, so the two stay the same function;
 * - `originalOf(f)` is the builtin under a wrapper `f` (under each layer, when a wrapper was wrapped
 *   again), else `f` itself: a guest script that calls a builtin for its own work captures
 *   `originalOf(o[key])`, the real builtin whatever order the `bound*` functions run in (a
 *   short join's check of its text went through the `includes` wrapper, two guest calls a join).
 */
const GUEST_WRAPPING = `function builtinWrapping() {
  const apply = Reflect.apply, bind = Function.prototype.bind, call = Function.prototype.call;
  const defineProperty = Object.defineProperty, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor;
  const callOf = (f) => apply(bind, call, [f]);
  const wrappers = new Map(), originals = new Map();
  const wrap = (o, key, make) => {
    const d = getOwnPropertyDescriptor(o, key);
    if (!d || typeof d.value !== 'function') return;
    const original = d.value;
    let wrapper = wrappers.get(original);
    if (!wrapper) {
      wrapper = make(original);
      defineProperty(wrapper, 'name', { value: original.name, configurable: true });
      defineProperty(wrapper, 'length', { value: original.length, configurable: true });
      wrappers.set(original, wrapper);
      originals.set(wrapper, original);
    }
    defineProperty(o, key, { ...d, value: wrapper });
  };
  const originalOf = (f) => {
    for (let o = originals.get(f); o !== undefined; o = originals.get(f)) f = o;
    return f;
  };
  return { callOf, wrap, originalOf };
}`

/**
 * The guest half of the sandbox, evaluated once per state as sloppy global code. Its value is
 * `setup(configJson, hostLog, hostEntropy, hostPoll, hostFits)` (guest/setup.ts), which captures the intrinsics it
 * needs, applies the policy, and returns the helpers the host calls (never reachable from
 * scripts: the object is only held by host handles). `lockdown()` (guest/lockdown.ts) then
 * hardens every intrinsic (SES model) so that the context can be reused: scripts cannot change
 * anything shared, and what they add to `globalThis` is deleted by `reset()`.
 *
 * The guest functions are real source, type-checked and linted; their text (as compiled, types
 * stripped, compacted by `compact`, as are the GUEST_* texts) is joined here once when the module loads, so creating
 * a state reads no file. Each is bound to the name the setup code calls it by: a bundler may
 * have renamed the function itself.
 *
 * `undefined`, `NaN` and `Infinity` are declared first as local constants, so every guest
 * function reads these bindings, never the global object's properties: QuickJS lets
 * `Object.defineProperty(globalThis, 'undefined', { value: x })` change the value of the
 * global object's non-writable, non-configurable properties, and a script that did so would
 * otherwise turn off the wrappers' own checks (`x === undefined`) for the rest of its run.
 */
export const GUEST_SETUP = compact(`(function () {
  'use strict';
  const undefined = void 0, NaN = 0 / 0, Infinity = 1 / 0;
  ${GUEST_WRAPPING}
  ${GUEST_INTRINSICS}
  ${GUEST_ARRAY_BOUNDS}
  ${GUEST_BIGINT_TEXT}
  ${GUEST_HEAVY_BUILTINS}
  ${GUEST_COPYING_BUILTINS}
  ${GUEST_NUMBER_TEXT}
  ${GUEST_OBJECT_WALKS}
  ${GUEST_STRING_SEARCH}
  ${GUEST_UNICODE_TEXT}
  const guestSlots = ${guestSlots.toString()};
  const guestCopy = ${guestCopy.toString()};
  const guestConversions = ${guestConversions.toString()};
  const guestLockdown = ${guestLockdown.toString()};
  return (${guestSetup.toString()});
})()`)

// --- internal ---

/**
 * Guest source without indentation and comments. Every state parses it, and QuickJS keeps
 * each function's source text (for `toString`) in every state's heap, so each comment and
 * indent of a live guest function was copied into every state. This changes no token
 * because the guest sources (src/guest/ and the GUEST_* texts) keep to two rules: no
 * multi-line strings or templates, and no `//` inside a string or regular expression
 * (`test/guest-text.test.ts` compares the tokens).
 */
export function compact(text: string): string {
  return text
    .replace(/^[ \t]+/gm, '')
    .replace(/^\/\/.*\n/gm, '')
    .replace(/[ \t]+\/\/.*$/gm, '')
}
