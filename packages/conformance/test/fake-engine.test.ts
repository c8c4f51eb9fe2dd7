import { fakeEngine } from '@polyhost/core/testing'
import { describe, expect, it } from 'vitest'
import { runConformance } from '../src/index.js'
import { fakeSnippets } from './fake-snippets.js'

runConformance({ describe, it, expect }, { engine: () => fakeEngine(), snippets: fakeSnippets })
