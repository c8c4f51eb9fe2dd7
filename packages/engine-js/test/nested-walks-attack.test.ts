import { describe, expect, it } from 'vitest'
import { expectWalksRefused, LIMITS, runInline } from './child/run-inline.js'

// Walks the receiver-length guard (guest-array-bounds.ts) did not see: `flat` and `flatMap`
// walk every nested array up to its own `length`, and `String.raw` walks its template's
// `raw` array-like, natively and without interrupt checks for holes. Inline, `[a].flat()` over
// `a.length = 2 ** 32 - 1` held the host thread for hours under a 100 ms limit, and a hundred
// references to one sparse array of 4e6 (under the receiver cap) ran 30 s of a 1 s limit.
// Run in a child process (built packages) that is killed if it holds on.

const SPARSE = 'const a = []; a.length = 2 ** 32 - 1;'
// just under the receiver cap of a 16 MiB state (2^21 elements), referenced many times
const UNDER_CAP = 'const a = []; a.length = 2 ** 21 - 1; const o = []; for (let i = 0; i < 200; i++) o.push(a);'
const WALKS: Record<string, string> = {
  'flat of an array holding a sparse array': `${SPARSE} [a].flat().length`,
  'flat(Infinity) of a sparse array nested deeper': `${SPARSE} [[[a]]].flat(Infinity).length`,
  'flat of many references to a sparse array under the cap': `${UNDER_CAP} o.flat().length`,
  'flatMap returning a sparse array': `${SPARSE} [1].flatMap(() => a).length`,
  'flatMap returning a sparse array under the cap, many times': `${UNDER_CAP} o.flatMap((x) => x).length`,
  'String.raw over a raw array-like': 'String.raw({ raw: { length: 2 ** 40 } }).length',
}

describe('nested array walks over a huge total length are refused (inline)', () => {
  it('each stops at once with a RangeError, and the host keeps working', async () => {
    await expectWalksRefused(WALKS, '[[1], [2, [3]]].flat(Infinity).join()', '1,2,3')
  }, 60_000)

  it('flat, flatMap and String.raw keep their behaviour on what a script can hold', async () => {
    const src = `const out = [];
      out.push([1, [2, [3, [4]]]].flat().length, [1, [2, [3, [4]]]].flat(2).length, [1, [2, [3, [4]]]].flat(Infinity).join());
      out.push([1, [2]].flat(0).length, [1, [2]].flat(-1).length, [1, [2]].flat(NaN).length, [1, [2, [3]]].flat(1.9).length);
      out.push([1, 2].flatMap(function (x) { return [x, this.k] }, { k: 9 }).join());
      out.push([1, , 3].flat().join('|'), Array.prototype.flat.call({ length: 2, 0: [1, 2], 1: 3 }).join());
      let caught = ''; try { [1].flatMap(5) } catch (e) { caught = e.constructor.name }
      out.push(caught);
      out.push(String.raw({ raw: ['a', 'b', 'c'] }, 1, 2), String.raw\`x\${1}y\`);
      let raw = ''; try { String.raw(null) } catch (e) { raw = e.constructor.name }
      out.push(raw, String.raw.name, String.raw.length, Array.prototype.flatMap.length, Array.prototype.flat.length);
      out.join(';')`
    const [o] = await runInline([src], { ...LIMITS, timeoutMs: 10_000 })
    expect(o?.error).toBeUndefined()
    expect(o?.value).toBe('3;4;1,2,3,4;2;2;2;3;1,9,2,9;1|3;1,2,3;TypeError;a1b2c;x1y;TypeError;raw;1;1;0')
  }, 60_000)
})
