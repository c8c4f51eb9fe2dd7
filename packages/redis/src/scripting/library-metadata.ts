import { cString, firstLine, splitArgs } from './sds-split.js'

/** What a library's first line declares, and its code after that line (which keeps the newline). */
export interface LibraryMetadata {
  readonly engine: string
  readonly name: string
  readonly code: string
}

/**
 * A FUNCTION LOAD payload's `#!<engine> name=<name>` line, read as Redis 7.0's
 * `functionExtractLibMetaData` reads it (split as `sdssplitargs` splits, so quotes and
 * escapes work; `name=` in any case). Answers Redis's error text for a bad one.
 */
export function extractLibraryMetadata(payload: string): LibraryMetadata | { error: string } {
  if (!payload.startsWith('#!')) return { error: 'Missing library metadata' }
  const line = firstLine(payload)
  if (line === undefined) return { error: 'Invalid library metadata' }
  const parts = splitArgs(line)
  if (!parts || parts.length === 0) return { error: 'Invalid library metadata' }
  const engine = (parts[0] as string).slice(2)
  let name: string | undefined
  for (const part of parts.slice(1)) {
    if (part.slice(0, 5).toLowerCase() === 'name=') {
      if (name !== undefined) return { error: 'Invalid metadata value, name argument was given multiple times' }
      name = part.slice(5)
      continue
    }
    return { error: `Invalid metadata value given: ${cString(part)}` }
  }
  if (name === undefined) return { error: 'Library name was not given' }
  return { engine, name, code: payload.slice(line.length) }
}
