import { describe, expect, it } from 'vitest'
import { hasNative } from '../test/native-lua.js'
import { numberHosts } from '../test/number-hosts.js'

// Each group exercises one family of patches in fengari-numbers.ts; expected values come from
// native Lua in the same run (skipped with a message when it is not installed).
const { agrees } = numberHosts()

describe.skipIf(!hasNative('lua5.3'))('numbers (5.3) against native lua5.3: math and string functions', () => {
  it('math: abs, fmod, floor, ceil, tointeger, ult, log of a negative', async () => {
    const n = await agrees([
      'math.abs(-9007199254740991)',
      'math.fmod(-5, 5)',
      'math.fmod(-9007199254740991, 10)',
      'math.floor(2^52 + 0.5)',
      'math.ceil(-2^52 - 0.5)',
      'math.tointeger(2^40)',
      'math.tointeger(2^53)',
      'math.ult(-1, 1)',
      'math.log(-1)',
      'math.floor(2^60)',
    ])
    expect(n).toBe(2)
  })

  it('string.format integer and float conversions print as C printf', async () => {
    await agrees([
      'string.format("%d|%5d|%-5d|%+d|%05d|%.3d", 2^40, 42, 42, 42, -42, 7)',
      'string.format("%x|%X|%#x|%o|%#o", -1, 255, 255, 8, 8)',
      'string.format("%.0f %.0f %.0f %.1f %.2f", 0.5, 1.5, 2.5, 0.25, 1.005)',
      'string.format("%g|%g|%g|%g", 1e20, 1e-5, 100000, 1234567)',
      'string.format("%e|%.0e|%E|%10.3e", 12345.678, 5, 1e-300, -0.0)',
      'string.format("%.14g|%.3g|%#g|%G", 0.1, 1/3, 1, 1e-10)',
      'string.format("%f|%5.1f|%-8.2f|", 1/0, -1/0, 0/0)',
      'string.format("%.20f", 0.1)',
      'string.format("%f", 1e22)',
      'string.format("%q", 9007199254740991)',
      'string.format("%c%c", 72, 256 + 105)',
      'string.format("%d", 3.0)',
    ])
  })

  it('%a and %A as glibc: flags, width, precision with ties to even, subnormals as 0x0.…p-1022, the NaN sign, also in %q', async () => {
    await agrees([
      'string.format("%.3a|%5a|%+a|%#a|%-12a|%20.5a|%.0a|%.13a", 1, 1, 1, 2, -3, 0.1, 1.5, 0.1)',
      'string.format("%010a|%012.3A|% a|%#.0a|%.20a", 1.5, -0.1, 1, 1, 5e-324)',
      'string.format("%.0a|%.0a|%.0a|%.1a|%.1a|%.0a|%.0a", 1.5, 2.5, 1.03125, 0x1.18p0, 0x1.ff8p0, 0x1.08p0, 0x0.8p-1022)',
      'string.format("%a|%a|%a|%a|%.3a|%a", 5e-324, 2^-1030, 2^-1022, 0x0.fffffffffffffp-1022, 5e-324, 1.5 * 2^-1030)',
      'string.format("%a|%a|%A|%a|%a", 0.0, -0.0, 255.5, 2^1023 * 1.75, -1e-300)',
      'string.format("%a|%A|%f|%g|%10a|%-10A|%010a|%+a", 0/0, 0/0, 0/0, 0/0, 1/0, -1/0, 0/0, 1/0)',
      'string.format("%q|%q|%q|%q|%q", 5e-324, 0/0, 1/0, -1/0, 2^-1030)',
    ])
  })

  it('%c pads with a width, left-aligned with "-"; %x and %X take the 0 flag', async () => {
    await agrees([
      'string.format("%5c|%-5c|%05c|%c", 65, 65, 65, 66)',
      'string.format("%5c|%-5c|", 0, 0) == "    \\0|\\0    |"',
      'string.format("%05x|%05X|%05o|%#05x|%-05x|%05.3x|%#08X", 12, 10, 8, 12, 12, 12, 255)',
    ])
  })

  it('%e and %g with one significant digit round exact ties to even (glibc)', async () => {
    await agrees([
      'string.format("%.0e|%.0g|%.1g|%.e", 2.5, 65, 65, 2.5)',
      'string.format("%.0e|%.0e|%.0e|%.0e|%.0g|%.1g|%.1g", 3.5, 0.5, 4.5, 2.5000000000000004, 0.25, 75, 0.0125)',
      'string.format("%.0e|%.0e|%.1e|%.2g|%#.0e", 1.5e300, 2.5e-300, 0.125, 0.125, 2.5)',
    ])
  })

  it('tostring of floats: %.14g plus .0, -0.0, inf, nan with its sign', async () => {
    await agrees([
      '1e15',
      '1e16',
      '1e-05',
      '-0.0',
      '2^53',
      '1/0',
      '-1/0',
      '0/0',
      '-(0/0)',
      '123456789012345.0',
      '100.0',
      '0.1 + 0.2',
      '1e100',
      '5e-324',
      '2^63',
      '-2^63',
      '1733333333000.0',
      '3.14159265358979',
      '"x" .. 1e15',
      '1e15 .. ""',
    ])
  })

  it('string.pack and string.unpack handle 64-bit integers', async () => {
    const n = await agrees([
      'string.unpack("j", string.pack("j", 1099511627776))',
      'string.unpack("i8", string.pack("i8", -5))',
      '#string.pack("j", 1)',
      'string.unpack("J", string.pack("J", 4294967296))',
      '#string.pack("T", 1)',
      'string.pack(">i3", -2) == "\\255\\255\\254"',
      'string.unpack("<i16", string.pack("<i16", -9007199254740991))',
      'string.unpack("j", string.pack("j", -1) )',
      'select(2, pcall(function() return string.pack("i2", 40000) end)):match("bad.*")',
      'select(2, pcall(function() return string.pack("I4", -1) end)):match("bad.*")',
      'string.unpack("<I8", "\\255\\255\\255\\255\\255\\255\\255\\255")',
      'string.unpack("<i8", "\\0\\0\\0\\0\\0\\0\\32\\0")',
      'select(2, pcall(function() return string.unpack("<i9", "\\0\\0\\0\\0\\0\\0\\0\\0\\1") end)):match(":%d+: (.*)")',
    ])
    expect(n).toBe(1)
  })

  it('string.pack: "s" prefixes an 8-byte size_t, unsigned sizes beyond 8 zero-extend and round-trip', async () => {
    const bytes = (e: string) => `table.concat({string.byte(${e}, 1, -1)}, ",")`
    await agrees([
      bytes('string.pack("s", "a")'),
      bytes('string.pack(">s", "ab")'),
      'string.unpack("s", string.pack("s", "abc") .. "x")',
      'select(2, string.unpack("!4 i1 s", string.pack("!4 i1 s", 1, "abc")))',
      'string.packsize("T") == #string.pack("s", "")',
      bytes('string.pack("I16", -1)'),
      bytes('string.pack("I9", -2)'),
      bytes('string.pack(">I12", -3)'),
      bytes('string.pack("i16", -1)'),
      'string.unpack(">I16", string.pack(">I16", -1))',
      'select(2, string.unpack(">I16", string.pack(">I16", -1)))',
      'string.unpack("<I9", string.pack("<I9", -2))',
      'string.unpack("<i16", string.pack("<i16", -2))',
    ])
  })

  it('string.sub and string.rep take any integer index', async () => {
    await agrees([
      'string.sub("hello", 2, 9007199254740991)',
      'string.sub("hello", -(2^40), 2)',
      'string.rep("ab", 3, ",")',
      'string.sub("hello", 2^31)',
    ])
  })
})
