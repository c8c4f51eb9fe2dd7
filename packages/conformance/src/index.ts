export { conformanceFailure, conformanceTests, runConformance } from './run-conformance.js'
export { ALL_AREAS } from './areas.js'
export { isolationSkips } from './isolation-skips.js'
export type { EngineSnippets, ScriptLiteral, Snippet } from './snippets.js'
export type {
  Assertion,
  ConformanceArea,
  ConformanceHostOptions,
  ConformanceOptions,
  ConformanceTest,
  ExpectFunction,
  Need,
  SkipEntry,
  TestFunction,
  TestRunner,
} from './types.js'
export type { HostSetup, TestKit } from './kit.js'
