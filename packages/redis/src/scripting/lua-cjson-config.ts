import { defineBridge, type Host } from '@polyhost/core'
import { z } from 'zod'

/**
 * lua-cjson 2.1.0's settings functions as Redis 7.0 has them (`encode_sparse_array`,
 * `encode_max_depth`, `decode_max_depth`, `encode_number_precision`, `encode_keep_buffer`,
 * `encode_invalid_numbers`, `decode_invalid_numbers`), part of the prelude chunk after CORE
 * (uses its `BASE`, `raise`, `checkint`, `runKind`) and before LUA_CJSON, which reads the
 * settings on every encode and decode.
 *
 * In Redis the settings are the global `cjson` module's C upvalue: one per Lua state, kept
 * from script to script. Redis 7.0 has two states, one for EVAL (made anew by SCRIPT FLUSH)
 * and one for functions (FUNCTION FLUSH keeps it), so here the global module's settings are
 * kept per kind of run (`runKind`: 1 EVAL, 2 FCALL) in the prelude's locals, and SCRIPT FLUSH
 * forgets the EVAL ones (`__redis_cjson_flush`). A module from `cjson.new()` has settings of
 * its own. Argument checks and error texts are lua-cjson's (`json_arg_init`,
 * `json_integer_option`, whose range error always names argument #1, `json_enum_option`).
 * Settings tables are made in a run: a table made while the prelude runs is frozen with it.
 */
export const LUA_CJSON_CONFIG = `
local cjsonSettings, cjsonDefaults, cjsonConfigure
do
  local type, select, tostring = type, select, tostring
  cjsonDefaults = function()
    return { convert = 0, ratio = 2, safe = 10, encodeDepth = 1000, decodeDepth = 1000, encodeInvalid = 0, decodeInvalid = 1, keep = 1, precision = 14 }
  end
  local FIELDS = { 'convert', 'ratio', 'safe', 'encodeDepth', 'decodeDepth', 'encodeInvalid', 'decodeInvalid', 'keep', 'precision' }
  -- the global module's settings in this run, read from the host at their first use in a run
  -- (the engine puts this local back to nil after each run)
  local saved
  cjsonSettings = function()
    local s = saved
    if not s then
      s = cjsonDefaults()
      local list = rawget(BASE, '__redis_cjson').get(runKind)
      if list then
        for i = 1, #FIELDS do s[FIELDS[i]] = list[i] end
      end
      s.host = true
      saved = s
    end
    return s
  end
  -- a change to the global module's settings is kept by the host for the next runs
  local function keep(s)
    if not s.host then return end
    local list = {}
    for i = 1, #FIELDS do list[i] = s[FIELDS[i]] end
    rawget(BASE, '__redis_cjson').set(runKind, list)
  end

  local INT_MAX = 2147483647
  local function tooMany(fname, n, most)
    if n > most then raise('bad argument #' .. (most + 1) .. " to '" .. fname .. "' (found too many arguments)", 3) end
  end
  local function outOfRange(fname, min, max)
    raise("bad argument #1 to '" .. fname .. "' (expected integer between " .. min .. ' and ' .. max .. ')', 3)
  end
  -- luaL_checkoption: a string (or a number as its text) among the options, counted from 0
  local function option(v, i, fname, options)
    local t = type(v)
    if t == 'number' then v = tostring(v) elseif t ~= 'string' then
      raise('bad argument #' .. i .. " to '" .. fname .. "' (string expected, got " .. t .. ')', 3)
    end
    for k = 1, #options do
      if options[k] == v then return k - 1 end
    end
    raise('bad argument #' .. i .. " to '" .. fname .. "' (invalid option '" .. v .. "')", 3)
  end
  local ONOFF = { 'off', 'on' }
  local INVALID = { 'off', 'on', 'null' }
  local function enumReply(setting, options)
    if setting == 0 or setting == 1 then return setting == 1 end
    return options[setting + 1]
  end

  -- installs the settings functions into a module table whose settings() answers its table
  cjsonConfigure = function(cjson, settings)
    cjson.encode_sparse_array = function(...)
      local n = select('#', ...)
      tooMany('encode_sparse_array', n, 3)
      local a, b, c = ...
      local s = settings()
      if a ~= nil then
        if type(a) == 'boolean' then s.convert = a and 1 or 0 else s.convert = option(a, 1, 'encode_sparse_array', ONOFF) end
        keep(s)
      end
      if b ~= nil then
        local x = checkint(b, 2, 'encode_sparse_array', n)
        if x < 0 then outOfRange('encode_sparse_array', 0, INT_MAX) end
        s.ratio = x
        keep(s)
      end
      if c ~= nil then
        local x = checkint(c, 3, 'encode_sparse_array', n)
        if x < 0 then outOfRange('encode_sparse_array', 0, INT_MAX) end
        s.safe = x
        keep(s)
      end
      return s.convert == 1, s.ratio, s.safe
    end
    local function integer(fname, field, min, max)
      cjson[fname] = function(...)
        local n = select('#', ...)
        tooMany(fname, n, 1)
        local s = settings()
        local v = ...
        if v ~= nil then
          local x = checkint(v, 1, fname, n)
          if x < min or x > max then outOfRange(fname, min, max) end
          s[field] = x
          keep(s)
        end
        return s[field]
      end
    end
    integer('encode_max_depth', 'encodeDepth', 1, INT_MAX)
    integer('decode_max_depth', 'decodeDepth', 1, INT_MAX)
    integer('encode_number_precision', 'precision', 1, 14)
    local function enum(fname, field, options)
      cjson[fname] = function(...)
        local n = select('#', ...)
        tooMany(fname, n, 1)
        local s = settings()
        local v = ...
        if v ~= nil then
          if type(v) == 'boolean' then s[field] = v and 1 or 0 else s[field] = option(v, 1, fname, options) end
          keep(s)
        end
        return enumReply(s[field], options)
      end
    end
    enum('encode_keep_buffer', 'keep', ONOFF)
    enum('encode_invalid_numbers', 'encodeInvalid', INVALID)
    enum('decode_invalid_numbers', 'decodeInvalid', ONOFF)
  end
end
`

