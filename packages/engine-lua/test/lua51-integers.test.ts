import { describe, it } from 'vitest'
import { allResults as all, hasNative, prng } from './native-lua.js'
import { numberHosts } from './number-hosts.js'

// lua51-integer-patches.ts (C casts of integer arguments, the C stack limit, strtoul), each
// expression compared with native lua5.1 in the same run.
const { agrees } = numberHosts()

/** Values whose C cast is not their JS truncation: NaN, infinities, beyond 2^31, 2^53, 2^63. */
const ODD = ['0/0', '-(0/0)', '1/0', '-1/0', '2^31', '-2^31', '2^32+3', '2^53', '2^62', '2^63', '-2^63', '2^64', '1e300', '-0.5', '3e9']

describe.skipIf(!hasNative('lua5.1'))("'lua51' integer arguments against native lua5.1", () => {
  it('string functions cast NaN and huge positions as C does (string.sub("hello", 0/0) is "hello")', async () => {
    const exprs: string[] = []
    for (const v of ODD) {
      exprs.push(
        `string.sub('hello', ${v})`,
        `string.sub('hello', 2, ${v})`,
        `string.rep('ab', ${v} % 2^32 < 8 and ${v} or 0)`,
        all(`string.byte('abc', ${v})`),
        all(`string.byte('abc', 1, ${v})`),
        all(`string.find('abcabc', 'b', ${v})`),
        all(`string.gsub('aaa', 'a', 'b', ${v})`),
        `select('#', select(${v}, 'a', 'b'))`,
        all(`tonumber('11', ${v})`),
      )
    }
    exprs.push("string.rep('ab', 2^32 + 3)", "string.rep('ab', 2^31)", "string.rep('a', 0/0)", all("string.byte('abc', 0/0)"))
    await agrees(exprs, 'lua51')
  })

  it('table.concat and unpack take C ints; unpack beyond the C stack (8000 slots) is an error', async () => {
    const exprs: string[] = [
      'table.concat({[1.5]=1,2}, nil, 2^31)',
      "table.concat({1}, '', 1e10, 1e10)",
      "table.concat({1,2,3}, ',', 0/0, 2)",
      "table.concat({1,2,3}, ',', 2, 2^32 + 3)",
      all('unpack({1,2,3}, 2^32 + 2)'),
      all('unpack({1,2,3}, 0/0, 2)'),
      'pcall(unpack, {}, 1, 7997)',
      'select(2, pcall(unpack, {}, 1, 7998))',
      "select('#', unpack({}, 1, 7997))",
      "select('#', unpack({}, 1, 7998))",
      "(function() local t = {} for i = 1, 8000 do t[i] = i end return select('#', unpack(t)) end)()",
      "(function() local t = {} for i = 1, 7999 do t[i] = i end return select('#', unpack(t)) end)()",
      "select(2, pcall(string.byte, string.rep('a', 9000), 1, -1))",
      "select('#', string.byte(string.rep('a', 9000), 1, 7997))",
    ]
    for (const v of ODD) exprs.push(all(`(function() local t = {1,2,3} local r = table.remove(t, ${v}) return r, #t end)()`))
    await agrees(exprs, 'lua51')
  })

  it('string.format %d casts to long and %o %u %x %X to unsigned long, %c to int', async () => {
    const exprs: string[] = []
    for (const v of [...ODD, '-1', '-1.5', '2^63 + 2^12', '2^53 + 2', '-(2^60 + 2^8)']) {
      exprs.push(`string.format('%d|%5i|%-8x|%#o|%X|%u|%+.3d|%020d|%#x', ${[1, 2, 3, 4, 5, 6, 7, 8, 9].map(() => v).join(', ')})`)
      exprs.push(all(`string.byte(string.format('[%c]', ${v}), 1, -1)`))
    }
    await agrees(exprs, 'lua51')
  })

  it('tonumber with a base is strtoul: saturation, signs, "0x", spaces, NUL (generated)', async () => {
    const exprs = [
      "tonumber('0x', 16)",
      "tonumber('0x10', 16)",
      "tonumber(' 10 ', 36)",
      "tonumber('1e1', 10)",
      "tonumber('10\\0', 16)",
      "tonumber('10\\0')",
      "'10\\0' + 1",
    ]
    const rnd = prng(51)
    const digits = '0123456789abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ'
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rnd() * xs.length)] as T
    for (let i = 0; i < 300; i++) {
      const base = 2 + Math.floor(rnd() * 35)
      let s = pick(['', '-', '+', ' ', '  -'])
      const n = Math.floor(rnd() * 18)
      const range = pick([base, base + 2, 36])
      for (let j = 0; j < n; j++) s += digits[Math.floor(rnd() * range)]
      exprs.push(`tonumber('${s}${pick(['', ' ', '\\n'])}', ${base})`)
    }
    await agrees(exprs, 'lua51')
  }, 60_000)
})
