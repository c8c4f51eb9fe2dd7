/**
 * Bits of a BigInt under which `BigInt.prototype.toString` is the builtin's own call: QuickJS
 * turns 2^14 bits into decimal text in about 3 ms here.
 */
export const BIGINT_TEXT_BITS = 1 << 14

/**
 * Guest source of `boundBigIntText(G, charge, afford, wrapping)`, spliced into the setup script and
 * called after `boundStringSearch` (which keeps the builtin `toString` for its own use) and
 * before `boundArrayBuiltins`, so the `join`, `reverse` and `padStart` it captures are the
 * builtins.
 *
 * Why: QuickJS turns a BigInt into text in a radix that is not a power of two with a
 * quadratic conversion, in one native call with no interrupt check: inline, under a 200 ms
 * limit, `((1n << 1048000n) - 1n).toString()` (the largest BigInt QuickJS makes is about 2^20
 * bits) held the host 27.5 s, `.toString(7)` 31 s, `(10n ** 315000n).toLocaleString()` (which
 * calls `toString`) 4.6 s.
 *
 * So `toString` of a BigInt of BIGINT_TEXT_BITS bits or more, in a radix that is not a power of
 * two, is made in a guest loop: the value is divided by the largest power of the radix under
 * 2^64 again and again, each remainder turned into its digits by the builtin (padded with
 * zeros to the power's width), and the pieces joined. Each step is a few native operations
 * linear in the bits left (a division by a two-limb divisor, a multiplication, a
 * subtraction), charged as such, so the host's interrupt check runs between steps; in all it
 * costs about what the builtin's own conversion does (19 s for 2^20 bits here, where the
 * builtin took 27 s). The text is the builtin's. The receiver is read through the intrinsic
 * `valueOf` (no script code runs) and the radix converted once, as the builtin does, then
 * handed to the builtin as that number; any other case (a receiver that is not a BigInt, a
 * radix out of range) is the builtin's call, errors included.
 *
 * Not covered (README): the same conversion run by an operator or another builtin's
 * ToString (`'' + x`, `String(x)`, a template literal), and the BigInt operators themselves.
 *
 * The other way, `BigInt(text)` of a decimal text is quadratic too: QuickJS multiplies the
 * whole value by 10^19 in place for each 19 digits (a single native call: 310,688 digits, the
 * most it accepts, held an inline host 1.1-2.3 s of a 200 ms limit). Split into pieces it was
 * 2.4x slower (a BigInt product per piece instead of the builtin's in-place step), so the call
 * stays the builtin's, and a decimal text of PARSED_DIGITS digits or more (leading zeros,
 * sign and white space aside) is first priced at LIMB_OP_NS a limb step, a lower bound (8.2 ns
 * the cheapest measured here, under load): when that cannot finish in the time left, the
 * timeout is recorded and a RangeError the script cannot outlive is thrown (as normalize's,
 * guest-unicode-text.ts). An object argument is made a primitive first, as the builtin does, so
 * its text is priced too (`BigInt({ toString })`, a String object); an operator's conversion
 * (`'9…9' == 1n`) is not covered.
 */
