import { defineBridge } from '@polyhost/core'
import { describe, expect, it } from 'vitest'
import { z } from 'zod'
import { rawDifferential } from './raw-differential.js'

// A guest string is read as UTF-8, which stops at a NUL and turns each lone surrogate into
// three U+FFFD: '\ud800\0z' read as three U+FFFD, as long as the string, and was taken as
// whole. Every string below must reach the host as the same string a plain context of the
// same QuickJS build gives through JSON (which escapes NUL and lone surrogates): as a result,
// inside a value that takes the handle path (1n next to it), as a bridge argument and as
// console.log text.

const PIECES = ['\\ud800', '\\udfff', '\\u0000', '\\ufffd', 'z', '\\ud83d\\ude00']

/** Literals mixing lone surrogates, NULs and U+FFFD itself, at the start, middle and end. */
function literals(): string[] {
  const out = new Set<string>([`'\\ud800\\u0000z'`, `'\\ud800\\udc00\\u0000'`, `'\\ufffd\\ufffd\\ufffd'`, `'\\u0000\\ud800\\ud800'`])
  for (const a of PIECES) for (const b of PIECES) for (const c of PIECES) out.add(`'${a}${b}${c}'`)
  return [...out]
}

const d = rawDifferential({ pool: { min: 1, max: 1 } })
const received: unknown[] = []

describe('strings with lone surrogates, NUL and U+FFFD cross as QuickJS holds them', () => {
  it('as results, in handle-path values, bridge arguments and console.log text', async () => {
    const host = d.host()
    host.bridges.register(
      defineBridge({ name: 'sink', methods: { put: { args: [z.string()], handler: (_c, v) => void received.push(v) } } }),
    )
    const all = literals()
    const list = `[${all.join(', ')}]`
    const expected = JSON.parse(d.onRaw(`JSON.stringify(${list})`)) as string[]
    expect(expected).toHaveLength(all.length)
    const one = await Promise.all(all.map((s) => host.execute({ language: 'js', source: s }).then((r) => r.value)))
    expect(one).toEqual(expected)
    const handlePath = await host.execute({ language: 'js', source: `[...${list}, 1n]` })
    expect(handlePath.value).toEqual([...expected, 1n])
    received.length = 0
    const logged = await host.execute({ language: 'js', source: `for (const s of ${list}) { sink.put(s); console.log(s) }; 1` })
    expect(received).toEqual(expected)
    expect(logged.logs.map((l) => l.message)).toEqual(expected)
  })
})
