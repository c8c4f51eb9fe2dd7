// Runs fengari's own Lua 5.3 test-suite files (test/test-suite/*.test.js) on raw fengari, the
// original unpatched package, and prints as JSON each Lua chunk they load (luaL_loadstring,
// luaL_loadbuffer) with whether its test passed there. Tests that open the C-API test library
// (T, ltests.js), load files or are skipped by fengari are listed as excluded without running.
// A child process: the suite runs synchronously for minutes.
import { readdirSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'

const req = createRequire(new URL('../../package.json', import.meta.url))
const dir = join(dirname(req.resolve('fengari/package.json')), 'test', 'test-suite')
const load = createRequire(join(dir, 'x.js'))
load('../../src/fengari.js') // the package's own load order (its modules are circular)
const lauxlib = load('../../src/lauxlib.js')
const decoder = new TextDecoder()
let recorded = []
const lauxlibShim = {
  ...lauxlib,
  luaL_loadstring: (L, s) => {
    recorded.push({ source: decoder.decode(s) })
    return lauxlib.luaL_loadstring(L, s)
  },
  // a chunk name such as "@db.lua" is kept: some chunks match it in their own tracebacks
  luaL_loadbuffer: (L, s, size, name) => {
    recorded.push({ source: decoder.decode(s), name: typeof name === 'string' ? name : name && decoder.decode(name) })
    return lauxlib.luaL_loadbuffer(L, s, size, name)
  },
}
const only = process.argv[2]
const out = []
for (const file of readdirSync(dir)
  .filter((f) => f.endsWith('.test.js') && (!only || f === only))
  .sort()) {
  const tests = []
  const test = Object.assign((name, fn) => tests.push([name, fn, false]), { skip: (name, fn) => tests.push([name, fn, true]) })
  const requireShim = (id) => (id.endsWith('/lauxlib.js') ? lauxlibShim : load(id))
  new Function('require', 'test', 'module', 'exports', readFileSync(join(dir, file), 'utf8'))(requireShim, test, {}, {})
  for (const [name, fn, skipped] of tests) {
    const id = `${file}: ${name}`
    const text = String(fn)
    const excluded = skipped
      ? 'skipped by fengari'
      : text.includes('luaopen_tests')
        ? 'uses the C-API test library T (ltests.js)'
        : text.includes('luaL_loadfile')
          ? 'loads a file'
          : undefined
    if (excluded) {
      out.push({ id, source: '', rawPass: false, excluded })
      continue
    }
    recorded = []
    let rawPass = true
    const started = performance.now()
    try {
      fn()
    } catch {
      rawPass = false
    }
    const ms = Math.round(performance.now() - started)
    for (const [i, chunk] of recorded.entries()) out.push({ id: recorded.length > 1 ? `${id} #${i + 1}` : id, ...chunk, rawPass, ms })
  }
}
process.stdout.write(JSON.stringify(out))