export const GUEST_BIGINT_TEXT = `function boundBigIntText(G, charge, afford, { callOf, wrap, originalOf }) {
  const BITS = ${BIGINT_TEXT_BITS};
  const BigIntOf = G.BigInt, B = G.BigInt.prototype, A = G.Array.prototype;
  const valueOf = callOf(B.valueOf), hexText = callOf(B.toString), trunc = Math.trunc;
  const arrayJoin = callOf(A.join), arrayReverse = callOf(A.reverse), pad = callOf(G.String.prototype.padStart);
  const LIMIT = BigIntOf(1) << BigIntOf(BITS), ZERO = BigIntOf(0), TWO64 = BigIntOf(1) << BigIntOf(64);
  // for each radix: the largest power under 2^64 and its digit count
  const powers = [], widths = [];
  for (let r = 2; r <= 36; r++) {
    const R = BigIntOf(r);
    let p = R, k = 1;
    while (p * R < TWO64) { p *= R; k++; }
    powers[r] = p;
    widths[r] = k;
  }
  const pieces = (x, radix, native) => {
    const negative = x < ZERO;
    if (negative) x = -x;
    const p = powers[radix], k = widths[radix];
    // bits left, charged at about 2 units (ns) a bit a step
    let bits = hexText(x, 16).length * 4;
    const parts = [];
    while (x >= p) {
      charge(bits * 2);
      const q = x / p;
      parts[parts.length] = pad(native(x - q * p, radix), k, '0');
      x = q;
      bits -= 64;
    }
    parts[parts.length] = native(x, radix);
    arrayReverse(parts);
    return (negative ? '-' : '') + arrayJoin(parts, '');
  };
  wrap(B, 'toString', (original) => {
    const native = callOf(original);
    return { w(radix) {
      let x;
      try { x = valueOf(this); } catch { return native(this, radix); }
      if (x < LIMIT && x > -LIMIT) return native(x, radix);
      const r = radix === undefined ? 10 : trunc(radix); // ToNumber as the builtin's (unary + words its errors otherwise)
      if (!(r >= 2 && r <= 36) || (r & (r - 1)) === 0) return native(x, r);
      return pieces(x, r, native);
    } }.w;
  });
  // BigInt(text): a text longer than PARSED_DIGITS that the builtin parses as decimal digits;
  // over MAX_DIGITS significant digits the builtin refuses it at once (js_bigint_from_string:
  // (digits * 27 + 7) / 8 bits, then a limb more, over 2^20 bits)
  const PARSED_DIGITS = 4096, MAX_DIGITS = 310688, LIMB_OP_NS = 3, RangeErrorCtor = RangeError;
  const regexpTest = callOf(G.RegExp.prototype.test), regexpExec = callOf(G.RegExp.prototype.exec), trimEnd = callOf(G.String.prototype.trimEnd);
  // linear: white space, signs and digits are disjoint classes
  const decimalText = /^\\s*[+-]?[0-9]+\\s*$/, firstSignificant = /[1-9]/;
  const priced = (text) => {
    if (!regexpTest(decimalText, text)) return;
    const m = regexpExec(firstSignificant, text);
    if (m === null) return;
    const n = trimEnd(text).length - m.index;
    if (n < PARSED_DIGITS || n > MAX_DIGITS) return;
    // (n / 19) limbs, each step multiplying those made so far
    const limbs = n / 19, ms = (limbs * limbs * LIMB_OP_NS) / 2e6;
    if (!afford(ms)) throw new RangeErrorCtor('BigInt of ' + n + ' decimal digits cannot be parsed in the time left');
  };
  // BigInt(value) first makes value a primitive (ToPrimitive, number hint), as the builtin
  // would: an object's text (its toString, valueOf or Symbol.toPrimitive, a String object) is
  // priced too, and the builtin gets the primitive, so the object's methods run once. The
  // ordinary part is QuickJS's own (Date.prototype[Symbol.toPrimitive] forces it: valueOf then
  // toString for 'number'); the exotic one is read once, called with 'number', and its object
  // answer refused with the builtin's TypeError
  const toPrimitiveKey = G.Symbol.toPrimitive, TypeErrorCtor = TypeError, apply = Reflect.apply;
  const ordinary = callOf(originalOf(G.Date.prototype[toPrimitiveKey]));
  const isObject = (v) => (typeof v === 'object' && v !== null) || typeof v === 'function';
  const primitive = (value) => {
    if (!isObject(value)) return value;
    const exotic = value[toPrimitiveKey];
    if (exotic === undefined || exotic === null) return ordinary(value, 'number');
    const r = apply(exotic, value, ['number']);
    if (isObject(r)) throw new TypeErrorCtor('toPrimitive');
    return r;
  };
  // a function, not a Proxy: \`new BigInt()\` then fails as the builtin's does ('BigInt is not
  // a constructor'; a Proxy's failure has no name), and it carries the builtin's own properties
  wrap(G, 'BigInt', (original) => {
    const w = { BigInt(value) {
      if (!arguments.length) return original();
      const p = primitive(value);
      if (typeof p === 'string' && p.length >= PARSED_DIGITS) priced(p);
      return original(p);
    } }.BigInt;
    for (const key of Reflect.ownKeys(original)) {
      if (key !== 'length' && key !== 'name') Object.defineProperty(w, key, Object.getOwnPropertyDescriptor(original, key));
    }
    Object.defineProperty(B, 'constructor', { ...Object.getOwnPropertyDescriptor(B, 'constructor'), value: w });
    return w;
  });
}`
