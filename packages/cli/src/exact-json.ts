import { UsageError } from './exit-codes.js'

// JSON from the command line (`--global k=v`, `--globals-json`, `--context-json`) becomes
// numbers exactly or not at all: JSON.parse turns 9007199254740993 into 9007199254740992 and
// 1e400 into Infinity without a word, and the script would see another number than the one
// typed. Such a literal is a UsageError that names it.

/** A JSON string (skipped) or a number token. */
const TOKENS = /"(?:[^"\\]|\\.)*"|-?\d+(?:\.\d+)?(?:[eE][+-]?\d+)?/g

/** The first number literal in JSON `text` that JSON.parse does not give back exactly, if any. */
export function inexactNumber(text: string): string | undefined {
  for (const [token] of text.matchAll(TOKENS)) {
    if (token.startsWith('"')) continue
    const n = Number(token)
    if (!Number.isFinite(n)) return token
    // an integer literal past 2^53 lands on a neighbour; fractions and exponents are floats by choice
    if (/^-?\d+$/.test(token) && !Number.isSafeInteger(n)) return token
  }
  return undefined
}

/** JSON.parse of `text`, refusing a number it would change (see above); `where` names the source. */
export function parseExactJson(text: string, where: string): unknown {
  const value: unknown = JSON.parse(text)
  const bad = inexactNumber(text)
  if (bad !== undefined) {
    throw new UsageError(`${where}: the number ${bad} cannot be represented exactly (pass it as a string: "${bad}")`)
  }
  return value
}
