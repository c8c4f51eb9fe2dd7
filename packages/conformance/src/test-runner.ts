// The test runner the kit registers with, as far as the kit uses it (vitest and jest fit):
// a leaf module, so the kit's helpers and the test definitions can both name it.

/** The part of an `expect(...)` assertion the kit uses (vitest / jest compatible). */
export interface Assertion {
  toBe(expected: unknown): void
  toEqual(expected: unknown): void
  toBeInstanceOf(expected: unknown): void
  toContain(expected: unknown): void
  toMatch(expected: RegExp | string): void
  toBeGreaterThan(n: number): void
  toBeGreaterThanOrEqual(n: number): void
  toBeLessThanOrEqual(n: number): void
  toBeTruthy(): void
  toBeUndefined(): void
  readonly not: Assertion
}

/** `expect(actual, message?)` */
export type ExpectFunction = (actual: unknown, message?: string) => Assertion

/** A test function; `skip` is used when present, else skipped tests are only reported. */
export interface TestFunction {
  (name: string, fn: () => Promise<void>, timeout?: number): void
  skip?: (name: string, fn: () => Promise<void>) => void
}

/** The test runner the kit registers its tests with (vitest's `{ describe, it, expect }`). */
export interface TestRunner {
  describe(name: string, fn: () => void): void
  it: TestFunction
  expect: ExpectFunction
}
