import { PAGE } from './heap-guard.js'

/** Heap room above the static layout a new memory starts with (grown on demand past it). */
const HEAP_HEADROOM_PAGES = 16

/** What `shrinkMemoryImport` did to a module's bytes. */
export interface MemoryLayout {
  /** Pages a memory for the module starts with: its data and stack plus some heap. */
  readonly initialPages: number
  /** The minimum the module declared before the patch. */
  readonly declaredPages: number
}

/**
 * Lowers the minimum size of the memory an Emscripten module imports (`bytes` is patched in
 * place) to what its static layout needs — data segments, and the stack, whose top the
 * module's i32 globals hold — plus a little heap, so each instance can start with a smaller
 * `WebAssembly.Memory`. QuickJS builds declare 16 MiB; about 5.1 MiB of that is the static
 * layout (a 5 MiB stack) and the rest is heap, which Emscripten grows itself when malloc
 * needs more. V8 counts every memory's size as external memory and collects garbage when it
 * adds up, so every new state paid for 16 MiB it does not touch.
 *
 * Undefined (bytes untouched) when the module has no memory import or the minimum cannot be
 * rewritten in the same number of bytes.
 */
export function shrinkMemoryImport(bytes: Uint8Array): MemoryLayout | undefined {
  const r = new Reader(bytes)
  let minAt = -1
  let declared = 0
  let top = 0
  r.at = 8
  while (r.at < bytes.length) {
    const id = bytes[r.at++]!
    const size = r.u32()
    const end = r.at + size
    if (id === 2) [minAt, declared] = memoryImportMin(r)
    else if (id === 6) top = Math.max(top, i32GlobalsTop(r))
    else if (id === 11) top = Math.max(top, dataTop(r))
    r.at = end
  }
  if (minAt < 0) return undefined
  const pages = Math.min(declared, Math.ceil(top / PAGE) + HEAP_HEADROOM_PAGES)
  const width = r.widthAt(minAt)
  // a padded LEB128 keeps the section's length: the patch is two or more bytes in place
  if (pages >= 1 << (7 * width)) return undefined
  for (let i = 0; i < width; i++) bytes[minAt + i] = ((pages >> (7 * i)) & 0x7f) | (i < width - 1 ? 0x80 : 0)
  return { initialPages: pages, declaredPages: declared }
}

// --- internal ---

/** Reads WebAssembly's binary encoding (LEB128 integers, names) from a position. */
export class Reader {
  at = 0
  constructor(private readonly b: Uint8Array) {}

  u32(): number {
    let r = 0
    let shift = 0
    let x: number
    do {
      x = this.b[this.at++]!
      r += (x & 0x7f) * 2 ** shift
      shift += 7
    } while (x & 0x80)
    return r
  }

  s32(): number {
    let r = 0
    let shift = 0
    let x: number
    do {
      x = this.b[this.at++]!
      r |= (x & 0x7f) << shift
      shift += 7
    } while (x & 0x80)
    return shift < 32 && x & 0x40 ? r | (~0 << shift) : r
  }

  skip(n: number): void {
    this.at += n
  }

  widthAt(at: number): number {
    let n = 1
    while (this.b[at + n - 1]! & 0x80) n++
    return n
  }

  byte(): number {
    return this.b[this.at++]!
  }

  bytes(n: number): Uint8Array {
    const v = this.b.subarray(this.at, this.at + n)
    this.at += n
    return v
  }
}

/** The position and value of the memory import's minimum, or [-1, 0]. */
function memoryImportMin(r: Reader): [number, number] {
  let found: [number, number] = [-1, 0]
  walkImports(r, (at, min) => {
    found = [at, min]
  })
  return found
}

/**
 * Reads the import section at `r` entry by entry; `memory` hears of a memory import (the
 * position and value of its minimum). Returns how many functions are imported, or NaN at an
 * import of a kind this reader does not know (where it stops).
 */
export function walkImports(r: Reader, memory?: (at: number, min: number) => void): number {
  let functions = 0
  const count = r.u32()
  for (let i = 0; i < count; i++) {
    r.skip(r.u32()) // module name
    r.skip(r.u32()) // field name
    const kind = r.byte()
    if (kind === 0) {
      r.u32() // function: type index
      functions++
    } else if (kind === 1) {
      r.byte() // table: element type, then limits
      limits(r)
    } else if (kind === 2) {
      const flags = r.byte()
      const at = r.at
      const min = r.u32()
      if (flags & 1) r.u32()
      memory?.(at, min)
    } else if (kind === 3)
      r.skip(2) // global: type, mutability
    else return Number.NaN
  }
  return functions
}

function limits(r: Reader): void {
  const flags = r.byte()
  r.u32()
  if (flags & 1) r.u32()
}

/** The largest `i32.const` initial value of the module's globals (the stack top among them). */
function i32GlobalsTop(r: Reader): number {
  let top = 0
  const count = r.u32()
  for (let i = 0; i < count; i++) {
    const type = r.byte()
    r.byte() // mutability
    const op = r.byte()
    // not the plain i32 globals Emscripten emits: the layout is unknown, nothing is shrunk
    if (type !== 0x7f || op !== 0x41) return Number.POSITIVE_INFINITY
    top = Math.max(top, r.s32() >>> 0)
    if (r.byte() !== 0x0b) return Number.POSITIVE_INFINITY
  }
  return top
}

/** The end of the highest active data segment placed by an `i32.const` offset. */
function dataTop(r: Reader): number {
  let top = 0
  const count = r.u32()
  for (let i = 0; i < count; i++) {
    const flags = r.u32()
    let offset = -1
    if (flags === 0 || flags === 2) {
      if (flags === 2) r.u32() // memory index
      if (r.byte() !== 0x41) return Number.POSITIVE_INFINITY // an offset this reader cannot place
      offset = r.s32() >>> 0
      r.byte() // end
    }
    const len = r.u32()
    r.skip(len)
    if (offset >= 0) top = Math.max(top, offset + len)
  }
  return top
}
