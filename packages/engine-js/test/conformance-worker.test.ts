import { runConformance } from '@polyhost/conformance'
import { describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { jsSnippets } from './js-snippets.js'

// The conformance kit with isolation 'worker': the same tests as conformance.test.ts, run in
// worker threads; what worker mode refuses by design is skipped (and printed) by the kit.
// Workers load the built packages (dist/): run `pnpm turbo run build` first (the root
// `pnpm test` does).
runConformance(
  { describe, it, expect },
  {
    engine: () => jsEngine(),
    snippets: jsSnippets,
    hostOptions: { isolation: 'worker', workers: 1 },
    // a loaded machine also starts a worker per host
    timeoutMs: 60_000,
  },
)
