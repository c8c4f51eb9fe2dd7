import { describe, expect, it } from 'vitest'
import { boundText, hostErrorText, MESSAGE_TEXT, sanitizeScriptMessage, UNCLONEABLE } from './sanitize.js'

describe('hostErrorText', () => {
  it('keeps the message only, without host paths', () => {
    const e = new Error('ENOENT: no such file /srv/app/config/secrets.json')
    expect(hostErrorText(e)).toBe('ENOENT: no such file <host>')
    expect(hostErrorText('failed in /opt/app/lib/x.js:3:1')).toBe('failed in <host>')
    expect(hostErrorText(42)).toBe('')
  })

  it('never quotes a value structured clone refused (V8 prints a function source)', () => {
    let cloneError: unknown
    try {
      structuredClone({ f: () => 'the secret source text' })
    } catch (e) {
      cloneError = e
    }
    expect((cloneError as Error).message).toContain('secret source')
    expect(hostErrorText(cloneError)).toBe(UNCLONEABLE)
    expect(sanitizeScriptMessage((cloneError as Error).message)).toBe(UNCLONEABLE)
  })

  it('shows nothing of an error whose own getters throw', () => {
    const hostile = new Proxy(new Error('x'), {
      get() {
        throw new Error('/srv/app/trap.js')
      },
    })
    expect(hostErrorText(hostile)).toBe('')
  })

  it('leaves the same shape for every path style: the path and its line, not the colon after it', () => {
    const rest = ": attempt to index a nil value (local 'x')"
    const paths = ['/srv/a.lua', 'C:\\app\\a.lua', 'file:///srv/a.lua', 'file:///C:/app/a.lua', '\\\\srv\\share\\a.lua']
    for (const p of paths) {
      expect(sanitizeScriptMessage(`${p}:1${rest}`), p).toBe(`<host>${rest}`)
      expect(sanitizeScriptMessage(`at ${p}:3:9 and ${p}`), p).toBe('at <host> and <host>')
    }
  })

  it('drops stack frames of host and native code', () => {
    const msg = 'bad\n    at Object.get (<anonymous>)\n    at Array.map (<anonymous>)\n    at f (/srv/app/x.js:1:1)\n    at rule.js:2'
    expect(sanitizeScriptMessage(msg)).toBe('bad\n    at rule.js:2')
  })
})

describe('boundText', () => {
  it('keeps MESSAGE_TEXT characters, a surrogate pair whole, and says how many were left out', () => {
    expect(boundText('short')).toBe('short')
    expect(boundText('a'.repeat(MESSAGE_TEXT))).toBe('a'.repeat(MESSAGE_TEXT))
    expect(boundText('a'.repeat(MESSAGE_TEXT + 5))).toBe(`${'a'.repeat(MESSAGE_TEXT)} … (5 more characters left out)`)
    const split = `${'a'.repeat(MESSAGE_TEXT - 1)}😀b`
    expect(boundText(split)).toBe(`${'a'.repeat(MESSAGE_TEXT - 1)} … (3 more characters left out)`)
  })
})
