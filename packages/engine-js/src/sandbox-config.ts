import type { SecurityManager } from '@polyhost/core/engine'
import type { GuestConfig } from './guest-setup.js'

/** Engine-neutral library names and the QuickJS globals each one stands for. */
const GLOBALS_BY_LIBRARY: Readonly<Record<string, readonly string[]>> = {
  math: ['Math'],
  json: ['JSON'],
  Date: ['Date'],
  Proxy: ['Proxy'],
  Reflect: ['Reflect'],
  WeakRef: ['WeakRef'],
  Promise: ['Promise'],
}

/** Host escapes and cross-execution channels no policy may open in a reused context. */
const ALWAYS_REMOVED = [
  'SharedArrayBuffer',
  'Atomics',
  // a finalizer registered by one execution could run during a later one
  'FinalizationRegistry',
  'WebAssembly',
  'std',
  'os',
  'scriptArgs',
]

/**
 * Translates a resolved policy into what the guest setup script applies. Names with no
 * QuickJS counterpart (`string`, `table`, `os.time`, `io.write`...) change nothing here.
 */
export function guestConfigFor(security: SecurityManager): GuestConfig {
  const remove = [...ALWAYS_REMOVED]
  for (const [library, globals] of Object.entries(GLOBALS_BY_LIBRARY)) {
    if (!security.isAllowed(library)) remove.push(...globals)
  }
  const d = security.policy.determinism
  return {
    remove,
    noRandom: !security.isAllowed('Math.random') || !security.isAllowed('math'),
    noEval: !security.isAllowed('eval'),
    time: d.time,
    random: d.random,
    console: security.isAllowed('console'),
    print: security.isAllowed('print'),
    protectGlobals: security.policy.protectGlobals,
    arrayCap: arrayCapFor(security.policy.limits.memoryBytes),
  }
}

/**
 * The longest array a state can hold densely (8 bytes per element within the memory limit;
 * 2^27 without one), at least 2^20: a longer `length` is an array-like or a sparse array
 * whose native walk would run without an interrupt check (guest-array-bounds.ts).
 */
export function arrayCapFor(memoryBytes: number | false): number {
  if (memoryBytes === false) return 2 ** 27
  return Math.max(2 ** 20, Math.floor(memoryBytes / 8))
}
