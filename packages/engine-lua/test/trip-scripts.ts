import type { Limits } from '@polyhost/core'

/**
 * Scripts that catch a limit trip and go on: each wraps `f` (a function that trips a limit)
 * in one of the places fengari catches or calls back (pcall, xpcall with a message handler,
 * coroutines, load's reader, gsub and sort callbacks, a metamethod) and loops forever. A trip
 * must end each at once: no pcall catches it, no handler runs on it.
 * Shared by trip-unwinding.test.ts (the raw state, counting raises) and
 * trip-uncatchable.test.ts (the engine, inline and in a worker, Lua 5.3 and 5.1).
 */
export interface TripKind {
  readonly limit: 'instructions' | 'timeout' | 'memory'
  readonly limits: Limits
  /** Lua source defining the local function `f` that trips the limit. */
  readonly f: string
}

const LOOP = 'local function f() local i = 0 while true do i = i + 1 end end'

export const TRIP_KINDS: readonly TripKind[] = [
  { limit: 'instructions', limits: { instructions: 200_000, timeoutMs: 60_000 }, f: LOOP },
  { limit: 'timeout', limits: { instructions: false, timeoutMs: 200 }, f: LOOP },
  {
    limit: 'memory',
    limits: { memoryBytes: 2 * 1024 * 1024, instructions: false, timeoutMs: 60_000 },
    f: 'local function f() local t, i = {}, 0 while true do i = i + 1 t[i] = {} end end',
  },
]

/** Each loops forever over `f`, catching whatever it raises. */
export const CATCHERS: Readonly<Record<string, string>> = {
  'pcall in a loop': 'while true do pcall(f) end',
  'xpcall whose handler loops and allocates':
    'while true do xpcall(f, function(m) local t = {} for i = 1, 1e9 do t[i] = tostring(m) .. i end return m end) end',
  'a coroutine resumed in a loop, pcall inside it':
    'local co = coroutine.create(function() while true do pcall(f) end end)\nwhile true do coroutine.resume(co) end',
  'new coroutines resumed in a loop': 'while true do coroutine.resume(coroutine.create(f)) end',
  'coroutine.wrap under pcall in a loop': 'while true do pcall(coroutine.wrap(f)) end',
  'a string.gsub callback': "while true do pcall(string.gsub, 'abc', '.', function(c) f() return c end) end",
  'a table.sort comparator': 'while true do pcall(table.sort, {3, 1, 2}, function(a, b) f() return a < b end) end',
  "load's reader": 'while true do pcall(load, function() f() end) end',
  'an __index metamethod':
    'local o = setmetatable({}, { __index = function() f() end })\nwhile true do pcall(function() return o.x end) end',
  'a __tostring metamethod under pcall':
    'local o = setmetatable({}, { __tostring = function() f() end })\nwhile true do pcall(tostring, o) end',
}

/** The script for one kind and catcher. */
export function tripScript(kind: TripKind, catcher: string): string {
  return `${kind.f}\n${CATCHERS[catcher]}`
}
