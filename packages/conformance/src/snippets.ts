/**
 * Plain data the kit asks an engine to write as a literal in its own language. Numbers
 * include NaN, ±Infinity and -0; `null` is the language's nil/null. The kit never passes
 * an empty array (whether `{}` is an array is the language's business: see `emptyArray`).
 */
export type ScriptLiteral =
  | null
  | boolean
  | number
  | string
  | Uint8Array
  | readonly ScriptLiteral[]
  | { readonly [key: string]: ScriptLiteral }

/** A snippet with expectations the language decides. */
export interface Snippet {
  readonly source: string
  /** 1-based line where the snippet's error is raised (`syntaxError`). */
  readonly line?: number
  /** The host value the script's result converts to, where the contract allows choices. */
  readonly expected?: unknown
}

/**
 * Guest-language snippets an engine supplies so the kit can test it without knowing the
 * language. Every method returns source text (or a Snippet) in `language`.
 *
 * Conventions:
 * - A *program* is a whole script whose result (Lua `return`, JS completion value /
 *   default export) is what the method describes.
 * - A *statement* (`writeGlobal`, `print`, `tamperBuiltins`) may be joined with `\n` to
 *   other statements and to one program placed last.
 * - Paths use 0-based numeric indices for arrays; engines with 1-based arrays add one.
 * - Globals are read by name; the kit only uses identifier names (`v`, `g1`, `context`).
 */
export interface EngineSnippets {
  /** The language id passed to `host.execute` (one of the plugin's `languages`). */
  readonly language: string
  /** Extension of script names the kit uses, with the dot; default `extensions[0]`. */
  readonly extension?: string

  // --- values and globals -------------------------------------------------------------

  /** Program: its result is `value`, written as a literal (NaN, ±Infinity, -0, bytes...). */
  returnLiteral(value: ScriptLiteral): string
  /** Program: its result is the global `name`, unchanged (used for round trips). */
  readGlobal(name: string): string
  /** Program: its result is `name` indexed by `path` (`['b', 0]` → Lua `v.b[1]`, JS `v.b[0]`). */
  readField(name: string, path: readonly (string | number)[]): string
  /** Program: its result is the length of the global `name` (array, ASCII string, or bytes). */
  length(name: string): string
  /** Program: its result is `true` when the global path (`['kv', 'get']`) holds a non-nil value. */
  hasPath(path: readonly string[]): string
  /** Program: calls the global function `name` with `args`; its result is what the call returned. */
  callGlobal(name: string, args: readonly ScriptLiteral[]): string
  /**
   * Program: its result is `'integer'` or `'float'`, how the global number `name` is
   * represented. Required when `capabilities.integerRange` is set.
   */
  numberKind?(name: string): string
  /** Statement: assigns `value` to the global `name` (standard policy: undeclared globals allowed). */
  writeGlobal(name: string, value: ScriptLiteral): string
  /**
   * Program: tries `context[key] = value`, swallowing any error the language raises, and
   * results in `context[key]` read back afterwards.
   */
  writeContext(key: string, value: ScriptLiteral): string
  /**
   * Program: sets element `index` (0-based; Lua `name[index + 1]`) of the global array
   * `name` to `value` and results in the array. Used by the array-shape clause to edit a
   * host array with nulls; without it that clause checks round trips only.
   */
  setElement?(name: string, index: number, value: ScriptLiteral): string
  /** Program: results in an empty array (Lua: a table marked as an array). */
  emptyArray(): string
  /**
   * Program: results in an array with `'a'` at index 0, nothing at index 1 and `'c'` at
   * index 2 (Lua `{[1]='a',[3]='c'}`). `expected`: the host value it converts to — the kit
   * checks it is either `['a', null|undefined, 'c']` or the object `{ '1': 'a', '3': 'c' }`.
   */
  sparseArray(): Snippet
  /** Program: results in a table/object that contains itself (`t.self = t`). */
  cyclic(): string
  /** Program: results in `[v, { inner: v }]`, built by the script around the global `name` (Lua `{v, {inner = v}}`). */
  wrapGlobal(name: string): string
  /**
   * Program: sets the field `key` of the global object `name` to `value` (`null` removes the
   * field: JS `delete`, Lua `= nil`) and results in that global.
   */
  setField(name: string, key: string, value: ScriptLiteral): string
  /** Statement: the global `to` becomes the global `from` (the same object, not a copy). */
  aliasGlobal(from: string, to: string): string
  /** Program: results in several values (Lua `return a, b`). Required when `capabilities.multipleReturns`. */
  returnMany?(values: readonly ScriptLiteral[]): string

  // --- errors ----------------------------------------------------------------------------

  /** Program that does not parse; `line` is where the engine reports the error. */
  syntaxError(): Snippet
  /** One line, no newline: throws/errors with exactly `message` (Lua `error(msg, 0)`, JS `throw new Error(msg)`). */
  throwError(message: string): string
  /** One line, no newline: a runtime error that is not an explicit throw (calling the missing global `missing`). */
  callMissing(): string

