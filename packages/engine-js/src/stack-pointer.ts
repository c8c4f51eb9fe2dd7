import { Reader, walkImports } from './wasm-layout.js'

/** Where a module keeps its stack pointer and how to read it. */
export interface StackPointerInfo {
  /** The export whose whole body is `global.get $sp` (Emscripten's `emscripten_stack_get_current`). */
  readonly exportName: string
  /** The pointer's initial value: where it stands whenever no call into the module is running. */
  readonly initial: number
}

/**
 * Finds an Emscripten module's stack pointer (its first global, a mutable i32) and the export
 * that reads it, from the module's bytes. Undefined when the module is not laid out that way.
 * With it the host can tell that no call into an instance is still running (the pointer is
 * back at its initial value): a call that unwound abnormally leaves it lower.
 */
export function stackPointerOf(bytes: Uint8Array): StackPointerInfo | undefined {
  const r = new Reader(bytes)
  let importedFunctions = 0
  let initial: number | undefined
  const exports = new Map<number, string>()
  let bodies: Map<number, boolean> | undefined
  r.at = 8
  while (r.at < bytes.length) {
    const id = r.byte()
    const size = r.u32()
    const end = r.at + size
    if (id === 2) importedFunctions = walkImports(r)
    else if (id === 6) initial = firstGlobal(r)
    else if (id === 7) readExports(r, exports)
    else if (id === 10) bodies = readsGlobalZero(r, importedFunctions)
    r.at = end
  }
  if (initial === undefined || !bodies) return undefined
  for (const [index, name] of exports) if (bodies.get(index)) return { exportName: name, initial }
  return undefined
}

// --- internal ---

/** The initial value of global 0 when it is a mutable i32 set by `i32.const`. */
function firstGlobal(r: Reader): number | undefined {
  if (r.u32() === 0) return undefined
  const type = r.byte()
  const mutable = r.byte()
  if (type !== 0x7f || mutable !== 1 || r.byte() !== 0x41) return undefined
  const v = r.s32() >>> 0
  return r.byte() === 0x0b ? v : undefined
}

function readExports(r: Reader, into: Map<number, string>): void {
  const count = r.u32()
  const decoder = new TextDecoder()
  for (let i = 0; i < count; i++) {
    const len = r.u32()
    const name = decoder.decode(r.bytes(len))
    const kind = r.byte()
    const index = r.u32()
    if (kind === 0) into.set(index, name)
  }
}

/** Function indexes whose body is exactly: no locals, `global.get 0`, `end`. */
function readsGlobalZero(r: Reader, importedFunctions: number): Map<number, boolean> {
  const found = new Map<number, boolean>()
  const count = r.u32()
  for (let i = 0; i < count; i++) {
    const size = r.u32()
    const at = r.at
    if (size === 4 && r.byte() === 0 && r.byte() === 0x23 && r.byte() === 0 && r.byte() === 0x0b) found.set(importedFunctions + i, true)
    r.at = at + size
  }
  return found
}
