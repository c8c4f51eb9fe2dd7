import { runConformance } from '@polyhost/conformance'
import { describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { jsSnippets } from './js-snippets.js'

runConformance({ describe, it, expect }, { engine: () => jsEngine(), snippets: jsSnippets })
