import { FAKE_CAPABILITIES, fakeEngine } from '@polyhost/core/testing'
import { describe, expect, it } from 'vitest'
import { runConformance } from '../src/index.js'
import { fakeSnippets } from './fake-snippets.js'

// the whole kit, no skips: the fake engine declares everything it can do
runConformance({ describe, it, expect }, { engine: () => fakeEngine(), snippets: fakeSnippets })

// an engine declaring less: capability-derived skips only, and the engine still conforms
const { returnMany: _many, numberKind: _kind, moduleExporting: _mod, requireModule: _req, ...lesser } = fakeSnippets
runConformance(
  { describe, it, expect },
  {
    engine: () =>
      fakeEngine({
        id: 'fake-lesser',
        capabilities: {
          limits: { ...FAKE_CAPABILITIES.limits, memory: 'none', stack: 'none' },
          asyncBridges: false,
          modules: false,
          multipleReturns: false,
          integerRange: undefined,
        },
      }),
    snippets: lesser,
  },
)
