import ts from 'typescript'
import { expect, it } from 'vitest'
import { guestConversions } from '../src/guest/convert.js'
import { guestCopy } from '../src/guest/copy.js'
import { guestLockdown } from '../src/guest/lockdown.js'
import { guestSetup } from '../src/guest/setup.js'
import { GUEST_ARRAY_BOUNDS } from '../src/guest-array-bounds.js'
import { GUEST_BIGINT_TEXT } from '../src/guest-bigint-text.js'
import { GUEST_COPYING_BUILTINS } from '../src/guest-copying-builtins.js'
import { GUEST_HEAVY_BUILTINS } from '../src/guest-heavy-builtins.js'
import { GUEST_INTRINSICS } from '../src/guest-intrinsics.js'
import { GUEST_NUMBER_TEXT } from '../src/guest-number-text.js'
import { GUEST_OBJECT_WALKS } from '../src/guest-object-walks.js'
import { GUEST_STRING_SEARCH } from '../src/guest-string-search.js'
import { GUEST_UNICODE_TEXT } from '../src/guest-unicode-text.js'
import { compact, GUEST_SETUP } from '../src/guest-setup.js'

// Every state parses the guest source, and QuickJS keeps the text of each live function in
// the state's heap, so the source is compacted (indentation and comments dropped). That may
// change no token: the texts, printed without comments from a parse, must be equal.

const TEXTS: Record<string, string> = {
  GUEST_INTRINSICS,
  GUEST_ARRAY_BOUNDS,
  GUEST_BIGINT_TEXT,
  GUEST_HEAVY_BUILTINS,
  GUEST_COPYING_BUILTINS,
  GUEST_NUMBER_TEXT,
  GUEST_OBJECT_WALKS,
  GUEST_STRING_SEARCH,
  GUEST_UNICODE_TEXT,
  guestConversions: `(${guestConversions.toString()})`,
  guestCopy: `(${guestCopy.toString()})`,
  guestLockdown: `(${guestLockdown.toString()})`,
  guestSetup: `(${guestSetup.toString()})`,
}

/** The statements of `text` as TypeScript prints them without comments (fails on a syntax error). */
function tokens(text: string): string {
  const file = ts.createSourceFile('guest.js', text, ts.ScriptTarget.ESNext, true, ts.ScriptKind.JS)
  const errors = (file as unknown as { parseDiagnostics: readonly ts.Diagnostic[] }).parseDiagnostics
  expect(errors.map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n'))).toEqual([])
  return ts.createPrinter({ removeComments: true }).printFile(file)
}

it.each(Object.keys(TEXTS))('compacting %s changes no token', (name) => {
  const text = TEXTS[name]!
  const small = compact(text)
  expect(small.length).toBeLessThan(text.length)
  expect(tokens(small)).toBe(tokens(text))
})

it('the setup script is compacted: no indented line and no line comment', () => {
  expect(GUEST_SETUP).not.toMatch(/^[ \t]+\S/m)
  expect(GUEST_SETUP).not.toMatch(/^\/\//m)
})
