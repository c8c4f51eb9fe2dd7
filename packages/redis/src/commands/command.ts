import type { Keyspace } from '../store/keyspace.js'
import type { Reply } from '../store/replies.js'

/**
 * One Redis command: its arity as Redis declares it (counting the name; negative = at
 * least), whether it writes (refused in read-only scripts), and its implementation over
 * the arguments after the name.
 */
export interface CommandSpec {
  readonly name: string
  readonly arity: number
  readonly write: boolean
  /** Not callable from scripts (EVAL inside EVAL, blocking forms...). */
  readonly noScript?: boolean
  run(ks: Keyspace, args: Buffer[]): Reply
}

/** Declares commands: `[name, arity, 'w' | 'r', run]`. */
export function commands(list: readonly (readonly [string, number, 'w' | 'r', (ks: Keyspace, args: Buffer[]) => Reply])[]): CommandSpec[] {
  return list.map(([name, arity, mode, run]) => ({ name, arity, write: mode === 'w', run }))
}

/** The argument at `i` (arity checks guarantee it exists). */
export function arg(args: Buffer[], i: number): Buffer {
  return args[i] as Buffer
}
