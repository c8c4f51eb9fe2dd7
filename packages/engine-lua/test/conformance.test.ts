import { runConformance } from '@polyhost/conformance'
import { describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { luaSnippets } from './lua-snippets.js'

runConformance({ describe, it, expect }, { engine: () => luaEngine(), snippets: luaSnippets })
