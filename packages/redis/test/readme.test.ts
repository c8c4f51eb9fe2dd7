import { readFileSync } from 'node:fs'
import { describe, expect, it } from 'vitest'
import { MEMORY_COMMANDS } from '../src/index.js'

const readme = readFileSync(new URL('../README.md', import.meta.url), 'utf8')
const section = readme.slice(readme.indexOf('## Supported commands'), readme.indexOf('Scripting (`createRedisScripting`)'))

describe('README', () => {
  it('lists exactly the commands memoryStore() implements', () => {
    const listed = new Set(section.match(/\b[A-Z][A-Z_]{2,}\b/g)?.filter((w) => MEMORY_COMMANDS.has(w.toLowerCase())))
    expect([...MEMORY_COMMANDS.keys()].filter((c) => !listed.has(c.toUpperCase()))).toEqual([])
  })
})
