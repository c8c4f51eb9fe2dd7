import { execFile } from 'node:child_process'
import { fileURLToPath } from 'node:url'
import { createHost, type Host } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// The Lua 5.3 test-suite chunks fengari ships (test/test-suite/*.test.js): every chunk whose
// test passes on raw fengari runs through the engine under `minimal`. Chunks that need what a
// sandbox leaves out (or the integer range excludes) are excepted with the reason; no more
// than KNOWN_FAILURES of the rest may fail.

interface RawChunk {
  readonly id: string
  readonly source: string
  /** The chunk name raw fengari loaded it with (`@db.lua`), when not a plain string chunk. */
  readonly name?: string
  readonly rawPass: boolean
  readonly excluded?: string
}

/** What the sandbox leaves out (or the integer range excludes), recognised by the error a chunk stops with. */
const EXCEPTIONS: readonly [RegExp, string][] = [
  [
    /field '(getinfo|sethook|gethook|getlocal|setlocal|getupvalue|setupvalue|upvalueid|upvaluejoin|getregistry|getuservalue|setuservalue)'|global 'debug'|module 'debug'/,
    'needs the debug library',
  ],
  [
    /global 'io'|field '(open|read|lines|close|output|input|tmpfile|popen|remove|rename|tmpname|getenv|execute|exit|setlocale)'/,
    'needs files or the process (io, os)',
  ],
  [/global '(dofile|loadfile)'|field '(searchpath|loadlib|cpath|path)'/, 'needs files (dofile, loadfile, package.path)'],
  [/attempt to load a binary chunk/, 'needs binary chunks (never loaded)'],
  [/integer overflow/, 'needs integers beyond ±(2^53 − 1) (the documented integer range)'],
]

/**
 * Chunks that need what the sandbox leaves out (or assert what the integer range excludes) but
 * stop with a message that does not say so: each is excepted only when it stops at exactly the
 * given line with the given message, so a chunk that starts failing earlier shows as a failure.
 */
const EXCEPTED_CHUNKS: Readonly<Record<string, { stop: string; reason: string }>> = {
  'attrib.test.js: [test-suite] attrib: testing require': {
    stop: 'suite.lua:9: assertion failed!',
    reason: 'needs files (asserts package.path is a string, then package.searchpath)',
  },
  'calls.test.js: [test-suite] calls: test for dump/undump with upvalues': {
    stop: "suite.lua:8: attempt to call a nil value (global 'x')",
    reason: 'needs binary chunks (x = load(string.dump(f), "", "b") is nil)',
  },
  'calls.test.js: [test-suite] calls: testing binary chunks': {
    stop: 'suite.lua:18: assertion failed!',
    reason: "needs binary chunks (compares the string.dump header with C Lua's)",
  },
  'errors.test.js: [test-suite] errors: passing light userdata instead of full userdata': {
    stop: 'suite.lua:23: assertion failed!',
    reason: 'needs the debug library (debug.upvalueid, debug.setuservalue inside a loaded chunk)',
  },
  "errors.test.js: [test-suite] errors: named objects (field '__name')": {
    stop: 'suite.lua:23: assertion failed!',
    reason: 'needs files (io.input, io.stdin as FILE* values)',
  },
  ...integerRange({
    'math: integer arithmetic': [49, "0 - minint == minint (two's-complement wraparound)"],
    'math: testing floor division and conversions': [75, 'minint // -2 == 2^(intbits - 2) (minint = -maxint - 1)'],
    'math: testing order (floats can represent all integers)': [47, 'floatbits >= intbits (64-bit integers)'],
    'math: avoiding errors at compile time': [
      23,
      '2.0^(intbits - 1) & 1 raises; here that is 2.0^53 & 1, which native computes (0) and so does the engine',
    ],
    'math: testing overflow errors when converting from float to integer (runtime)': [
      54,
      'maxint + 1.0 == maxint + 0.0 (floats cannot hold maxint)',
    ],
    "math: 'tonumber' with strings": [63, 'tonumber("0x" .. 13 f\'s) == -1 (hex numerals wrap at intbits)'],
    'math: testing mod operator': [58, 'minint % maxint == maxint - 1 (minint = -maxint - 1)'],
    'math: testing unsigned comparisons': [63, 'math.abs(minint) == minint (wraparound)'],
    'math: testing floor & ceil': [75, 'math.tointeger(0.0 - minint) == nil (-minint = maxint + 1)'],
    'math: interval too large': [47, 'math.random(minint, 0) raises (its size overflows 64 bits; here it is maxint, which fits)'],
    'sort: testing long move': [34, 'table.move at minint lands on maxint - 6 (minint = -maxint - 1)'],
  }),
}

