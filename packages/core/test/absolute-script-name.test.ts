// A script named by an absolute path (`/etc/passwd.lua`, as a playground user may name one)
// kept its name out of its own messages: the sanitiser took it for a host path, so Lua's
// `error("x")` read `<host>: x`. The execution's own script name is spared; host paths in
// the same message are still hidden, also one that merely starts or ends with the name.
import { describe, expect, it } from 'vitest'
import { ScriptRuntimeError, ScriptSyntaxError } from '../src/errors.js'

describe('an absolute script name in its own errors', () => {
  it('is kept in a runtime error message and stack, with host paths still hidden', () => {
    const name = '/etc/passwd.lua'
    const e = new ScriptRuntimeError(
      `${name}:1: x (from /srv/app/secrets.json:3)`,
      name,
      1,
      undefined,
      `stack traceback:\n\t${name}:1: in main chunk`,
    )
    expect(e.message).toBe(`${name}:1: x (from <host>)`)
    expect(e.scriptStack).toBe(`stack traceback:\n\t${name}:1: in main chunk`)
  })

  it('is kept in a syntax error message', () => {
    const e = new ScriptSyntaxError("/tmp/x.js:2: expecting ')'", '/tmp/x.js', 2)
    expect(e.message).toBe("/tmp/x.js:2: expecting ')'")
  })

  it('does not spare a host path that contains the name', () => {
    const name = '/etc/passwd.lua'
    const inside = new ScriptRuntimeError(`/srv/app${name}:4: x and ${name}.bak/secret.json`, name, 1)
    expect(inside.message).toBe('<host>: x and <host>')
    // a name that is no path changes nothing
    expect(new ScriptRuntimeError('/srv/app/a.js:1: y', 'a.js').message).toBe('<host>: y')
  })
})
