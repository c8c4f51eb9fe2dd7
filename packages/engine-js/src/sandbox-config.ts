import type { SecurityManager } from '@polyhost/core'
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
  }
}
