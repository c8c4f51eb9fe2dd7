import { readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { compileFunction } from 'node:vm'

/** One exact text replacement in a fengari source file. */
export interface SourcePatch {
  /** File under `fengari/src`, e.g. `'lvm.js'`, or a privately loaded package (`'sprintf-js'`). */
  readonly file: string
  /** Text that must occur exactly once in the file. */
  readonly find: string
  readonly replace: string
  /** Why fengari needs this change (kept next to the change). */
  readonly why: string
}

/** A SourcePatch, written positionally where many are listed together. */
export function patch(file: string, why: string, find: string, replace: string): SourcePatch {
  return { file, why, find, replace }
}

/** Node modules fengari may load from the host; everything else it asks for gets an inert stub. */
const ALLOWED_EXTERNAL = new Set(['os'])
/**
 * Node modules fengari gets a private, patchable copy of (patches name them by package:
 * `file: 'sprintf-js'`): module state such as sprintf-js's format cache is then neither
 * shared with the host nor changed for it.
 */
const PRIVATE_EXTERNAL = new Set(['sprintf-js'])

/**
 * Loads a private copy of fengari's CommonJS module graph with `patches` applied to the
 * source text, and `runtime` visible to the patched code as `__polyhost`.
 *
 * Private means: the process-wide `require('fengari')` is neither used nor changed, so
 * other users of fengari in the same process (and raw-fengari benchmarks) keep the original.
 * `substitutes` replace whole files by a given exports object. Each patch must match exactly once, so a different fengari version fails loudly here
 * instead of silently running without a guard.
 */
export function loadPatchedFengari(
  patches: readonly SourcePatch[],
  runtime: object,
  substitutes: Readonly<Record<string, unknown>> = {},
): { load(file: string): unknown; verify(): void } {
  const hostRequire = createRequire(import.meta.url)
  const srcDir = join(dirname(hostRequire.resolve('fengari/package.json')), 'src')
  const fengariRequire = createRequire(join(srcDir, 'fengari.js'))
  const byFile = new Map<string, SourcePatch[]>()
  for (const p of patches) byFile.set(p.file, [...(byFile.get(p.file) ?? []), p])
  const applied = new Set<SourcePatch>()
  const cache = new Map<string, { exports: unknown }>()

  // patched code requires modules at run time too (`require('./lauxlib.js')` inside a
  // builtin): a loaded module is one map lookup, with no path built for it
  const load = (file: string, at?: string): unknown => {
    const hit = cache.get(file)
    if (hit) return hit.exports
    if (Object.hasOwn(substitutes, file)) return substitutes[file]
    const filename = at ?? join(srcDir, file)
    let source = readFileSync(filename, 'utf8')
    for (const p of byFile.get(file) ?? []) {
      const at = source.indexOf(p.find)
      if (at < 0 || source.indexOf(p.find, at + 1) >= 0) {
        throw new Error(`fengari guard '${p.why}' does not apply to ${file}: expected exactly one match (fengari 0.1.5 required)`)
      }
      source = source.slice(0, at) + p.replace + source.slice(at + p.find.length)
      applied.add(p)
    }
    const module = { exports: {} as unknown }
    cache.set(file, module)
    const fn = compileFunction(source, ['exports', 'require', 'module', '__filename', '__dirname', '__polyhost'], {
      filename: PRIVATE_EXTERNAL.has(file) ? file : `fengari/src/${file}`,
    })
    const localRequire = (spec: string): unknown => {
      if (spec.startsWith('./')) return load(spec.slice(2))
      if (PRIVATE_EXTERNAL.has(spec)) return cache.get(spec)?.exports ?? load(spec, fengariRequire.resolve(spec))
      if (ALLOWED_EXTERNAL.has(spec)) return fengariRequire(spec)
      return inertModule(spec)
    }
    fn(module.exports, localRequire, module, filename, srcDir, runtime)
    return module.exports
  }

  return {
    load,
    /** Throws unless every patch was applied (all patched files were loaded). */
    verify() {
      for (const p of patches) {
        if (!applied.has(p)) throw new Error(`fengari guard '${p.why}' was not applied (${p.file} not loaded)`)
      }
    },
  }
}

// --- internal ---

/** fs, child_process, tmp...: fengari's file and process access gets a module that refuses everything. */
function inertModule(name: string): unknown {
  return new Proxy(
    {},
    {
      get: (_t, key) => {
        if (key === Symbol.toPrimitive || key === 'then') return undefined
        throw new Error(`module '${name}' is not available to scripts`)
      },
    },
  )
}
