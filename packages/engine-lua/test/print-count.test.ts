import { createHost, type Host, LimitExceededError, LOG_LINE_BYTES } from '@polyhost/core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { luaEngine } from '../src/index.js'

// print counts the line it logs, as Execution.log does for every engine: its UTF-8 bytes plus
// LOG_LINE_BYTES. It charged a tab after the last piece too, so a line that fitted the limit
// exactly tripped it, one byte over (`print(string.rep('x', 984))` under 1000: 1001 > 1000).

let host: Host
beforeAll(async () => {
  host = await createHost({ engines: [luaEngine()] })
})
afterAll(() => host.close())

const lineBytes = (message: string) => LOG_LINE_BYTES + Buffer.byteLength(message)

describe('print counts exactly the bytes of its line', () => {
  for (const args of [`string.rep('x', 984)`, `'ab', 'é✓', 7`, `'a', '', 'b', ''`]) {
    it(`print(${args}) fits a limit of exactly its line's bytes, and not one byte less`, async () => {
      const source = `print(${args}) return 1`
      const free = await host.execute({ language: 'lua', source })
      const message = free.logs[0]?.message as string
      const exact = lineBytes(message)
      expect(free.stats.outputBytes).toBe(exact)
      const fits = await host.execute({ language: 'lua', source, limits: { outputBytes: exact } })
      expect(fits.logs.map((l) => l.message)).toEqual([message])
      expect(fits.stats.outputBytes).toBe(exact)
      const over = host.execute({ language: 'lua', source, limits: { outputBytes: exact - 1 } })
      await expect(over).rejects.toBeInstanceOf(LimitExceededError)
      await expect(over).rejects.toMatchObject({ limit: 'output', used: exact, max: exact - 1 })
    })
  }
})
