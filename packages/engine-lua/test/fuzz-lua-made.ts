// Over 250 lines: the value lists, the generator, the native facts and the mapping of those facts are one differential.
// Random Lua-made tables for the value-model differential: constructors and assignment
// histories as Lua source, the Lua-side facts of their results from a native binary (math.type,
// `#t`, the keys `pairs` sees, string bytes), and the README's mapping of those facts to the
// host value a script's result must become.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import type { Dice } from './fuzz-program.js'

const INT_KEYS = ['0', '1', '2', '3', '4', '5', '-1', '-3', '9007199254740991']
const FLOAT_KEYS = [
  '1e21',
  '5e-324',
  '-1.5',
  '2^52',
  '1e15',
  '1.0',
  '2.0',
  '1.5',
  '-0.0',
  '0.5',
  '2^53',
  '-2^53',
  '2^63',
  '1e300',
  '1/0',
  '-1/0',
  '0.1',
  '0.1 + 0.2',
  '0.3',
]
const STRING_KEYS = [
  '"1"',
  '"2"',
  '"1.0"',
  '"-1"',
  '"0"',
  '"Infinity"',
  '"inf"',
  '"1.5"',
  '"0.30000000000000004"',
  '"9007199254740992"',
  '"a"',
  '"b"',
  '"__proto__"',
  '"constructor"',
  '"\\195\\169"',
  '"\\255"',
  '"\\0"',
  '"x\\0y"',
  '""',
  'string.rep("k", 80)',
  'string.rep("\\226\\130\\172", 30)',
  'string.rep("\\200", 70)',
]
const SCALARS = [
  '0',
  '1',
  '-7',
  '9007199254740991',
  '-9007199254740991',
  '1.0',
  '-0.0',
  '0/0',
  '-(0/0)',
  '1/0',
  '-1/0',
  '0.1',
  '2^53',
  '1e300',
  '5e-324',
  'true',
  'false',
  'nil',
  '"a"',
  '"1"',
  '"\\0"',
  '"\\195\\169"',
  '"\\240\\159\\152\\128"',
  '"\\255"',
  '"\\237\\160\\128"',
  '"\\239\\187\\191x"',
  '"\\192\\128"',
  '"a\\0\\200"',
  '3 / 1',
  '7 % 4',
  'string.rep("\\195\\169", 40)',
  'string.rep("a", 70) .. "\\255"',
  'string.rep("\\0", 5000)',
]
/** Values that cannot leave a script (rare, each a ConversionError). */
const FOREIGN = ['print', 'coroutine.create(print)', 'function() end']

/** Keys that keep a sequence a sequence, or make it one with holes (array-like programs). */
const SEQUENCE_KEYS = ['1', '2', '3', '4', '1.0', '2.0', '3.0', '#N', '#N + 1', '#N + 1', '#N + 2', '0']

function key(d: Dice, name: string, sequence = false): string {
  if (sequence) return d.pick(SEQUENCE_KEYS).replace('N', name)
  const r = d.unit()
  if (r < 0.3) return d.pick(INT_KEYS)
  if (r < 0.4) return `#${name} + 1`
  if (r < 0.6) return d.pick(FLOAT_KEYS)
  if (r < 0.99) return d.pick(STRING_KEYS)
  return d.pick(['true', 'T1', 'print'])
}

function value(d: Dice, tables: number, depth: number): string {
  const r = d.unit()
  if (r < 0.008) return d.pick(FOREIGN)
  if (tables > 0 && r < 0.1) return `T${d.int(1, tables)}`
  if (depth < 3 && r < 0.25) return tableConstructor(d, tables, depth + 1)
  return d.pick(SCALARS)
}

function tableConstructor(d: Dice, tables: number, depth: number): string {
  const items: string[] = []
  for (let i = d.int(0, 6); i > 0; i--) {
    const r = d.unit()
    if (r < 0.5) items.push(value(d, tables, depth))
    else if (r < 0.8) items.push(`[${key(d, 'x').replace('#x + 1', '7')}] = ${value(d, tables, depth)}`)
    else items.push(`${d.pick(['a', 'b', 'n', 'x'])} = ${value(d, tables, depth)}`)
  }
  return `{${items.join(', ')}}`
}

