const utf8 = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true })

/**
 * A Lua string as a host value: a JS string when the bytes are valid UTF-8, otherwise a
 * copy of the bytes as a Uint8Array (the value model: non-UTF-8 strings cross as bytes).
 */
export function decodeLuaString(bytes: Uint8Array): string | Uint8Array {
  const n = bytes.length
  if (n < 64) {
    let ascii = true
    for (let i = 0; i < n; i++) {
      if ((bytes[i] as number) > 0x7f) {
        ascii = false
        break
      }
    }
    if (ascii) return String.fromCharCode.apply(null, bytes as unknown as number[])
  }
  try {
    return utf8.decode(bytes)
  } catch {
    return bytes.slice()
  }
}

/** A Lua string as text for messages: invalid UTF-8 sequences become U+FFFD. */
export function luaText(bytes: Uint8Array | null | undefined): string {
  if (!bytes) return ''
  const s = decodeLuaString(bytes)
  return typeof s === 'string' ? s : new TextDecoder().decode(bytes)
}

/**
 * `message` as a `luaG_runerror` format that prints it as it is: each `%` doubled. A host error
 * text given as the format itself (`100% x`) was read as options (`invalid option '% ' to
 * 'lua_pushfstring'`), and the script saw that instead.
 */
export function errorFormat(message: string): string {
  return message.includes('%') ? message.replace(/%/g, '%%') : message
}
