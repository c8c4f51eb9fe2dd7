/**
 * What the first touch of newly allocated memory costs on this machine, for engines that
 * must keep a deadline across one large allocation.
 *
 * A large allocation (a Lua builtin's buffer for `string.rep`, `table.concat`, `..`; a QuickJS
 * heap growth, one `memory.grow`) is one call, cheap in itself; the pages it gets are backed
 * by the kernel only when first written, and that first write is the expensive part. On this
 * project's VMs (Firecracker with PVM page tables) a first touch costs 35-55 µs per 4 KiB
 * page, so one builtin that makes one large buffer and fills it without a check in between
 * (`string.rep('x', 2^25)`; flattening a doubled JS string of 2^25 UTF-16 units; `new
 * ArrayBuffer(4e8)`) spent 1-2.6 s of a 200 ms limit inside that one call, after its memory
 * had been allowed. The engines ask before each large allocation and refuse one whose pages
 * could not be touched in the time left (engine-lua's `Meter.touch`, engine-js's heap
 * `overdue` hook).
 *
 * The cost is measured once per process, the first time a large allocation is asked about:
 * two rounds of first touches of 1 MiB on a scratch `WebAssembly.Memory` (fresh pages, as a
 * fresh `ArrayBuffer`'s), keeping the cheaper, so a round slowed by the scheduler does not
 * inflate it. Smaller rounds (256 KiB) read 13-42 µs a page here while 16-32 MiB fills cost
 * 100-150 µs a page, so a round is no smaller than 1 MiB. An estimate on the low side only
 * lets an allocation through that is then bounded as before (the engine's next check), never
 * refuses one that would have finished in time.
 */

/** Allocations smaller than this are never estimated (a few milliseconds at most). */
export const FIRST_TOUCH_FROM = 4 << 20

const OS_PAGE = 4096
const ROUND_PAGES = 256
const ROUNDS = 2

let perPageMs: number | undefined

/** Core's TypeScript library has no WebAssembly types; the one constructor used here. */
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

/** Milliseconds the first touch of `bytes` of new memory is expected to take (0 below `FIRST_TOUCH_FROM`). */
export function firstTouchMs(bytes: number): number {
  if (bytes < FIRST_TOUCH_FROM) return 0
  perPageMs ??= measure()
  return (bytes / OS_PAGE) * perPageMs
}
