import { ErrorReply, OK, type Reply } from '../store/replies.js'
import { readPayload } from './function-dump.js'
import type { Library } from './library.js'

/** What FUNCTION RESTORE needs of the function table (run-functions.ts). */
export interface LibraryTable {
  /** The loaded libraries, in order. */
  readonly libraries: () => Library[]
  /** Makes these the loaded libraries. */
  readonly relink: (libraries: Iterable<Library>) => void
  /** FUNCTION LOAD of one payload (no REPLACE) into the table: the name, or Redis's error. */
  readonly load: (code: Buffer) => Promise<Reply>
}

const POLICIES = new Set(['append', 'replace', 'flush'])

/**
 * `FUNCTION RESTORE payload [FLUSH|APPEND|REPLACE]` as Redis 7.0.15's
 * `functionRestoreCommand`: the payload's footer is checked, then its libraries are created
 * one by one in an empty table (as FUNCTION LOAD creates them: a name twice in the payload is
 * `Library 'x' already exists`), stopping at the first failure; then FLUSH puts them in place
 * of all, APPEND and REPLACE join them to the current ones (`joinLibraries`). On any failure
 * the current libraries stay as they were.
 */
export async function functionRestore(args: Buffer[], table: LibraryTable): Promise<Reply> {
  const policy = args[1]?.toString('latin1').toLowerCase() ?? 'append'
  if (!POLICIES.has(policy)) return new ErrorReply('ERR Wrong restore policy given, value should be either FLUSH, APPEND or REPLACE.')
  const codes = readPayload(args[0] as Buffer)
  if (codes instanceof ErrorReply) return codes
  const current = table.libraries()
  let result: Library[] | ErrorReply | undefined
  table.relink([])
  try {
    let failure: ErrorReply | undefined
    for (const code of codes) {
      const reply = code instanceof ErrorReply ? code : await table.load(code)
      if (reply instanceof ErrorReply) {
        failure = reply
        break
      }
    }
    result = failure ?? joinLibraries(policy === 'flush' ? [] : current, table.libraries(), policy === 'replace')
  } finally {
    // a load that threw (the engine failed) leaves the current libraries too
    table.relink(result === undefined || result instanceof ErrorReply ? current : result)
  }
  return result instanceof ErrorReply ? result : OK
}

/**
 * FUNCTION RESTORE's `libraryJoin`: the restored libraries added to the current ones; one of
 * the same name is refused (`replace` false) or replaced, and a function name (in any case)
 * the kept libraries have refuses the whole restore.
 */
export function joinLibraries(current: Iterable<Library>, restored: readonly Library[], replace: boolean): Library[] | ErrorReply {
  const kept = new Map([...current].map((lib) => [lib.name, lib]))
  for (const lib of restored) {
    if (!kept.has(lib.name)) continue
    if (!replace) return new ErrorReply(`ERR Library ${lib.name} already exists`)
    kept.delete(lib.name)
  }
  const names = new Set<string>()
  for (const lib of kept.values()) for (const fname of lib.functions.keys()) names.add(fname.toLowerCase())
  for (const lib of restored) {
    for (const fname of lib.functions.keys())
      if (names.has(fname.toLowerCase())) return new ErrorReply(`ERR Function ${fname} already exists`)
  }
  return [...kept.values(), ...restored]
}
