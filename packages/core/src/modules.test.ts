import { describe, expect, it } from 'vitest'
import { InvalidArgumentError } from './errors.js'
import { ModuleRegistry } from './modules.js'

describe('ModuleRegistry', () => {
  it('registers per language, versions every change, and freezes definitions', () => {
    const r = new ModuleRegistry()
    r.register({ name: 'util', language: 'lua', source: 'return {}' })
    r.register({ name: 'util', language: 'js', source: 'export default {}' })
    expect(r.version).toBe(2)
    expect(r.get('util', 'lua')?.source).toBe('return {}')
    expect(r.get('util', 'python')).toBeUndefined()
    expect(Object.isFrozen(r.get('util', 'js'))).toBe(true)
    expect(r.list('lua')).toHaveLength(1)
    expect(r.list()).toHaveLength(2)
    expect(r.unregister('util', 'lua')).toBe(true)
    expect(r.version).toBe(3)
    expect(r.unregister('util')).toBe(true)
    expect(r.unregister('util')).toBe(false)
    expect(r.version).toBe(4)
  })

  it.each([
    [null, 'module: expected { name, language, source }'],
    [{ name: '../etc', language: 'lua', source: '' }, 'module name "../etc" is not valid'],
    [{ name: 'x', language: '', source: '' }, "module 'x': language is required"],
    [{ name: 'x', language: 'lua', source: 5 }, "module 'x': source must be a string"],
  ])('rejects %o', (def, message) => {
    expect(() => new ModuleRegistry().register(def as never)).toThrow(InvalidArgumentError)
    expect(() => new ModuleRegistry().register(def as never)).toThrow(message)
  })

  it.each([
    [{ name: 'x', language: 'cobol', source: '' }, "module 'x': language: unknown language 'cobol' (known: lua, js)"],
    [{ name: 'x', language: 'LUA', source: '' }, "module 'x': language: unknown language 'LUA' (known: lua, js)"],
    [{ name: 'x', language: 'lua', source: '', sorce: 'typo' }, "module 'x': unknown field 'sorce' (known: name, language, source)"],
  ])('a registry for a host refuses a module no script could load: %o', (def, message) => {
    const r = new ModuleRegistry(['lua', 'js'])
    expect(() => r.register(def as never)).toThrow(InvalidArgumentError)
    expect(() => r.register(def as never)).toThrow(message)
    expect(r.list()).toEqual([])
  })

  it('refuses a duplicate for the same language', () => {
    const r = new ModuleRegistry()
    r.register({ name: 'util', language: 'lua', source: '' })
    expect(() => r.register({ name: 'util', language: 'lua', source: '' })).toThrow("module 'util' (lua) is already registered")
  })
})
