import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'
import { hasNative, printed, runNativeProgram } from './native-lua.js'

// os.date and os.time judged against native lua5.3 (glibc, C locale) in the same run, in
// several local zones (TZ given to both: Node applies a TZ assigned at run time). Each
// program prints; the outputs must be identical byte for byte.

/** Every conversion Lua 5.3 accepts (LUA_STRFTIMEOPTIONS, C99). */
const SPECS = [
  ...'aAbBcCdDeFgGhHIjmMnprRStTuUVwWxXyYzZ%',
  ...['Ec', 'EC', 'Ex', 'EX', 'Ey', 'EY', 'Od', 'Oe', 'OH', 'OI', 'Om', 'OM', 'OS', 'Ou', 'OU', 'OV', 'Ow', 'OW', 'Oy'],
]
/** Epoch, ISO-week edges (years starting on each weekday), DST changes, far past and future. */
const TIMES = [
  0, -1, 1, 1000000000, 1577836800, 1583650800, 1583652600, 1604210400, 1604213999, 1609459200, 1609372800, 1230768000, 1230681600,
  1293753600, 1104537600, 1135987200, 1167523200, 1356912000, 951782400, 4107542400, -31622400, -62135596800, -62167219200, -62198755200,
  -65000000000, -200000000000, 253402300799, 253402300800, 10000000000000, -10000000000000, 1000000000000000, 2000000000, 2147483647,
  2147483648, -2147483649, 1719792000, 1719800000,
]

/**
 * glibc stops applying a zone's DST rules between the years 5,000,000 and 10,000,000 (its
 * rule arithmetic overflows); local times that far out are compared in UTC only.
 */
const LOCAL_RULES_END = 1e14

const dates = (zone: string) => `
local specs = {${SPECS.filter((s) => zone === 'UTC' || zone === 'America/New_York' || s !== 'Z')
  .map((s) => `'${s}'`)
  .join(',')}}
for _, t in ipairs{${TIMES.filter((t) => zone === 'UTC' || Math.abs(t) < LOCAL_RULES_END).join(',')}} do
  for _, bang in ipairs{'!', ''} do
    local out = {}
    for i, s in ipairs(specs) do out[i] = s .. '=' .. os.date(bang .. '%' .. s, t) end
    print(t, bang, table.concat(out, '|'))
    local d = os.date(bang .. '*t', t)
    print(d.year, d.month, d.day, d.hour, d.min, d.sec, d.yday, d.wday, d.isdst)
  end
end`

const SPECIFIERS = `
local function P(ok, v) return ok, type(v) == 'string' and v:gsub('[^ -~]', function(c) return '<' .. c:byte() .. '>' end) or v end
for b = 0, 255 do
  local c = string.char(b)
  print(b, P(pcall(os.date, '!%' .. c, 0)))
  print(b, P(pcall(os.date, '!%E' .. c, 0)))
  print(b, P(pcall(os.date, '!%O' .. c, 0)))
end
for _, f in ipairs{'%', '!%', '%E', '%O', 'x %q abc', '%Ez tail', '%k', '%l', '%P', '%s', '%+', '%5d',
    'a\\0%q', '%q\\0b', '%%%', '!*t', '*t', '*tx', '!*t\\0x', '*T', ' *t', '!', '', 'plain text', '%%Y'} do
  local ok, v = pcall(os.date, f, 86399)
  print(ok, type(v) == 'table' and 'table' or v)
end
print(pcall(os.date, {}))
print(pcall(os.date, '%Y', 'x'))
print(pcall(os.date, '%Y', 1.5))
print(pcall(os.date, '%Y', '86400'))
print(os.date(5, 0), os.date(nil, 0) == os.date('%c', 0), #os.date('!%c'), type(os.date('*t').isdst))`

