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
  writeContext: (key, value) =>
    `(() => { try { context[${JSON.stringify(key)}] = ${lit(value)} } catch (e) {} return context[${JSON.stringify(key)}] })()`,
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
    ].join('\n'),
  builtinsIntact: () =>
    "Math.max(1, 2) === 2 && ({}).polluted === undefined && JSON.stringify([1]) === '[1]' && [].tampered === undefined && globalThis.inherited === undefined",
  moduleExporting: (value) => `export default ${lit(value)}`,
  requireModule: (name) => `import m from ${JSON.stringify(name)}\nexport default m`,
}