/** One program body (a function's) building tables T1..Tn and returning one of them (or a new one holding them). */
export function tableProgram(d: Dice): string {
  const lines: string[] = []
  const count = d.int(1, 4)
  for (let t = 1; t <= count; t++) {
    const sequence = d.chance(0.4)
    lines.push(`local T${t} = ${sequence ? `{${d.some(SCALARS, 0, 7).join(', ')}}` : tableConstructor(d, t - 1, 0)}`)
    for (let i = d.int(0, 6); i > 0; i--) {
      const name = sequence ? `T${t}` : `T${d.int(1, t)}`
      const r = d.unit()
      if (sequence && r < 0.1) lines.push(r < 0.05 ? `table.insert(${name}, 1, ${d.pick(SCALARS)})` : `table.remove(${name}, 1)`)
      else if (sequence) lines.push(`${name}[${key(d, name, true)}] = ${r < 0.3 ? 'nil' : value(d, t - 1, 1)}`)
      else if (r < 0.25) lines.push(`${name}[${key(d, name)}] = nil`)
      else if (r < 0.27) lines.push(`${name}.self = ${name}`)
      else if (r < 0.35) lines.push(`${name}[#${name}] = nil`)
      else if (r < 0.4)
        lines.push(`for i = 1, ${d.int(5, 40)} do ${name}[i] = i end for i = ${d.int(1, 45)}, ${d.int(1, 45)} do ${name}[i] = nil end`)
      else if (r < 0.45)
        lines.push(`for i = 1, ${d.int(5, 40)} do ${name}['k' .. i] = i end for i = 1, ${d.int(1, 45)} do ${name}['k' .. i] = nil end`)
      else if (r < 0.47)
        lines.push(
          `for k in pairs(${name}) do if ${d.pick(["type(k) == 'string'", "type(k) == 'number'", 'true'])} then ${name}[k] = nil end end`,
        )
      else if (r < 0.48) lines.push(`setmetatable(${name}, {__mode = '${d.pick(['k', 'v', 'kv'])}'}) collectgarbage()`)
      else if (r < 0.5)
        lines.push(
          `setmetatable(${name}, {__index = function() return 1 end, __len = function() return 99 end, __pairs = function() return next, {}, nil end})`,
        )
      else lines.push(`${name}[${key(d, name)}] = ${value(d, d.chance(0.1) ? t : t - 1, 1)}`)
    }
  }
  if (d.chance(0.06)) {
    // a chain around the depth limit (64 levels)
    lines.push(`do local c = T1 for i = 1, ${d.int(60, 66)} do c.d = {} c = c.d end c.v = 1 end`)
  }
  lines.push(d.chance(0.7) ? `return T${d.int(1, count)}` : `return {T1, T${count}, k = T1}`)
  return lines.join('\n')
}

// --- native facts ---

const DUMPER = `local mt = math.type
local out, seen, ids
local function num(x)
  if mt and mt(x) == 'integer' then return 'i' .. string.format('%.17g', x) end
  if x ~= x then return 'fnan' elseif x == 1/0 then return 'finf' elseif x == -1/0 then return 'f-inf' end
  return 'f' .. string.format('%.17g', x)
end
local function dump(v)
  local t = type(v)
  if t == 'nil' then out[#out + 1] = 'n'
  elseif t == 'boolean' then out[#out + 1] = v and 'T' or 'F'
  elseif t == 'number' then out[#out + 1] = num(v)
  elseif t == 'string' then out[#out + 1] = 's' .. v:gsub('.', function(c) return string.format('%02x', c:byte()) end)
  elseif t == 'table' then
    if seen[v] then out[#out + 1] = 'r' .. seen[v] return end
    ids = ids + 1 seen[v] = ids
    out[#out + 1] = 't' .. ids .. ':' .. (rawlen and rawlen(v) or #v)
    for k, x in next, v do dump(k) dump(x) end
    out[#out + 1] = 'e'
  else out[#out + 1] = 'X' .. t end
end
local function run(p)
  out, seen, ids = {}, {}, 0
  local ok, r = pcall(p)
  if not ok then return 'ERR' end
  dump(r)
  return table.concat(out, ' ')
end
`

/** A program that returns the facts line of `body`'s result as the engine's own Lua sees it. */
export function factsProgram(body: string): string {
  return `${DUMPER}return run(function()\n${body}\nend)`
}