const TIME_CASES = [
  '{year=2020,month=1,day=1}',
  '{year=2020,month=1,day=1,hour=0}',
  '{year=2020,month=14,day=40,hour=25}',
  '{year=2020,month=13,day=0}',
  '{year=2020,month=0,day=1}',
  '{year=2020,month=-1,day=-1,hour=-1,min=-61,sec=-3601}',
  '{year=2020,month=3,day=1,sec=86400*400}',
  '{year=2000,month=2,day=30}',
  '{year=1969,month=12,day=31,hour=23,min=59,sec=59}',
  '{year=1970,month=1,day=1,hour=0}',
  '{year=-5000,month=6,day=15}',
  '{year=300000,month=6,day=15}',
  '{year=2020,month=1,day=1,hour=0,isdst=true}',
  '{year=2020,month=1,day=1,hour=0,isdst=false}',
  '{year=2020,month=7,day=1,hour=0,isdst=true}',
  '{year=2020,month=7,day=1,hour=0,isdst=false}',
  '{year=2020,month=3,day=8,hour=2,min=30}',
  '{year=2020,month=3,day=8,hour=2,min=30,isdst=true}',
  '{year=2020,month=11,day=1,hour=1,min=30}',
  '{year=2020,month=11,day=1,hour=1,min=30,isdst=false}',
  '{year=2020,month=3,day=29,hour=2,min=30}',
  '{year=2020,month=10,day=25,hour=2,min=30,isdst=true}',
  '{year=2^40,month=1,day=1}',
  '{year=2^30,month=1,day=1}',
  '{year=-2^30,month=1,day=1}',
  '{year=2020,month=1,day=1,hour=2^31}',
  '{year=2020,month=2^30-1,day=1}',
  // a field whose 64-bit integer is beyond ±(2^53 − 1) is out-of-bound, as any beyond INT_MAX / 2
  '{year=2020,month=1,day=1,hour=2^53}',
  '{year=-2^53,month=1,day=1}',
  '{year=2020,month=1,day=1,sec="1e16"}',
  '{year=2020,month=1,day="0x7fffffffffffffff"}',
  '{year=2020,month=1,day=1,min=2^63}',
  '{year="x",month=1,day=1}',
  '{year=2020.5,month=1,day=1}',
  '{year="2020",month="2",day="3.0"}',
  '{year=2020,month=1,day=1,sec=0/0}',
  '{}',
  '{year=2020}',
  '{year=2020,month=1}',
  '{day=1}',
  '{day=1,month=1}',
  '{year=2020,month=1,day=true}',
  'setmetatable({}, {__index = function(_, k) return ({year=2021,month=5,day=6})[k] end})',
]

const times = `
for _, make in ipairs{${TIME_CASES.map((c) => `function() return ${c} end`).join(',\n  ')}} do
  local t = make()
  local ok, v = pcall(os.time, t)
  print(ok, v, t.year, t.month, t.day, t.hour, t.min, t.sec, t.yday, t.wday, t.isdst)
end
print(pcall(os.time, 1))
print(pcall(os.time, 'x'))
print(math.type(os.time()), os.time(nil) == os.time())`

const ZONES = ['UTC', 'America/New_York', 'Europe/Berlin', 'Asia/Kolkata', 'Australia/Lord_Howe']
const PROGRAMS: Readonly<Record<string, (zone: string) => string>> = {
  'every conversion of every date, and *t, with "!" and in local time': dates,
  'which specifiers are accepted, and the errors of those that are not': () => SPECIFIERS,
  'os.time: defaults, normalisation, isdst, field errors, the normalised table': () => times,
}

describe.skipIf(!hasNative('lua5.3'))('os.date and os.time as native lua5.3', () => {
  let host: Host
  const tz = process.env.TZ
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'minimal' })
  })
  afterAll(async () => {
    if (tz === undefined) delete process.env.TZ
    else process.env.TZ = tz
    await host.close()
  })

  describe.each(ZONES)('TZ=%s', (zone) => {
    it.each(Object.entries(PROGRAMS))('%s', async (_name, program) => {
      const source = program(zone)
      process.env.TZ = zone
      const want = runNativeProgram('lua5.3', source, { TZ: zone })
      const got = printed((await host.execute({ language: 'lua', source, name: 'x.lua' })).logs)
      expect(got).toBe(want)
    })
  })

  it('a time beyond ±(2^53 − 1) (an os.time year near 2^30) is `integer overflow`, after the table is normalised', async () => {
    const source = `local t = {year=2^30-1,month=1,day=1} print(pcall(os.time, t)) print(t.year, t.month, t.day, t.yday)`
    process.env.TZ = 'UTC'
    const [nativeLine, nativeFields] = runNativeProgram('lua5.3', source, { TZ: 'UTC' }).split('\n')
    const [ok, value] = (nativeLine as string).split('\t')
    expect([ok, Number(value) > Number.MAX_SAFE_INTEGER]).toEqual(['true', true])
    const got = printed((await host.execute({ language: 'lua', source, name: 'x.lua' })).logs).split('\n')
    expect(got.slice(0, 2)).toEqual([`false\tinteger overflow`, nativeFields])
  })
})
