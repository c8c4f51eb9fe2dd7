/**
 * What the first touch of newly allocated memory costs on this machine.
 *
 * A large allocation (the buffer of `string.rep`, `table.concat`, `..`, `string.format`,
 * `string.upper`) is one call, cheap in itself; the pages it gets are backed by the kernel
 * only when first written, and that first write is the expensive part. On this project's VMs
 * a first touch costs 35-55 µs per 4 KiB page, so one builtin that makes one large string
 * and fills it without an instruction in between (`string.rep('x', 2^25)`, 32 MiB) spent
 * 1.5-2.6 s of a 200 ms limit inside that one call, after its memory had been allowed. The
 * guards ask before each large allocation; with this estimate the meter refuses one whose
 * pages could not be touched in the time left (`Meter.touch`).
 *
 * The cost is measured once per process, the first time a large allocation is asked about:
 * a few small rounds of first touches on a scratch `WebAssembly.Memory` (fresh pages, as a
 * fresh `ArrayBuffer`'s), keeping the cheapest round, so a round slowed by the scheduler (a
 * loaded machine) does not inflate it. An estimate on the low side only lets an allocation
 * through that is then bounded as before (the next deadline check), never refuses one that
 * would have finished in time. engine-js measures its heap growths the same way.
 */

/** Allocations smaller than this are never estimated (a few milliseconds at most). */
export const ESTIMATED_FROM = 4 << 20

const OS_PAGE = 4096
const ROUND_PAGES = 256
const ROUNDS = 2

let perPageMs: number | undefined

/** The engine's TypeScript library has no WebAssembly types; the one constructor used here. */
const { WebAssembly: wasm } = globalThis as unknown as {
  WebAssembly: { Memory: new (d: { initial: number }) => { buffer: ArrayBuffer } }
}

/** Milliseconds one round of first touches took per 4 KiB page (its fastest of a few rounds). */
function measure(): number {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    // 16 WebAssembly pages = 256 OS pages (1 MiB), each untouched
    const memory = new wasm.Memory({ initial: (ROUND_PAGES * OS_PAGE) / 65_536 })
    const bytes = new Uint8Array(memory.buffer)
    const started = performance.now()
    for (let at = 0; at < bytes.length; at += OS_PAGE) bytes[at] = 1
    best = Math.min(best, (performance.now() - started) / ROUND_PAGES)
  }
  return best
}

/** Milliseconds the first touch of `bytes` of new memory is expected to take (0 below `ESTIMATED_FROM`). */
export function firstTouchMs(bytes: number): number {
  if (bytes < ESTIMATED_FROM) return 0
  perPageMs ??= measure()
  return (bytes / OS_PAGE) * perPageMs
}
