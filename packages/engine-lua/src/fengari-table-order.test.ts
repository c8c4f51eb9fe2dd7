import { describe, it } from 'vitest'
import { hasNative } from '../test/native-lua.js'
import { numberHosts } from '../test/number-hosts.js'

// fengari-table-order.ts: pairs/next over table constructors, against native lua5.3 and
// lua5.1 in the same run (each mode skipped with a message when its binary is missing).
const { agrees } = numberHosts()

/** The keys `pairs` yields for a constructor, in order. */
const keys = (ctor: string, prelude = '') =>
  `(function() ${prelude} local o = {} for k in pairs(${ctor}) do o[#o+1] = tostring(k) end return table.concat(o, ',') end)()`
const three = 'local function f() return 4, 5, 6 end'

const EXPRS = [
  keys("{'a','b','c'}"),
  keys('{1,2,3,x=1}'),
  keys('{x=1,1,2,3}'),
  keys('{1, f()}', three),
  keys('{f(), f()}', three),
  keys('{nil, nil, 3}'),
  keys("{[1]='z', 'a', 'b'}"),
  keys("{'a', [2]='q', 'b'}"),
  // 55 items: flushed in two SETLISTs (50 + 5), with a keyed field in between
  keys(`{${Array.from({ length: 55 }, (_, i) => i + 1).join(',')}, x = 1}`),
  keys(`{${Array.from({ length: 50 }, () => 'nil').join(',')}, 51, 52, x = 1}`),
  keys('{unpack(t)}', 'local t = {} for i = 1, 120 do t[i] = i end local unpack = unpack or table.unpack'),
  'next({1,2,3}, 2)',
  'next({nil,nil,3}, 3)',
  'select(2, next({10, 20, 30}))',
  // the entries stay one consistent list after the items are placed: deletions and writes
  // during a traversal; lengths are unchanged
  '(function() local t = {1, 2, 3, x = 1} for k in pairs(t) do t[k] = nil end return tostring(next(t)) end)()',
  "(function() local t = {'a', 'b', 'c'} local n = 0 for k, v in pairs(t) do t[k] = v .. v n = n + 1 end return n .. t[1] .. t[3] end)()",
  '#{1, 2, 3, x = 1}',
  '(function() local function f() return 4, 5, 6 end return #{f(), f()} end)()',
]

describe('constructor items iterate in index order, as C Lua', () => {
  it.skipIf(!hasNative('lua5.3'))('lua53 against native lua5.3', async () => {
    await agrees(EXPRS, 'lua53')
  })
  it.skipIf(!hasNative('lua5.1'))('lua51 against native lua5.1', async () => {
    await agrees(EXPRS, 'lua51')
  })
})
