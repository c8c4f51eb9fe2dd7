import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync, unlinkSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { fileURLToPath } from 'node:url'
import type { Host } from '@polyhost/core'

const DRIVER = fileURLToPath(new URL('./fixtures/numbers-native.lua', import.meta.url))

/** One expression's outcome: `tostring` of its value, or its error message without position. */
export interface Outcome {
  readonly ok: boolean
  readonly text: string
  /** Native only: the result is an integer (or a string of one) beyond ±(2^53 − 1). */
  readonly big?: boolean
}

/** Whether a native Lua binary (`lua5.3`, `lua5.1`) can be run. */
export function hasNative(binary: string): boolean {
  return !spawnSync(binary, ['-v'], { encoding: 'utf8' }).error
}

/** Evaluates each expression in native Lua (one process), as fixtures/numbers-native.lua prints them. */
export function runNative(binary: string, exprs: readonly string[]): Outcome[] {
  const file = join(tmpdir(), `polyhost-numbers-${process.pid}-${Math.random().toString(36).slice(2)}.txt`)
  writeFileSync(file, `${exprs.join('\n')}\n`)
  const r = spawnSync(binary, [DRIVER, file], { encoding: 'utf8', maxBuffer: 64 << 20 })
  unlinkSync(file)
  if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`)
  return r.stdout
    .trimEnd()
    .split('\n')
    .map((line) => {
      const [kind, text = '', big] = line.split('\t')
      return { ok: kind === 'OK', text, big: big === '1' }
    })
}

/** Evaluates one expression in the engine as `return tostring((expr))`. */
export async function runEngine(host: Host, expr: string): Promise<Outcome> {
  try {
    const r = await host.execute({ language: 'lua', source: `return tostring((${expr}))`, name: 'corpus.lua' })
    return { ok: true, text: escapeBytes(String(r.values[0])) }
  } catch (e) {
    const message = (e as Error).message.replace(/^[^\n]*?:\d+: /, '')
    return { ok: false, text: escapeBytes(message) }
  }
}

// --- internal ---

/** As the native driver escapes: bytes outside printable ASCII become \<decimal>. */
function escapeBytes(s: string): string {
  return Array.from(Buffer.from(s, 'utf8'), (b) => (b >= 32 && b <= 126 ? String.fromCharCode(b) : `\\${b}`)).join('')
}

/**
 * Wraps a Lua expression so that all its results become one string, `count:v1,v2,…` (each
 * through `tostring`): runNative and runEngine compare one value, and what a library function
 * returns — no value, two values, a trailing nil — is part of its behaviour.
 */
export function allResults(expr: string): string {
  return `(function(...) local t = {} for i = 1, select('#', ...) do t[i] = tostring((select(i, ...))) end return select('#', ...) .. ':' .. table.concat(t, ',') end)(${expr})`
}

/** A function body as one expression of all its results; `P(pcall(...))` gives pcall's results with the error's position removed. */
export function iife(body: string): string {
  return allResults(
    `(function() local function P(ok, ...) if ok then return ok, ... end return ok, (tostring((...)):gsub('^.-:%d+: ', '')) end ${body} end)()`,
  )
}

/** A seeded generator (an LCG), so generated cases are the same every run. */
export function prng(seed: number): () => number {
  let s = seed >>> 0
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0
    return s / 2 ** 32
  }
}

/**
 * Runs a whole program in native Lua as the file `x.lua` (so messages name `x.lua:<line>`,
 * as the engine does for a script named `x.lua`) and returns what it printed; `env` is added
 * to the process environment (a `TZ`).
 */
export function runNativeProgram(binary: string, source: string, env: Readonly<Record<string, string>> = {}): string {
  const dir = mkdtempSync(join(tmpdir(), 'polyhost-native-'))
  try {
    writeFileSync(join(dir, 'x.lua'), source)
    const r = spawnSync(binary, ['x.lua'], { cwd: dir, encoding: 'latin1', env: { ...process.env, ...env }, maxBuffer: 64 << 20 })
    if (r.status !== 0) throw new Error(`${binary} failed: ${r.stderr}`)
    return r.stdout
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}

/**
 * A traceback's text to compare with native's: addresses masked, and the frame lua.c adds
 * below a main chunk dropped (an embedded script has none).
 */
export function comparableTraceback(text: string): string {
  return text
    .replace(/0x[0-9a-f]+/g, 'ADDR')
    .replace(/(in main chunk)\n\t\[C\]: (in )?\?/g, '$1')
    .trimEnd()
}

/** What a script's `print`/`io.write` lines show, joined as native's stdout (its bytes as latin1 characters). */
export function printed(logs: readonly { message: string }[]): string {
  return logs.map((l) => `${Buffer.from(l.message, 'utf8').toString('latin1')}\n`).join('')
}

/**
 * What lua.c reports for a script `x.lua` that ends in an error: the first line of its
 * message on stderr, without the `lua5.3: ` prefix (the error object as its message handler
 * describes it).
 */
export function nativeErrorReport(binary: string, source: string): string {
  const dir = mkdtempSync(join(tmpdir(), 'polyhost-native-'))
  try {
    writeFileSync(join(dir, 'x.lua'), source)
    const r = spawnSync(binary, ['x.lua'], { cwd: dir, encoding: 'utf8' })
    if (r.status === 0) throw new Error(`${binary} ran x.lua without an error`)
    return (r.stderr.split('\n')[0] ?? '').replace(`${binary}: `, '')
  } finally {
    rmSync(dir, { recursive: true, force: true })
  }
}
