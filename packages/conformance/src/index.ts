export { runConformance } from './run-conformance.js'
export { ALL_AREAS } from './areas.js'
export type { EngineSnippets, ScriptLiteral, Snippet } from './snippets.js'
export type {
  Assertion,
  ConformanceArea,
  ConformanceOptions,
  ConformanceTest,
  ExpectFunction,
  Need,
  SkipEntry,
  TestFunction,
  TestRunner,
} from './types.js'
export type { HostSetup, TestKit } from './kit.js'
