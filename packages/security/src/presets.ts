import type { ResolvedLimits } from './limits.js'
import { SAFE_LIBRARIES } from './libraries.js'

export const PRESET_NAMES = ['minimal', 'standard', 'strict'] as const
export type PresetName = (typeof PRESET_NAMES)[number]

/** What a preset decides before a policy's own adjustments. */
export interface PresetDefinition {
  readonly libraries: readonly string[]
  readonly protectGlobals: boolean
  readonly readOnlyBuiltins: boolean
  readonly limits: ResolvedLimits
}

const MiB = 1024 * 1024

/**
 * `minimal`: trusted code, host escapes removed. `standard` (default): no file, process or
 * OS access, no binary chunks, no `string.dump`, no debug library. `strict`: also no dynamic
 * code, read-only builtins and library tables, writes to undeclared globals fail.
 */
export const PRESETS: Readonly<Record<PresetName, PresetDefinition>> = {
  minimal: {
    libraries: [...SAFE_LIBRARIES, 'eval', 'string.dump', 'debug.traceback'],
    protectGlobals: false,
    readOnlyBuiltins: false,
    limits: {
      instructions: 1_000_000_000,
      timeoutMs: 30_000,
      memoryBytes: 256 * MiB,
      stackDepth: 200_000,
      bridgeCalls: 1_000_000,
      outputBytes: 4 * MiB,
      sourceBytes: 16 * MiB,
    },
  },
  standard: {
    libraries: [...SAFE_LIBRARIES, 'eval', 'debug.traceback'],
    protectGlobals: false,
    readOnlyBuiltins: false,
    limits: {
      instructions: 100_000_000,
      timeoutMs: 5_000,
      memoryBytes: 64 * MiB,
      stackDepth: 1_000,
      bridgeCalls: 10_000,
      outputBytes: 1 * MiB,
      sourceBytes: 1 * MiB,
    },
  },
  strict: {
    libraries: SAFE_LIBRARIES.filter((l) => l !== 'Proxy' && l !== 'WeakRef'),
    protectGlobals: true,
    readOnlyBuiltins: true,
    limits: {
      instructions: 10_000_000,
      timeoutMs: 1_000,
      memoryBytes: 16 * MiB,
      stackDepth: 200,
      bridgeCalls: 1_000,
      outputBytes: 64 * 1024,
      sourceBytes: 1 * MiB,
    },
  },
}
