import { FAKE_CAPABILITIES, fakeEngine } from '@polyhost/core/testing'
import { describe, expect, it } from 'vitest'
import { runConformance } from '../src/index.js'
import { fakeSnippets } from './fake-snippets.js'

// what the fake engine does not do (run-conformance.test.ts proves these clauses fail on it);
// FakeScript has no random generator or clock, so the tenants area is skipped by the kit
const skip = [
  { reason: 'the fake engine passes host error text to scripts unsanitised', tests: ['errors.host-text'] },
  { reason: 'the fake engine rebuilds custom values the script modified', tests: ['values.host.custom-type-modified'] },
]

// the whole kit but those: the fake engine declares everything it can do
runConformance({ describe, it, expect }, { engine: () => fakeEngine(), snippets: fakeSnippets, skip })

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
    skip,
  },
)
