import { SMALL_WORK } from './guest-heavy-builtins.js'

/**
 * Guest source of `boundCopyingBuiltins(G, charge, isScriptProxy, wrapping)`, spliced into the
 * setup script beside `boundHeavyBuiltins` and called after it, before the intrinsics are
 * discovered (the wrappers are then frozen with the rest).
 *
 * Why: these builtins copy their input whole in one call, one tick of QuickJS's interrupt
 * budget however long, so a loop of them ran a whole budget of calls (1,000) between two
 * deadline checks. Inline, under a 1 s limit (a loaded 2-core machine):
 * - `let s = 'x'.repeat(3e7); for (;;) s = s.substring(1)` (or `slice`, `substr`) held the
 *   host 3.5–5 s: each call copies the ~30 MB left;
 * - `[].push.apply([], { length: 6e4 })` in a loop 1.4–2.8 s (~45–75 ns an element of an
 *   array-like, read as a property, then passed).
 *
 * What each charges (see guest-heavy-builtins.ts for `charge`), read so that no script code
 * runs and a script sees no extra read:
 * - `slice` / `substring` / `substr` of a string: the length of the copy returned, after the call
 *   (wrapped with the other result-sized string builtins in guest-heavy-builtins.ts);
 * - `Function.prototype.apply`: the length of an argument list (an array, a typed array, or an
 *   object whose own `length` is a number data property), ARGUMENT units an element, before the
 *   call. A Proxy a script made (`isScriptProxy`) is not read: its traps would see it.
 * Small calls pay one wrapper call and a few type tests. Not wrapped (README): `Object.assign`,
 * whose work object spread does as syntax (`{ ...a }` of a 1e5-element array in a loop: 26.9 s
 * of 1 s), while a wrapper cost more than the builtin's call; `Reflect.apply`, which the guest's
 * own copying captures after these wrappers are made (guest/copy.ts) and calls per key.
 */
export const GUEST_COPYING_BUILTINS = `function boundCopyingBuiltins(G, charge, isScriptProxy, { callOf, wrap }) {
  const SMALL = ${SMALL_WORK}, ARGUMENT = 64;
  const isArray = Array.isArray, getOwnPropertyDescriptor = Object.getOwnPropertyDescriptor, getPrototypeOf = Object.getPrototypeOf;
  const isView = G.ArrayBuffer ? G.ArrayBuffer.isView : () => false;
  const TA = G.Uint8Array && getPrototypeOf(G.Uint8Array.prototype);
  const lengthOfTyped = TA ? callOf(getOwnPropertyDescriptor(TA, 'length').get) : () => 0;
  // a typed array's length (a DataView has none)
  const typedLength = (x) => { try { return lengthOfTyped(x); } catch { return 0; } };
  // an argument list's length, when reading it runs no script code
  const listLength = (x) => {
    if (isArray(x)) return isScriptProxy(x) ? 0 : x.length;
    if (isView(x)) return typedLength(x);
    if (isScriptProxy(x)) return 0;
    const d = getOwnPropertyDescriptor(x, 'length');
    return d !== undefined && typeof d.value === 'number' ? d.value : 0;
  };
  // a second argument left out is the same as undefined
  wrap(G.Function.prototype, 'apply', (original) => {
    const c = callOf(original);
    return { apply(self, list) {
      if (typeof list === 'object' && list !== null) {
        const n = listLength(list);
        if (n >= SMALL / ARGUMENT) charge(n * ARGUMENT);
      }
      return c(this, self, list);
    } }.apply;
  });
}`
