import { createHost, type Host, ScriptRuntimeError } from '@polyhost/core'
import { boundText } from '@polyhost/core/engine'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { jsEngine } from '../src/index.js'
import { guestConversions } from '../src/guest/convert.js'
import { guestCopy } from '../src/guest/copy.js'
import { guestSlots } from '../src/guest/slots.js'
import { MESSAGE_TEXT, STACK_TEXT, scriptStack } from '../src/script-errors.js'

// A thrown Error's `stack`, `message` and `name` are the script's to write. The host reads them
// after the script has ended, outside the script's limits, parses the stack and masks host
// paths in all of them: 16 MB of frame lines (inside standard's 64 MiB memory limit) held an
// inline host ~13 s after a script whose time limit was 5 s, an 8 MB message of `C:\` 5–8 s,
// and both came back whole. The host now keeps STACK_TEXT of a stack (half from each end) and
// MESSAGE_TEXT of a message; QuickJS's own stacks and messages are far shorter.

const MODES = ['inline', 'worker'] as const
const hosts = new Map<string, Host>()

beforeAll(async () => {
  for (const isolation of MODES) hosts.set(isolation, await createHost({ engines: [jsEngine()], isolation, pool: { min: 1, max: 1 } }))
})
afterAll(async () => {
  for (const h of hosts.values()) await h.close()
})

/** A script that throws an Error whose stack is `mb` MB of frames between a first and a last one. */
const hugeStack = (mb: number) => `
  const e = new Error('m')
  const line = '    at f (lib.js:2:3)\\n'
  const middle = line.repeat(Math.ceil(${mb} * 1048576 / line.length))
  Object.defineProperty(e, 'stack', { value: '    at first (lib.js:1:1)\\n' + middle + '    at last (lib.js:9:9)\\n' })
  throw e`

const fail = (isolation: string, source: string) =>
  (hosts.get(isolation) as Host).execute({ language: 'js', source, name: 'big.js' }).then(
    () => expect.unreachable('the script throws'),
    (e: unknown) => e as ScriptRuntimeError,
  )

describe.each(MODES)('a script-written stack, message or name is read to a bound (%s)', (isolation) => {
  it('8 MB of frames: the error keeps its message, the first and last frames, and a bounded stack', async () => {
    const e = await fail(isolation, hugeStack(8))
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e.message).toBe('Error: m')
    const stack = e.scriptStack ?? ''
    expect(stack.length).toBeLessThanOrEqual(STACK_TEXT + 100)
    const lines = stack.split('\n')
    expect(lines[0]).toBe('    at first (lib.js:1:1)')
    expect(lines.at(-1)).toBe('    at last (lib.js:9:9)')
    expect(stack).toMatch(/… \d+ characters of the stack left out/)
  }, 120_000)

  it('an 8 MB message of path-like text: its first MESSAGE_TEXT characters, masked, and the count left out', async () => {
    const e = await fail(isolation, `throw new Error('C:\\\\x '.repeat(2 * 1048576))`)
    expect(e).toBeInstanceOf(ScriptRuntimeError)
    expect(e.message.startsWith('Error: <host> <host> ')).toBe(true)
    // cut before masking, which makes each 5-character `C:\x ` a 7-character `<host> `
    expect(e.message.length).toBeLessThanOrEqual((MESSAGE_TEXT * 7) / 5 + 100)
    expect(e.message).toMatch(/… \(\d+ more characters left out\)$/)
  }, 120_000)

  it('an 8 MB name, and an 8 MB string thrown: bounded messages, the thrown string whole', async () => {
    const named = await fail(isolation, `const e = new Error('m'); e.name = 'N'.repeat(8 * 1048576); throw e`)
    expect(named.message).toMatch(/^N+ … \(\d+ more characters left out\): m$/)
    expect(named.message.length).toBeLessThanOrEqual(MESSAGE_TEXT + 100)
    const thrown = await fail(isolation, `throw 's'.repeat(8 * 1048576)`)
    expect(thrown.message).toMatch(/^uncaught s+ … \(\d+ more characters left out\)$/)
    expect(thrown.message.length).toBeLessThanOrEqual(MESSAGE_TEXT + 100)
    expect(thrown.thrown).toBe('s'.repeat(8 * 1048576))
  }, 120_000)

  it('a stack QuickJS made itself (a deep recursion) is kept whole', async () => {
    const e = await fail(isolation, 'function deep(n) { if (n === 0) throw new Error("bottom"); deep(n - 1) }\ndeep(1000)')
    expect(e.message).toBe('Error: bottom')
    const lines = (e.scriptStack ?? '').split('\n')
    expect(lines.filter((l) => l.includes('at deep (big.js:1:')).length).toBe(1001)
    expect(lines.at(-1)).toMatch(/^ {4}at <eval> \(big\.js:2:\d+\)$/)
    expect(e.scriptStack).not.toContain('left out')
  }, 60_000)
})

