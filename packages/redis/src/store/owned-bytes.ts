/**
 * Copies of the bytes the store keeps, in memory of their own. `Buffer.from(...)` and
 * `Buffer.allocUnsafe(...)` take buffers under 4 KiB from Node's shared 8 KiB pool, and one
 * kept slice keeps its whole 8 KiB slab alive: a script that made other pooled buffers
 * between its writes (any reply, any argument) left each stored 1-byte element alone in a
 * slab, 60 times what the store counts. A copy made here holds only itself (up to 64 bytes
 * on the V8 heap, beyond that an ArrayBuffer of exactly its length), which is what
 * store-usage.ts counts.
 */

/** A copy of `bytes` that shares no memory with anything else. */
export function ownedBytes(bytes: Uint8Array): Buffer {
  const copy = Buffer.allocUnsafeSlow(bytes.length)
  copy.set(bytes)
  return copy
}

/** The latin1 bytes of `text` (one byte per char: numbers, keys as map keys), owned as ownedBytes. */
export function ownedText(text: string): Buffer {
  const n = text.length
  const copy = Buffer.allocUnsafeSlow(n)
  for (let i = 0; i < n; i++) copy[i] = text.charCodeAt(i)
  return copy
}
