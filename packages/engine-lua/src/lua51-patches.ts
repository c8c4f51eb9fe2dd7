import type { SourcePatch } from './fengari-loader.js'
import { LUA51_ERROR_PATCHES } from './lua51-error-patches.js'
import { LUA51_FORMAT_PATCHES } from './lua51-format-patches.js'
import { LUA51_INTEGER_PATCHES } from './lua51-integer-patches.js'
import { LUA51_SORT_PATCHES } from './lua51-sort-patches.js'
import { LUA51_SYNTAX_PATCHES } from './lua51-syntax-patches.js'
import { LUA51_VM_PATCHES } from './lua51-vm-patches.js'
import { LUA51_INTEGERS, LUA51_INTEGERS_FILE } from './lua51-integers.js'
import { LUA51_LIBRARY_PATCHES } from './lua51-library-patches.js'
import { LUA51_PATTERN_PATCHES } from './lua51-pattern-patches.js'
import { LUA51_TABLE_PATCHES } from './lua51-table-patches.js'

/**
 * Every fengari patch of the `numbers: 'lua51'` mode, in the order they apply (after the
 * number patches, whose text some extend). Each change is behind `__num.lua51`.
 */
export const LUA51_PATCHES: readonly SourcePatch[] = [
  ...LUA51_LIBRARY_PATCHES,
  ...LUA51_PATTERN_PATCHES,
  ...LUA51_FORMAT_PATCHES,
  ...LUA51_INTEGER_PATCHES,
  ...LUA51_TABLE_PATCHES,
  ...LUA51_VM_PATCHES,
  ...LUA51_SORT_PATCHES,
  ...LUA51_ERROR_PATCHES,
  ...LUA51_SYNTAX_PATCHES,
]

/** The modules the 5.1 patches require (the same in both modes: the patches check the mode). */
export const LUA51_SUBSTITUTES: Readonly<Record<string, unknown>> = { [LUA51_INTEGERS_FILE]: LUA51_INTEGERS }
