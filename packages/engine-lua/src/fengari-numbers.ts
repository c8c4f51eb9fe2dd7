import type { SourcePatch } from './fengari-loader.js'
import { PARSER_PATCHES } from './number-patches-parser.js'
import { LIBRARY_PATCHES } from './number-patches-libraries.js'
import { VALUE_PATCHES } from './number-patches-values.js'
import { VM_PATCHES } from './number-patches-vm.js'
import { type NumberMode, NumberRuntime } from './number-runtime.js'

/** The module name under which patched fengari files reach their NumberRuntime (`__num`). */
const RUNTIME_FILE = 'polyhost-numbers.js'

/** Files that call `__num`: each gets `const __num = require('./polyhost-numbers.js')`. */
const USERS = [
  'llimits.js',
  'lvm.js',
  'lobject.js',
  'luaconf.js',
  'lapi.js',
  'ltable.js',
  'lmathlib.js',
  'lstrlib.js',
  'lbaselib.js',
  'ltablib.js',
  'lcode.js',
  'llex.js',
  'ldo.js',
]

/**
 * fengari's number model, replaced: its integers are 32-bit and wrap (`(a + b)|0`). With
 * these patches an integer is a JS number within ±(2^53 − 1); each integer operation gives
 * Lua 5.3's 64-bit result when it fits and raises `integer overflow` otherwise; floats print
 * as C Lua's `%.14g`. In `lua51` mode there is no integer subtype at all (Lua 5.1 doubles).
 * The arithmetic lives in number-runtime.ts; the patches (number-patches-*.ts) only reroute
 * fengari to it.
 */
export function numberPatches(mode: NumberMode): SourcePatch[] {
  const header = USERS.map((file) => ({
    file,
    why: 'numbers: the number runtime is visible to the patched code as __num',
    find: '"use strict";\n',
    replace: `"use strict";\nconst __num = require('./${RUNTIME_FILE}');\n`,
  }))
  const modal: SourcePatch[] =
    mode === 'lua51'
      ? [
          {
            file: 'lobject.js',
            why: 'numbers (5.1): every number is a double; "integers" made anywhere are floats',
            find: '    setivalue(x) {\n        this.type = LUA_TNUMINT;',
            replace: '    setivalue(x) {\n        this.type = LUA_TNUMFLT;',
          },
        ]
      : []
  return [...header, ...modal, ...VALUE_PATCHES, ...VM_PATCHES, ...PARSER_PATCHES, ...LIBRARY_PATCHES]
}

/** The substitute module that gives the patched files their runtime. */
export function numberSubstitutes(mode: NumberMode): Record<string, unknown> {
  return { [RUNTIME_FILE]: new NumberRuntime(mode) }
}