/**
 * The settings of the global `cjson` module (lua-cjson-config.ts), kept by the host: in Redis
 * they are the module's C upvalue, kept from script to script by the Lua state, while the
 * engine puts every prelude local back after each run. Redis 7.0 has one Lua state for EVAL
 * (SCRIPT FLUSH makes a new one: `flushEval()`) and one for functions (FUNCTION FLUSH keeps
 * it), so there are two sets, by kind of run (1 EVAL, 2 FCALL).
 */
export class CjsonSettings {
  private readonly kinds = new Map<number, number[]>()

  /** SCRIPT FLUSH: EVAL's settings start over. */
  flushEval(): void {
    this.kinds.delete(1)
  }

  /** The `__redis_cjson` bridge: `get(kind)` → the settings (undefined: the defaults), `set(kind, list)`. */
  bridge() {
    return defineBridge({
      name: '__redis_cjson',
      description: 'the settings of the global cjson module (used by cjson.*)',
      methods: {
        get: {
          args: [z.number()],
          handler: (_ctx, kind: number) => this.kinds.get(kind),
        },
        set: {
          // the values lua-cjson's setters accept: the bridge is a global, so a script may call
          // it, and a value past them (precision 10^9) would break the next runs' encodes
          args: [z.number(), SETTINGS_LIST],
          handler: (_ctx, kind: number, list: number[]) => {
            if (kind === 1 || kind === 2) this.kinds.set(kind, list)
          },
        },
      },
    })
  }
}

const INT_MAX = 2147483647
const int = (min: number, max: number) => z.number().int().min(min).max(max)
/** lua-cjson's settings in LUA_CJSON_CONFIG's `FIELDS` order, each in the range its setter checks. */
const SETTINGS_LIST = z.tuple([
  int(0, 1), // convert (encode_sparse_array)
  int(0, INT_MAX), // ratio
  int(0, INT_MAX), // safe
  int(1, INT_MAX), // encode_max_depth
  int(1, INT_MAX), // decode_max_depth
  int(0, 2), // encode_invalid_numbers: off, on, null
  int(0, 1), // decode_invalid_numbers
  int(0, 1), // encode_keep_buffer
  int(1, 14), // encode_number_precision
])

/** Registers the settings' bridge on the host; answers what SCRIPT FLUSH calls. */
export function cjsonSettings(host: Pick<Host, 'bridges'>): () => void {
  const settings = new CjsonSettings()
  host.bridges.register(settings.bridge())
  return () => settings.flushEval()
}