// The guest's `describe` sends the host only what it reads of a long text (and the text's
// length): the host no longer copies 8 MB out of the VM to keep 256 KiB of it. What the error
// reads is the host's cut of the whole text, as when the whole text crossed.
const TEXTS = {
  // the host's cut falls after a lead surrogate: the pair is left whole
  message: `'ab'.repeat(${MESSAGE_TEXT / 2 - 1}) + 'c\\ud83d\\ude00' + 'd'.repeat(2 * 1048576)`,
  name: `'N'.repeat(2 * 1048576)`,
  // frame lines of varied lengths, and one line with no line end
  frames: `Array.from({ length: 100000 }, (_, i) => '    at f' + i + ' (lib.js:' + i + ':1)').join('\\n')`,
  line: `'x'.repeat(2 * 1048576)`,
}
const throwing = (message: string, name: string, stack: string) =>
  `const e = new Error(${message}); e.name = ${name}; Object.defineProperty(e, 'stack', { value: ${stack} }); throw e`
const textOf = (expression: string) => new Function(`return ${expression}`)() as string

describe('the guest describes a thrown value with no more text than the host reads', () => {
  it('a 2 MB message, name and stack cross as at most MESSAGE_TEXT or STACK_TEXT characters each', () => {
    // the setup script declares guestCopy and guestSlots beside guestConversions
    Object.assign(globalThis, { guestCopy, guestSlots })
    const { helpers } = guestConversions(
      globalThis,
      () => 0,
      JSON.stringify,
      (f) => f,
    )
    for (const stack of [TEXTS.frames, TEXTS.line]) {
      const e = new Error(textOf(TEXTS.message))
      e.name = textOf(TEXTS.name)
      Object.defineProperty(e, 'stack', { value: textOf(stack) })
      const info = JSON.parse(helpers.describe(e))
      expect(info.message.length).toBeLessThanOrEqual(MESSAGE_TEXT)
      expect(info.name.length).toBeLessThanOrEqual(MESSAGE_TEXT)
      expect(info.stack.length).toBeLessThanOrEqual(STACK_TEXT + 1)
      expect([info.messageLength, info.nameLength, info.stackLength]).toEqual([e.message.length, e.name.length, (e.stack as string).length])
    }
    const thrown = JSON.parse(helpers.describe(textOf(TEXTS.line)))
    expect([thrown.message.length, thrown.messageLength]).toEqual([MESSAGE_TEXT, 2 * 1048576])
  })

  it.each(MODES)(
    'the error text is the host cut of the whole text (%s)',
    async (isolation) => {
      const origin = { name: 'big.js', lineOffset: 0 }
      for (const stack of [TEXTS.frames, TEXTS.line]) {
        const e = await fail(isolation, throwing(TEXTS.message, TEXTS.name, stack))
        // compared as booleans: a diff of two 256 KiB texts would fill the log
        expect(e.message === `${boundText(textOf(TEXTS.name))}: ${boundText(textOf(TEXTS.message))}`).toBe(true)
        expect(e.scriptStack === scriptStack(textOf(stack), origin)).toBe(true)
      }
      const thrown = await fail(isolation, `throw ${TEXTS.line}`)
      expect(thrown.message === `uncaught ${boundText(textOf(TEXTS.line))}`).toBe(true)
    },
    120_000,
  )
})
