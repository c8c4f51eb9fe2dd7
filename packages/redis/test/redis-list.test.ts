import { describe, expect, it } from 'vitest'
import { RedisList } from '../src/store/redis-list.js'
import { elementBytes } from '../src/store/store-usage.js'

/** A small deterministic generator, so a failure replays. */
function rng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

describe('RedisList', () => {
  it('answers as an array under random pushes, pops, sets, splices, removals and slices at both ends', () => {
    for (const seed of [1, 2, 3]) {
      const next = rng(seed)
      const list = new RedisList()
      const model: Buffer[] = []
      for (let step = 0; step < 4000; step++) {
        const op = Math.floor(next() * 11)
        // few distinct values (distinct objects), so LREM finds several copies
        const v = Buffer.from(`v${step % 23}`)
        const i = Math.floor(next() * (model.length + 1))
        // pushes on the left are the most frequent, so the room before the first element is used and regrown
        if (op <= 2) {
          list.unshift(v)
          model.unshift(v)
        } else if (op === 3) {
          list.push(v)
          model.push(v)
        } else if (op === 4) expect(list.shift()).toBe(model.shift())
        else if (op === 5) expect(list.pop()).toBe(model.pop())
        else if (op === 6 && i < model.length) {
          list.set(i, v)
          model[i] = v
        } else if (op === 7) expect(list.splice(i, 2, v)).toEqual(model.splice(i, 2, v))
        else if (op === 8 && model.length > 0) {
          // LREM of an element present, up to 1-3 of its copies, from either end
          const target = model[Math.floor(next() * model.length)] as Buffer
          const limit = 1 + Math.floor(next() * 3)
          const fromRight = next() < 0.5
          const order = model.map((_, k) => (fromRight ? model.length - 1 - k : k))
          const doomed = new Set(order.filter((k) => (model[k] as Buffer).equals(target)).slice(0, limit))
          expect(list.removeEqual(target, limit, fromRight)).toBe(doomed.size)
          model.splice(0, model.length, ...model.filter((_, k) => !doomed.has(k)))
        } else if (op === 9 && next() < 0.1) {
          // LTRIM to a middle part
          const end = Math.min(model.length, i + Math.floor(next() * 50))
          list.keep(i, end)
          model.splice(0, model.length, ...model.slice(i, end))
        } else expect(list.slice(i, i + 3)).toEqual(model.slice(i, i + 3))
        expect(list.length).toBe(model.length)
        // what the store counts of the list follows every change (store-usage.ts)
        expect(list.bytes).toBe(model.reduce((n, b) => n + elementBytes('list', b.length), 0))
        expect(list.at(i)).toBe(model[i])
      }
      expect([...list]).toEqual(model)
      expect(list.at(-1)).toBeUndefined()
      expect(list.at(model.length)).toBeUndefined()
      const last = model[model.length - 1]
      if (last) expect(list.indexOf(last)).toBe(model.findIndex((b) => b.equals(last)))
    }
  })

  it('pushing on the left does not move the elements each time (300,000 LPUSH-style pushes)', () => {
    const list = new RedisList()
    const v = Buffer.from('x')
    const t0 = performance.now()
    for (let i = 0; i < 300_000; i++) list.unshift(v)
    const ms = performance.now() - t0
    expect(list.length).toBe(300_000)
    // the room is doubled, so the elements are copied ~18 times in all (~30 ms); Array's
    // unshift moves all of them on every push: ~9 s for the same pushes on this machine
    expect(ms).toBeLessThan(3000)
  })
})
