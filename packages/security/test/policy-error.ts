import { expect } from 'vitest'
import { PolicyError } from '../src/errors.js'

/** The PolicyError `fn` throws (the test fails if it throws something else or nothing). */
export function policyError(fn: () => unknown): PolicyError {
  try {
    fn()
  } catch (e) {
    expect(e).toBeInstanceOf(PolicyError)
    return e as PolicyError
  }
  throw new Error('expected a PolicyError')
}
