import type { EngineSnippets, ScriptLiteral } from '@polyhost/conformance'

/** A JS expression for a literal; keys are computed so `__proto__` stays an own key. */
export function lit(v: ScriptLiteral): string {
  if (v === null) return 'null'
  if (typeof v === 'number') return Object.is(v, -0) ? '-0' : Number.isNaN(v) ? 'NaN' : String(v)
  if (typeof v === 'string' || typeof v === 'boolean') return JSON.stringify(v)
  if (v instanceof Uint8Array) return `new Uint8Array([${[...v].join(', ')}])`
  if (Array.isArray(v)) return `[${v.map(lit).join(', ')}]`
  const entries = Object.entries(v as Record<string, ScriptLiteral>).map(([k, x]) => `[${JSON.stringify(k)}]: ${lit(x)}`)
  return `({ ${entries.join(', ')} })`
}

const global = (name: string) => `globalThis[${JSON.stringify(name)}]`
const call = (target: string, args: readonly ScriptLiteral[]) => `${target}(${args.map(lit).join(', ')})`

/** JavaScript snippets for the conformance kit (scripts run as strict code). */
export const jsSnippets: EngineSnippets = {
  language: 'js',
  extension: '.js',
  returnLiteral: (v) => lit(v),
  readGlobal: (name) => global(name),
  readField: (name, path) => `${global(name)}${path.map((p) => `[${JSON.stringify(p)}]`).join('')}`,
  length: (name) => `${global(name)}.length`,
  hasPath: (path) =>
    `(() => { let v = globalThis; for (const k of ${JSON.stringify(path)}) { if (v == null) return false; v = v[k] } return v != null })()`,
  randomDraws: (n) => `Array.from({ length: ${n} }, () => Math.random())`,
  clockMs: () => 'Date.now()',
  callGlobal: (name, args) => call(global(name), args),
  // strict code: an undeclared assignment is an error, so globals are written explicitly
  writeGlobal: (name, value) => `${global(name)} = ${lit(value)};`,
  setElement: (name, index, value) => `${global(name)}[${index}] = ${lit(value)};\n${global(name)}`,
  writeContext: (key, value) =>
    `(() => { try { context[${JSON.stringify(key)}] = ${lit(value)} } catch (e) {} return context[${JSON.stringify(key)}] })()`,
  wrapGlobal: (name) => `[${global(name)}, { inner: ${global(name)} }]`,
  setField: (name, key, value) =>
    value === null
      ? `delete ${global(name)}[${JSON.stringify(key)}]; ${global(name)}`
      : `${global(name)}[${JSON.stringify(key)}] = ${lit(value)}; ${global(name)}`,
  aliasGlobal: (from, to) => `${global(to)} = ${global(from)};`,
  emptyArray: () => '[]',
  sparseArray: () => ({ source: "['a', , 'c']", expected: ['a', undefined, 'c'] }),
  cyclic: () => 'const t = {}; t.self = t; t',
  syntaxError: () => ({ source: 'let a = 1\nlet b = )', line: 2 }),
  throwError: (message) => `throw new Error(${JSON.stringify(message)})`,
  callMissing: () => 'missing()',
  callBridge: (path, args) => call(path, args),
  awaitBridge: (path, args) => `await ${call(path, args)}`,
  catchBridge: (path, args, awaited) =>
    `(async () => { try { ${awaited ? 'await ' : ''}${call(path, args)}; return 'no error' } catch (e) { return String(e.message) } })()`,
  catchBridgeText: (path) => `try { ${path}(); 'no error' } catch (e) { String(e && e.message) + '|' + String(e && e.stack) }`,
  bridgeLoop: (path) => `while (true) { try { ${path}() } catch (e) {} }`,
  infiniteLoop: () => 'while (true) { try { for (;;) {} } catch (e) {} }',
  recursion: (depth) => `function r(n) { return n === 0 ? 0 : 1 + r(n - 1) }\nr(${depth})`,
  deepRecursion: () => 'function r() { return 1 + r() }\nr()',
  allocate: (bytes) => `const keep = []\nfor (let i = 0; i < Math.ceil(${bytes} / 65536); i++) keep.push(new Uint8Array(65536))\ntrue`,
  print: (message) => `console.log(${JSON.stringify(message)});`,
  printLoop: (message) => `while (true) { try { console.log(${JSON.stringify(message)}) } catch (e) {} }`,
  tamperBuiltins: () =>
    [
      'try { Math.max = () => 0 } catch (e) {}',
      'try { Object.prototype.polluted = 1 } catch (e) {}',
      "try { JSON.stringify = () => '' } catch (e) {}",
      'try { Array.prototype.tampered = 1 } catch (e) {}',
      'try { Object.setPrototypeOf(globalThis, { inherited: 1 }) } catch (e) {}',
      'try { Object.getPrototypeOf(Object.getPrototypeOf([].values())).tampered = 1 } catch (e) {}',
      'try { Object.getPrototypeOf([].values().map((x) => x)).next = () => ({ done: true }) } catch (e) {}',
    ].join('\n'),
  builtinsIntact: () =>
    "Math.max(1, 2) === 2 && ({}).polluted === undefined && JSON.stringify([1]) === '[1]' && [].tampered === undefined && globalThis.inherited === undefined" +
    " && [].values().tampered === undefined && [1, 2].values().map((x) => x * 2).toArray().join() === '2,4'",
  tenantTurn: (tenant, other) =>
    [
      'import shared from "shared"',
      'const secret = turn.secret',
      'const seen = {',
      `  leaked: ${global(`left_${other}`)} ?? null,`,
      `  own: ${global(`left_${tenant}`)} ?? null,`,
      `  injected: ${global(`g_${other}`)} ?? null,`,
      '  late: globalThis.late ?? null,',
      `  intact: ${jsSnippets.builtinsIntact()},`,
      '  random: [Math.random(), Math.random(), Math.random()],',
      '  clock: Math.floor(Date.now() / 1000),',
      '  sync: kv.upper(secret),',
      '  async: await kv.soon(secret),',
      '  ctx: kv.ctx().tenant,',
      "  stored: kv.swap('k', secret),",
      '  context: context.tenant,',
      '  module: shared.owner ?? null,',
      '}',
      'try { shared.owner = secret } catch (e) {}',
      `${global(`left_${tenant}`)} = secret`,
      'console.log(secret)',
      'kv.note(secret)',
      // left pending: if it ran in another tenant's execution, that tenant would see `late`
      "kv.soon(secret).then(() => { globalThis.late = secret; console.log('late:' + secret) })",
      // last: tampering may take `console` away from the rest of this script
      jsSnippets.tamperBuiltins(),
      'export default seen',
    ].join('\n'),
  moduleExporting: (value) => `export default ${lit(value)}`,
  requireModule: (name) => `import m from ${JSON.stringify(name)}\nexport default m`,
}
