import { spawnSync } from 'node:child_process'
import { describe, expect, it } from 'vitest'
import { formatFloat, formatG14, parseSpec } from './lua-number-format.js'

const edges = [0, 1, -1, 7, 10, 99, 100, 65536, 2 ** 31, -(2 ** 31), 1e13, 99_999_999_999_999, -99_999_999_999_999, 1e14, -1e14]
const numbers = [...edges, ...Array.from({ length: 400 }, (_, i) => Math.round((i - 200) * 7919.37 ** ((i % 4) + 1)))]

describe('formatG14', () => {
  it('integers (the fast path) print as the general %.14g path prints them', () => {
    const general = parseSpec('%.14g')
    for (const n of numbers) expect(formatG14(n)).toBe(formatFloat(general, n))
    expect(formatG14(-0)).toBe('-0')
  })

  it.skipIf(spawnSync('awk', ['BEGIN{}']).error !== undefined)('integers print as C printf %.14g prints them', () => {
    const c = spawnSync('awk', ['{ printf("%.14g\\n", $1) }'], { input: numbers.join('\n'), encoding: 'utf8' })
    expect(numbers.map(formatG14)).toEqual(c.stdout.trim().split('\n'))
  })
})
