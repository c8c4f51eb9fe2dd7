import { SecurityManager } from '@polyhost/core'
import { type Execution, ModuleRegistry } from '@polyhost/core/engine'
import { describe, expect, it } from 'vitest'
import { ScriptModules } from './script-modules.js'

const modules = new ModuleRegistry()
modules.register({ name: 'util', language: 'js', source: 'export default 1' })
modules.register({ name: 'secret', language: 'lua', source: 'return 1' })
const execution = (preset: 'standard' | 'strict' = 'standard') =>
  ({ init: { security: SecurityManager.resolve(preset) } }) as unknown as Execution

describe('ScriptModules', () => {
  it('names a fresh instance per run and loads only JS modules of the running execution', () => {
    let running: { execution: Execution | undefined; token: number } = { execution: execution(), token: 7 }
    const m = new ScriptModules(modules, () => running)
    expect(m.normalize('util')).toBe('util#7')
    expect(m.load('util#7')).toBe('export default 1')
    expect(m.normalize('secret')).toBe('secret#denied')
    expect(m.load('secret#denied')).toMatchObject({ error: expect.any(Error) })
    // a name from another run, or with no execution running, is never loaded
    expect(m.load('util#6')).toMatchObject({ error: expect.any(Error) })
    running = { execution: undefined, token: 8 }
    expect(m.load('util#8')).toMatchObject({ error: expect.any(Error) })
  })

  it('reports when so many instances were loaded that the state should be replaced', () => {
    const m = new ScriptModules(modules, () => ({ execution: execution(), token: 1 }))
    for (let i = 0; i < 256; i++) m.load('util#1')
    expect(m.exhausted).toBe(false)
    m.load('util#1')
    expect(m.exhausted).toBe(true)
  })
})
