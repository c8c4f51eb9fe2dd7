/**
 * Loads Polyhost and its engines dynamically, so that a missing or unfinished engine turns
 * its rows into "not available" instead of stopping the whole run.
 */

/** @type {Map<string, Promise<{ factory?: Function, note?: string }>>} */
const loaded = new Map()

const PACKAGES = {
  lua: { pkg: '@polyhost/engine-lua', factory: 'luaEngine' },
  js: { pkg: '@polyhost/engine-js', factory: 'jsEngine' },
}

/**
 * Limits high enough that no workload trips them, but all of them on: "limits on" is
 * what the CPU ratios measure.
 */
export const BENCH_LIMITS = {
  instructions: 2_000_000_000,
  timeoutMs: 120_000,
  memoryBytes: 256 * 1024 * 1024,
  bridgeCalls: 10_000_000,
  outputBytes: 1024 * 1024,
}

/**
 * The engine factory of `language`, or a note saying why it is not available.
 * @param {'lua' | 'js'} language
 */
export function engineFactory(language) {
  let p = loaded.get(language)
  if (!p) {
    const { pkg, factory } = PACKAGES[language]
    p = import(pkg).then(
      (m) => (typeof m[factory] === 'function' ? { factory: m[factory] } : { note: `${pkg} does not export ${factory} yet` }),
      (e) => ({ note: `${pkg} failed to load: ${firstLine(e)}` }),
    )
    loaded.set(language, p)
  }
  return p
}

/**
 * Creates a host with the given engines and checks that each gives a first result.
 * Resolves to `{ host }` or `{ note }` naming what is not available.
 *
 * @param {('lua' | 'js')[]} languages
 * @param {object} [options] extra `createHost` options (pool, limits, policy)
 * @param {{ lua?: object, js?: object }} [engineOptions] options for each engine factory
 * @returns {Promise<{ host?: import('@polyhost/core').Host, core?: typeof import('@polyhost/core'), note?: string }>}
 */
export async function openHost(languages, options = {}, engineOptions = {}) {
  let core
  try {
    core = await import('@polyhost/core')
  } catch (e) {
    return { note: `@polyhost/core failed to load (run \`pnpm turbo run build\`): ${firstLine(e)}` }
  }
  const engines = []
  for (const l of languages) {
    const f = await engineFactory(l)
    if (!f.factory) return { note: f.note }
    engines.push(f.factory(engineOptions[l]))
  }
  let host
  try {
    host = await core.createHost({ engines, policy: 'standard', limits: BENCH_LIMITS, ...options })
  } catch (e) {
    return { note: `createHost failed: ${firstLine(e)}` }
  }
  try {
    for (const l of languages) {
      const r = await host.execute({ language: l, source: l === 'lua' ? 'return 1 + 1' : '1 + 1' })
      if (r.value !== 2) throw new Error(`first result was ${JSON.stringify(r.value)}, expected 2`)
    }
  } catch (e) {
    await host.close().catch(() => {})
    return { note: `engine does not run scripts yet: ${firstLine(e)}` }
  }
  return { host, core }
}

/**
 * Versions of the Polyhost packages, for the report.
 */
export async function polyhostInfo() {
  const out = []
  for (const l of /** @type {const} */ (['lua', 'js'])) {
    const f = await engineFactory(l)
    let version
    try {
      version = f.factory?.().version
    } catch {}
    out.push({ name: PACKAGES[l].pkg, version: version ?? '—', missing: f.note })
  }
  return out
}

// --- internal ---

function firstLine(e) {
  return (e instanceof Error ? e.message : String(e)).split('\n')[0]
}
