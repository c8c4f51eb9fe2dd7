import { randomBytes } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { MemoryImage, PAGE_BYTES } from './memory-image.js'

/** 100 pages: zero runs (longer than one comparison), data runs, single pages of each. */
function template(): Buffer {
  const m = Buffer.alloc(100 * PAGE_BYTES)
  for (const [from, to] of [
    [0, 3],
    [5, 6],
    [30, 52],
    [99, 100],
  ] as const)
    randomBytes((to - from) * PAGE_BYTES).copy(m, from * PAGE_BYTES)
  return m
}

describe('MemoryImage', () => {
  it('rewrites exactly the pages that differ, wherever they are, and leaves the memory equal', () => {
    const t = template()
    const image = MemoryImage.of(t)
    t.fill(7, 0, 10) // the image is a copy
    const original = template()
    const img = MemoryImage.of(original)
    const mem = Buffer.from(original)
    expect(img.reset(mem)).toBe(0)
    // one byte in a zero page, one in a data page, the last byte, a run of three pages
    const dirty = [17 * PAGE_BYTES + 5, 31 * PAGE_BYTES, mem.length - 1, 60 * PAGE_BYTES + 1, 61 * PAGE_BYTES, 62 * PAGE_BYTES + 9]
    for (const at of dirty) mem[at] = (mem[at]! + 1) & 0xff
    expect(img.reset(mem)).toBe(dirty.length)
    expect(mem.equals(original)).toBe(true)
    // a whole memory of garbage: every page differs
    randomBytes(mem.length).copy(mem)
    expect(img.reset(mem)).toBe(100)
    expect(mem.equals(original)).toBe(true)
    expect(image.size).toBe(t.length)
  })

  it('hands out its pages and refuses a memory of another size', () => {
    const t = template()
    const image = MemoryImage.of(t)
    expect(Buffer.from(image.page(31 * PAGE_BYTES)).equals(t.subarray(31 * PAGE_BYTES, 32 * PAGE_BYTES))).toBe(true)
    expect(Buffer.from(image.page(20 * PAGE_BYTES)).equals(Buffer.alloc(PAGE_BYTES))).toBe(true)
    expect(() => image.reset(Buffer.alloc(t.length + PAGE_BYTES))).toThrow(RangeError)
    expect(() => image.page(t.length)).toThrow(RangeError)
  })
})