/** Each body's result as native Lua sees it, one token line per body ('ERR' when it raised). */
export function nativeFacts(binary: string, bodies: readonly string[]): string[] {
  const dir = mkdtempSync(join(tmpdir(), 'polyhost-tables-'))
  try {
    const source = `${DUMPER}${bodies.map((b) => `print(run(function()\n${b}\nend))\n`).join('')}`
    writeFileSync(join(dir, 'x.lua'), source)
    const r = spawnSync(binary, ['x.lua'], { cwd: dir, encoding: 'utf8', maxBuffer: 64 << 20 })
    if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`)
    return r.stdout.trimEnd().split('\n')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

// --- the README's mapping ---

/** The mapping refuses the value: a ConversionError is expected. */
export class Refused extends Error {}

type Fact =
  | { kind: 'scalar'; value: unknown }
  | { kind: 'bytes'; bytes: Uint8Array }
  | { kind: 'table'; node: Node }
  | { kind: 'other'; what: string }
interface Node {
  readonly length: number
  readonly pairs: [Fact, Fact][]
}

const UTF8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

function parse(line: string): Fact {
  const tokens = line.split(' ')
  const nodes = new Map<string, Node>()
  let i = 0
  const read = (): Fact => {
    const t = tokens[i++] as string
    const rest = t.slice(1)
    switch (t[0]) {
      case 'n':
        return { kind: 'scalar', value: null }
      case 'T':
      case 'F':
        return { kind: 'scalar', value: t === 'T' }
      case 'i':
        return { kind: 'scalar', value: Number(rest) }
      case 'f':
        return {
          kind: 'scalar',
          value: rest === 'nan' ? Number.NaN : rest === 'inf' ? Infinity : rest === '-inf' ? -Infinity : Number(rest),
        }
      case 's':
        return { kind: 'bytes', bytes: Uint8Array.from(Buffer.from(rest, 'hex')) }
      case 'r':
        return { kind: 'table', node: nodes.get(rest) as Node }
      case 't': {
        const [id, length] = rest.split(':')
        const node: Node = { length: Number(length), pairs: [] }
        nodes.set(id as string, node)
        while (tokens[i] !== 'e') node.pairs.push([read(), read()])
        i++
        return { kind: 'table', node }
      }
      default:
        return { kind: 'other', what: rest }
    }
  }
  return read()
}

function def(o: object, k: string, value: unknown): void {
  Object.defineProperty(o, k, { value, enumerable: true, writable: true, configurable: true })
}

/** The host value the README's mapping gives a native result line; throws Refused where it gives a ConversionError. */
export function expectedValue(line: string, maxDepth: number): unknown {
  const ancestors: Node[] = []
  const walk = (f: Fact): unknown => {
    if (f.kind === 'scalar') return f.value
    if (f.kind === 'other') throw new Refused(`a ${f.what}`)
    if (f.kind === 'bytes') {
      try {
        return UTF8.decode(f.bytes)
      } catch {
        return f.bytes
      }
    }
    const node = f.node
    if (ancestors.includes(node) || ancestors.length >= maxDepth) throw new Refused('cycle or depth')
    ancestors.push(node)
    let out: unknown
    const n = node.pairs.length
    const numeric = node.pairs.map(([k]) => (k.kind === 'scalar' && typeof k.value === 'number' ? k.value : 0))
    if (n > 0 && numeric.every((k) => Number.isInteger(k) && k >= 1 && k <= n)) {
      const a = new Array<unknown>(n)
      node.pairs.forEach(([, v], j) => {
        a[(numeric[j] as number) - 1] = walk(v)
      })
      out = a
    } else {
      const o = {}
      for (const [k, v] of node.pairs) {
        let name: string
        if (k.kind === 'bytes') {
          const s = walk(k)
          if (typeof s !== 'string') throw new Refused('a key that is not UTF-8')
          name = s
        } else if (k.kind === 'scalar' && typeof k.value === 'number') name = String(k.value)
        else throw new Refused('a key that is neither a string nor a number')
        if (Object.hasOwn(o, name)) throw new Refused(`two keys named ${name}`)
        def(o, name, walk(v))
      }
      out = o
    }
    ancestors.pop()
    return out
  }
  return walk(parse(line))
}
