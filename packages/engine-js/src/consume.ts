/** What `consume` needs of a handle: a QuickJSHandle or any other Lifetime. */
interface Disposable {
  readonly alive: boolean
  dispose(): void
}

/**
 * `handle.consume(fn)` that disposes the handle also when `fn` throws. quickjs-emscripten's
 * own `consume` disposes only after `fn` returns, so every throw through it (a guest getter
 * or Proxy trap throwing while an argument is read, a value that cannot cross, a limit) left
 * a handle behind: its malloc'd cell and, for an object, a reference that kept the object in
 * the state's heap for good (20,000 bridge calls with a throwing getter left enough for a
 * later execution on the state to fail its memory limit).
 */
export function consume<H extends Disposable, T>(handle: H, fn: (h: H) => T): T {
  try {
    return fn(handle)
  } finally {
    if (handle.alive) handle.dispose()
  }
}
