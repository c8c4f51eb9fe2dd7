import type { EngineSnippets, ScriptLiteral } from '../src/index.js'

/** FakeScript (`@polyhost/core/testing`) snippets: one JSON statement per line. */
export const fakeSnippets: EngineSnippets = {
  language: 'fake',
  returnLiteral: (v) => ret(lit(v)),
  readGlobal: (name) => ret(['get', name]),
  readField: (name, path) => ret(['get', name, ...path]),
  length: (name) => ret(['len', ['get', name]]),
  hasPath: (path) => ret(['has', ...path]),
  callGlobal: (name, args) => ret(['call', ['get', name], ...args.map(lit)]),
  numberKind: (name) => ret(['kind', ['get', name]]),
  writeGlobal: (name, v) => stmt('set', name, lit(v)),
  writeContext: (key, v) => `${stmt('try', ['setfield', ['get', 'context'], key, lit(v)])}\n${ret(['get', 'context', key])}`,
  wrapGlobal: (name) => ret(['array', ['get', name], ['object', 'inner', ['get', name]]]),
  setField: (name, key, v) => `${stmt('setfield', ['get', name], key, lit(v))}\n${ret(['get', name])}`,
  aliasGlobal: (from, to) => stmt('set', to, ['get', from]),
  emptyArray: () => ret(['array']),
  sparseArray: () => ({ source: ret(['array', 'a', null, 'c']), expected: ['a', null, 'c'] }),
  cyclic: () => [stmt('set', 't', ['object']), stmt('setfield', ['get', 't'], 'self', ['get', 't']), ret(['get', 't'])].join('\n'),
  returnMany: (values) => stmt('return', ...values.map(lit)),

  syntaxError: () => ({ source: `${ret(1)}\n["return", 1`, line: 2 }),
  throwError: (message) => stmt('throw', message),
  callMissing: () => stmt('do', ['call', ['get', 'missing']]),

  callBridge: (path, args) => ret(bridgeCall(path, args)),
  awaitBridge: (path, args) => ret(bridgeCall(path, args)),
  catchBridge: (path, args) => ret(['try', bridgeCall(path, args)]),
  bridgeLoop: (path) => stmt('loop', ['try', ['do', bridgeCall(path, [])]]),

  infiniteLoop: () => stmt('loop', ['try', ['do', 1]]),
  recursion: (depth) => ret(['recurse', depth]),
  deepRecursion: () => ret(['recurse', -1]),
  allocate: (bytes) => ret(['alloc', bytes]),
  randomDraws: (n) => ret(['array', ...Array.from({ length: n }, () => ['random'])]),
  clockMs: () => ret(['now']),
  print: (message) => stmt('print', message),
  printLoop: (message) => stmt('loop', ['try', ['print', message]]),

  tamperBuiltins: () =>
    [stmt('try', ['setfield', ['get', 'lib'], 'upper', 'tampered']), stmt('try', ['setfield', ['get', 'lib'], 'extra', 1])].join('\n'),
  builtinsIntact: () =>
    ret(['and', ['eq', ['try', ['call', ['get', 'lib', 'upper'], 'ab']], 'no error'], ['eq', ['has', 'lib', 'extra'], false]]),

  moduleExporting: (v) => ret(lit(v)),
  requireModule: (name) => ret(['require', name]),
}

// --- internal ---

function stmt(op: string, ...args: unknown[]): string {
  return JSON.stringify([op, ...args])
}

function ret(expr: unknown): string {
  return stmt('return', expr)
}

function bridgeCall(path: string, args: readonly ScriptLiteral[]): unknown[] {
  return ['call', ['get', ...path.split('.')], ...args.map(lit)]
}

/** A host literal as a FakeScript expression. */
function lit(v: ScriptLiteral): unknown {
  if (v === null || typeof v === 'boolean' || typeof v === 'string') return v
  if (typeof v === 'number') {
    if (Object.is(v, -0)) return ['num', '-0'] // JSON would write 0
    return Number.isSafeInteger(v) ? v : ['num', Number.isFinite(v) ? v : String(v)]
  }
  if (v instanceof Uint8Array) return ['bytes', ...v]
  if (Array.isArray(v)) return ['array', ...v.map(lit)]
  return ['object', ...Object.entries(v as Record<string, ScriptLiteral>).flatMap(([k, x]) => [k, lit(x)])]
}
