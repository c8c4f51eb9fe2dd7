/**
 * What the first touch of newly grown WebAssembly memory costs on this machine.
 *
 * A heap growth is one `memory.grow`, cheap in itself; the pages it adds are backed by the
 * kernel only when first written, and that first write is the expensive part. On this
 * project's VMs (Firecracker with PVM page tables) a first touch costs 35-55 µs per 4 KiB
 * page, so one builtin that makes one large allocation and fills it without a tick in
 * between (flattening a doubled string of 2^25 UTF-16 units, 64 MiB; `new ArrayBuffer(4e8)`)
 * spent 1-2.5 s of a 200 ms limit inside that one call, after its only growth had been
 * allowed. The heap guard asks before each growth; with this estimate the engine refuses a
 * growth whose pages could not be touched in the time left (`JsState`'s `overdue` hook).
 *
 * The cost is measured once per process, the first time a large growth is asked about: a few
 * small rounds of first touches on a scratch `WebAssembly.Memory`, keeping the cheapest round,
 * so a round slowed by the scheduler (a loaded machine) does not inflate it. An estimate on
 * the low side only lets a growth through that is then bounded as before (its next growth or
 * tick), never refuses one that would have finished in time.
 */

/** Growths smaller than this are never estimated (a few milliseconds at most). */
export const ESTIMATED_FROM = 4 << 20

const OS_PAGE = 4096
const ROUND_PAGES = 64
const ROUNDS = 4

let perPageMs: number | undefined

/** Milliseconds one round of first touches took per 4 KiB page (its fastest of a few rounds). */
function measure(): number {
  let best = Number.POSITIVE_INFINITY
  for (let round = 0; round < ROUNDS; round++) {
    // 4 WebAssembly pages = 64 OS pages, each untouched
    const memory = new WebAssembly.Memory({ initial: (ROUND_PAGES * OS_PAGE) / 65_536 })
    const bytes = new Uint8Array(memory.buffer)
    const started = performance.now()
    for (let at = 0; at < bytes.length; at += OS_PAGE) bytes[at] = 1
    best = Math.min(best, (performance.now() - started) / ROUND_PAGES)
  }
  return best
}

/**
 * Milliseconds the first touch of `bytes` of new memory is expected to take (0 below
 * `ESTIMATED_FROM`).
 */
export function firstTouchMs(bytes: number): number {
  if (bytes < ESTIMATED_FROM) return 0
  perPageMs ??= measure()
  return (bytes / OS_PAGE) * perPageMs
}
