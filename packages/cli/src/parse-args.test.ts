import { describe, expect, it } from 'vitest'
import { EXIT, exitCodeFor, UsageError } from './exit-codes.js'
import { parseCommandArgs } from './parse-args.js'

const options = { port: { type: 'string' }, help: { type: 'boolean', short: 'h' } } as const

describe('parseCommandArgs', () => {
  it('parses the declared options', () => {
    const { values } = parseCommandArgs('serve', ['--port', '80', '-h'], { options })
    expect(values).toEqual({ port: '80', help: true })
  })

  it('turns an unknown option into a UsageError naming the command', () => {
    let error: unknown
    try {
      parseCommandArgs('serve', ['--bogus'], { options })
    } catch (e) {
      error = e
    }
    expect(error).toBeInstanceOf(UsageError)
    expect((error as UsageError).message).toMatch(/^serve: Unknown option '--bogus'/)
    expect(exitCodeFor(error)).toBe(EXIT.usage)
  })

  it('drops node’s hint about positionals and names no command when none is given', () => {
    let error: unknown
    try {
      parseCommandArgs(undefined, ['x'], { options, allowPositionals: false })
    } catch (e) {
      error = e
    }
    expect((error as Error).message).not.toMatch(/To specify a positional/)
    expect((error as Error).message).toMatch(/^Unexpected argument 'x'/)
  })
})