  // --- bridges ---------------------------------------------------------------------------

  /** Program: results in the value of calling bridge `path` (`'kv.get'`) synchronously with `args`. */
  callBridge(path: string, args: readonly ScriptLiteral[]): string
  /** Program: as `callBridge` for an async handler (JS: `await`; Lua: the call looks synchronous). */
  awaitBridge(path: string, args: readonly ScriptLiteral[]): string
  /**
   * Program: calls bridge `path` (awaiting it if `awaited`) inside the language's catch
   * (pcall / try) and results in the caught error's message as a string, or `'no error'`.
   */
  catchBridge(path: string, args: readonly ScriptLiteral[], awaited: boolean): string
  /**
   * Program: calls bridge `path` with no arguments inside the language's catch and results in
   * every text the script can read of the caught error as one string (JS: message and stack),
   * or `'no error'`. Default: `catchBridge(path, [], false)`.
   */
  catchBridgeText?(path: string): string
  /** Program: calls bridge `path` with no arguments forever, catching and ignoring every error. */
  bridgeLoop(path: string): string

  // --- limits ----------------------------------------------------------------------------

  /** Program: never ends on its own; the loop body catches and ignores every error it can. */
  infiniteLoop(): string
  /** Program: recursion `depth` calls deep (a plain script function); results in `depth`. */
  recursion(depth: number): string
  /** Program: unbounded recursion of a script function. */
  deepRecursion(): string
  /**
   * Program: allocates about `bytes` bytes in pieces of at most 64 KiB (strings or byte
   * buffers), keeps them all reachable until it ends, and results in `true`.
   */
  allocate(bytes: number): string
  /** Statement: writes `message` (ASCII or UTF-8) to the script's standard output (print / console.log). */
  print(message: string): string
  /** Program: prints `message` forever, catching and ignoring every error. */
  printLoop(message: string): string

  // --- isolation -------------------------------------------------------------------------

  /**
   * Statement(s): tamper with builtins the language shares between executions (replace
   * a library function, add to a builtin prototype or library table, change a metatable),
   * swallowing errors where the policy makes builtins read-only.
   */
  tamperBuiltins(): string
  /** Program: results in `true` exactly when everything `tamperBuiltins` touches is pristine. */
  builtinsIntact(): string
  /**
   * Program: one turn of a tenant in the cross-tenant clause (`tenants.*`). It runs with the
   * globals `turn` (`{ secret: string, seed: integer }`) and `g_<tenant>` (= `turn.secret`),
   * context `{ tenant }`, and the kit's `kv` bridge (and, with modules, the module `shared`
   * whose export is an object). It first observes, then leaves traces, and results in the
   * record it observed (nil written as `null`):
   * - `leaked`, `own`: the globals `left_<other>` and `left_<tenant>`; `injected`: the global
   *   `g_<other>`; `late`: the global `late`;
   * - `intact`: what `builtinsIntact` results in;
   * - `random`: an array of three draws of the language's generator (`math.random()`,
   *   `Math.random()`), each in [0, 1);
   * - `clock`: the script's clock in whole seconds since the epoch (`os.time()`,
   *   `Math.floor(Date.now() / 1000)`);
   * - `sync`: `kv.upper(turn.secret)`; `async`: the awaited `kv.soon(turn.secret)` (`sync` again
   *   without async bridges); `ctx`: `kv.ctx().tenant`; `stored`: `kv.swap('k', turn.secret)`;
   * - `context`: `context.tenant`;
   * - `module`: with modules, the field `owner` of `shared`'s export (then set to `turn.secret`
   *   where the export is writable), else `null`.
   * The traces, after observing: the global `left_<tenant>` = `turn.secret`, `tamperBuiltins()`,
   * a print of `turn.secret`, `kv.note(turn.secret)`; the generator seeded with `turn.seed`
   * where scripts can seed it (Lua `math.randomseed`); work left pending where the language
   * has any (JS: an unawaited `kv.soon` whose continuation sets the global `late` and prints
   * `'late:' + turn.secret`; Lua: a `__gc` finalizer doing the same).
   * Without it the `tenants` area is skipped (and the skip printed).
   */
  tenantTurn?(tenant: string, other: string): string

  // --- determinism (optional: tests needing 'determinism' skip without them) --------------

  /** Program: results in an array of `n` values of the language's own random source (`math.random()`, `Math.random()`). */
  randomDraws?(n: number): string
  /** Program: results in the language's clock as epoch milliseconds (whole seconds are enough: Lua's `os.time() * 1000`). */
  clockMs?(): string

  // --- modules (required when capabilities.modules) -------------------------------------

  /** Source of a module whose export (Lua: returned value, JS: default export) is `value`. */
  moduleExporting?(value: ScriptLiteral): string
  /** Program: loads the module `name` (Lua `require`, JS `import`) and results in its export. */
  requireModule?(name: string): string
}
