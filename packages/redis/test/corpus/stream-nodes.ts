import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

/**
 * Approximate trimming (`MAXLEN ~`, `MINID ~`) removes whole nodes, and Redis closes a node at
 * 100 entries or when the next entry's fields and values would take its listpack to 4 KiB
 * (`stream-node-max-bytes`). With the byte bound not modelled, a stream of 1,000-byte values
 * trimmed `MAXLEN ~ 100` kept 150 entries where Redis keeps 102. Each script builds a stream
 * (sizes and names from a fixed pseudo-random sequence), then trims it step by step and
 * answers each step's count, the length and the first ID left, so node bounds show.
 */
function trims(name: string, build: string, steps: string[]): CorpusCase {
  return script(
    `stream nodes: ${name}`,
    `local seed = 7
     local function rnd(n) seed = (seed * 1103515245 + 12345) % 2147483648 return seed % n end
     ${build}
     local out = {}
     for _, step in ipairs({${steps.map((s) => `{${s}}`).join(', ')}}) do
       local r = redis.call(unpack(step))
       local first = redis.call('XRANGE', 's', '-', '+', 'COUNT', 1)[1]
       out[#out + 1] = table.concat({tostring(r), redis.call('XLEN', 's'), first and first[1] or '-'}, ' ')
     end
     return out`,
  )
}

const maxlens = (...ns: number[]) => ns.map((n) => `'XTRIM', 's', 'MAXLEN', '~', ${n}`)

export const STREAM_NODE_CASES: CorpusCase[] = [
  trims(
    '1,000-byte values, four to a node',
    `for i = 1, 250 do redis.call('XADD', 's', i .. '-0', 'f', string.rep('v', 1000)) end`,
    maxlens(240, 200, 100, 3, 0),
  ),
  trims(
    'values of 0 to 300 bytes, field names the first entry has or not',
    `for i = 1, 400 do
       local names = ({{'f'}, {'f'}, {'f', 'g'}, {'g'}, {'f'}, {'1'}})[rnd(6) + 1]
       local args = {'XADD', 's', i .. '-' .. rnd(3)}
       for _, n in ipairs(names) do args[#args + 1] = n args[#args + 1] = string.rep('x', rnd(300)) end
       redis.call(unpack(args))
     end`,
    [...maxlens(390, 300, 250, 120), `'XTRIM', 's', 'MINID', '~', '300'`, ...maxlens(40, 10, 0)],
  ),
  trims(
    'values that read as integers are stored as integers',
    `for i = 1, 400 do
       local v = ({'12345', '-5', '007', '0', '-0', '9223372036854775807', '9223372036854775808', '+1', '1e3', '127', '128', '-4096', '4095', '32768', '-8388609', '2147483648'})[rnd(16) + 1]
       redis.call('XADD', 's', i .. '-0', 'n', v, rnd(1000) .. '', string.rep(v, rnd(30)))
     end`,
    maxlens(350, 200, 150, 20, 0),
  ),
  trims(
    'entries near the listpack length steps (63, 64, 4,095, 4,096 bytes)',
    `for i = 1, 120 do
       local n = ({62, 63, 64, 65, 126, 127, 128, 4094, 4095, 4096, 4097, 16383, 5})[rnd(13) + 1]
       redis.call('XADD', 's', i .. '-0', string.rep('k', rnd(70)), string.rep('v', n))
     end`,
    maxlens(110, 60, 30, 1, 0),
  ),
  trims(
    'IDs far apart and sequences going down between entries',
    `local ms = 5
     for i = 1, 300 do
       ms = ms + ({0, 1, 1000, 2^31, 2^40})[rnd(5) + 1]
       redis.call('XADD', 's', string.format('%.0f', ms) .. '-' .. ({0, 100, 70000, 2^33})[rnd(4) + 1] + i, 'f', string.rep('v', rnd(200)))
     end`,
    maxlens(290, 150, 75, 0),
  ),
  trims(
    'entries deleted by XDEL and by an exact trim keep their bytes',
    `for i = 1, 300 do redis.call('XADD', 's', i .. '-0', 'f', string.rep('v', 60 + rnd(40))) end
     for i = 1, 300, 3 do redis.call('XDEL', 's', i .. '-0') end
     redis.call('XTRIM', 's', 'MAXLEN', 190)
     for i = 301, 500 do redis.call('XADD', 's', i .. '-0', 'f', string.rep('v', 60 + rnd(40))) end`,
    [...maxlens(300, 250, 100), `'XTRIM', 's', 'MINID', '~', '450-0'`, `'XADD', 's', 'MAXLEN', '~', '10', '600-0', 'f', 'v'`],
  ),
]