/**
 * fengari's copy of the suite asserts fengari's words where Lua 5.3 says "C"; the engine words
 * these messages as Lua 5.3 (fengari-stdlib.ts), so the chunks get Lua 5.3's words back.
 */
const LUA53_WORDS: readonly [string, string][] = [
  ['"JS stack overflow"', '"C stack overflow"'],
  ['"too many JS levels"', '"too many C levels"'],
]

/**
 * Chunks that still fail, as measured (the README lists each with its reason): errors "too
 * many results" (the stack limit ends the execution where Lua raises a catchable "stack
 * overflow"). Any new failure shows.
 */
const KNOWN_FAILURES = 1
/**
 * The slowest chunk (coroutine "stack overflow": five tables of 10^6 integers) took 22 s on
 * raw fengari and ran past `minimal`'s 30 s through the engine on a loaded 2-core machine; the
 * time limit is not what the suite judges, so it gets room (the log lists the slowest chunks).
 */
const SUITE_TIMEOUT_MS = 180_000

/** Range-dependent math chunks: each stops at an assertion that holds only for 64-bit integers. */
function integerRange(chunks: Record<string, [number, string]>): Record<string, { stop: string; reason: string }> {
  return Object.fromEntries(
    Object.entries(chunks).map(([name, [line, what]]) => [
      `${name.split(':')[0]}.test.js: [test-suite] ${name}`,
      { stop: `suite.lua:${line}: assertion failed!`, reason: `asserts 64-bit integers: ${what}` },
    ]),
  )
}

const RAW = fileURLToPath(new URL('./child/lua-suite-raw.mjs', import.meta.url))

function collect(): Promise<RawChunk[]> {
  return new Promise((resolve, reject) => {
    execFile(process.execPath, [RAW], { timeout: 15 * 60_000, maxBuffer: 64 << 20 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`raw fengari run failed: ${stderr.slice(-400)}`))
      else resolve(JSON.parse(stdout) as RawChunk[])
    })
  })
}

describe('fengari-shipped Lua 5.3 test suite through the engine (minimal)', () => {
  let host: Host
  beforeAll(async () => {
    host = await createHost({ engines: [luaEngine()], policy: 'minimal', limits: { timeoutMs: SUITE_TIMEOUT_MS } })
  })
  afterAll(() => host.close())

  it(
    'at least 98 % of the runnable chunks that pass on raw fengari pass',
    async () => {
      const chunks = await collect()
      const runnable = chunks.filter((c) => c.rawPass && !c.excluded)
      const failures: string[] = []
      const excepted: string[] = []
      const took: [number, string][] = []
      for (const c of runnable) {
        const started = performance.now()
        const source = LUA53_WORDS.reduce((text, [from, to]) => text.replaceAll(from, to), c.source)
        const name = c.name?.startsWith('@') ? c.name.slice(1) : 'suite.lua'
        try {
          await host.execute({ language: 'lua', source, name })
        } catch (e) {
          const message = (e as Error).message.split('\n')[0] ?? ''
          const chunk = EXCEPTED_CHUNKS[c.id]
          const reason = chunk?.stop === message ? chunk.reason : EXCEPTIONS.find(([re]) => re.test(message))?.[1]
          if (reason) excepted.push(`${c.id} — ${reason}: ${message}`)
          else failures.push(`${c.id} — ${(e as Error).name}: ${message}`)
        }
        took.push([performance.now() - started, c.id])
      }
      const judged = runnable.length - excepted.length
      const passed = judged - failures.length
      const notRun = chunks.filter((c) => c.excluded).length
      const ranged = excepted.filter((x) => /integers beyond|asserts 64-bit/.test(x)).length
      console.log(
        [
          `suite: ${chunks.length} chunks; ${notRun} not run (T library, files, skipped by fengari); ${runnable.length} pass on raw fengari`,
          `engine (minimal): ${passed}/${judged} pass (${((100 * passed) / judged).toFixed(1)} %); ${excepted.length} excepted`,
          `  of them for the integer range: ${ranged}; counting those as failures: ${passed}/${judged + ranged} (${((100 * passed) / (judged + ranged)).toFixed(1)} %)`,
          ...excepted.map((x) => `  excepted: ${x}`),
          ...failures.map((x) => `  FAILED: ${x}`),
          ...took
            .sort((a, b) => b[0] - a[0])
            .slice(0, 3)
            .map(([ms, id]) => `  slowest: ${(ms / 1000).toFixed(1)} s ${id}`),
        ].join('\n'),
      )
      expect(runnable.length, 'the suite was found and ran').toBeGreaterThan(250)
      expect(failures.length, failures.join('\n')).toBeLessThanOrEqual(KNOWN_FAILURES)
      expect(passed / judged).toBeGreaterThanOrEqual(0.98)
    },
    30 * 60_000,
  )
})
