import { type FormatSpec, formatFloat, formatInteger, parseSpec } from './lua-number-format.js'

/**
 * `string.format`'s conversions as C Lua hands them to glibc's `sprintf`, keyed by the
 * conversion's text (`%5.2f`): numbers (lua-number-format.ts) and the byte conversions `%c`
 * and `%s`. The patched lstrlib reaches it as `__num.printf`.
 *
 * `%c` and `%s` work on bytes, never on JS characters: glibc counts width and precision in
 * bytes, and a Lua string need not be UTF-8. Flags other than `-` (`0`, `+`, ` `, `#`) do
 * nothing to them.
 */
export class LuaPrintf {
  /** Parsed conversions, by their text. */
  private readonly specs = new Map<string, FormatSpec>()

  /** @param lua51 Lua 5.1 copies `sprintf`'s output up to its first NUL. */
  constructor(private readonly lua51: boolean) {}

  /** One numeric conversion (`%d`, `%5.2f`, `%a`...). */
  number(form: string, n: number): string {
    if (form === '%d') return String(n) // the common case, without parsing
    const spec = this.spec(form)
    return 'aAeEfFgG'.includes(spec.conv) ? formatFloat(spec, n) : formatInteger(spec, n)
  }

  /** `%c` of a Lua integer: C passes it as an int, printf prints it as an unsigned char. */
  char(form: string, c: number): Uint8Array {
    // 5.1 casts the double to int: out of int range that is INT_MIN, whose low byte is NUL
    const byte = this.lua51 && (c < -0x80000000 || c > 0x7fffffff) ? 0 : c & 0xff
    const bytes = Uint8Array.of(byte)
    return this.cut(form === '%c' ? bytes : padBytes(this.spec(form), bytes))
  }

  /** `%s` with modifiers (the caller has checked the string has no NUL): precision cuts, width pads. */
  text(form: string, s: Uint8Array): Uint8Array {
    const spec = this.spec(form)
    return padBytes(spec, spec.precision >= 0 ? s.subarray(0, spec.precision) : s)
  }

  private spec(form: string): FormatSpec {
    let spec = this.specs.get(form)
    if (!spec) {
      spec = parseSpec(form)
      if (this.specs.size < 256) this.specs.set(form, spec)
    }
    return spec
  }

  /** What a Lua 5.1 `luaL_addlstring(b, buff, strlen(buff))` keeps of `sprintf`'s output. */
  private cut(bytes: Uint8Array): Uint8Array {
    if (!this.lua51) return bytes
    const nul = bytes.indexOf(0)
    return nul < 0 ? bytes : bytes.subarray(0, nul)
  }
}

// --- internal ---

/** Pads to the width with spaces, on the left unless the `-` flag is given. */
function padBytes(spec: FormatSpec, bytes: Uint8Array): Uint8Array {
  if (bytes.length >= spec.width) return bytes
  const out = new Uint8Array(spec.width).fill(0x20)
  out.set(bytes, spec.flags.includes('-') ? 0 : spec.width - bytes.length)
  return out
}
