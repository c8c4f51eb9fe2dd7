/**
 * Redis's `pqsort` (pqsort.c, NetBSD's qsort made partial): a quicksort that only recurses
 * into partitions overlapping the range [lrange, rrange] of indexes. SORT ... BY ... LIMIT
 * uses it, and as a quicksort it is not stable: where the comparison finds elements equal
 * (ALPHA BY values that repeat), their order is this algorithm's, reproduced here step by
 * step. The C code works on byte pointers; positions here are byte offsets too, with Redis's
 * element size (`sizeof(redisSortObject)`, 24), so its range checks read the same.
 */

const ES = 24

/** Sorts `xs` in place so that the indexes from `lrange` to `rrange` hold what a full sort would put there. */
export function pqsort<T>(xs: T[], cmp: (x: T, y: T) => number, lrange: number, rrange: number): void {
  if (xs.length === 0) return
  new PartialSort(xs, cmp).run(0, xs.length, lrange * ES, (rrange + 1) * ES - 1)
}

// --- internal ---

class PartialSort<T> {
  constructor(
    private readonly xs: T[],
    private readonly compare: (x: T, y: T) => number,
  ) {}

  run(start: number, count: number, lrange: number, rrange: number): void {
    let a = start
    let n = count
    for (;;) {
      if (n < 7) {
        for (let pm = a + ES; pm < a + n * ES; pm += ES) {
          for (let pl = pm; pl > a && this.cmp(pl - ES, pl) > 0; pl -= ES) this.swap(pl, pl - ES)
        }
        return
      }
      let pm = a + Math.floor(n / 2) * ES
      if (n > 7) {
        let pl = a
        let pn = a + (n - 1) * ES
        if (n > 40) {
          const d = Math.floor(n / 8) * ES
          pl = this.med3(pl, pl + d, pl + 2 * d)
          pm = this.med3(pm - d, pm, pm + d)
          pn = this.med3(pn - 2 * d, pn - d, pn)
        }
        pm = this.med3(pl, pm, pn)
      }
      this.swap(a, pm)
      let pa = a + ES
      let pb = pa
      let pc = a + (n - 1) * ES
      let pd = pc
      for (;;) {
        let c = 0
        while (pb <= pc && (c = this.cmp(pb, a)) <= 0) {
          if (c === 0) {
            this.swap(pa, pb)
            pa += ES
          }
          pb += ES
        }
        while (pb <= pc && (c = this.cmp(pc, a)) >= 0) {
          if (c === 0) {
            this.swap(pc, pd)
            pd -= ES
          }
          pc -= ES
        }
        if (pb > pc) break
        this.swap(pb, pc)
        pb += ES
        pc -= ES
      }
      const pn = a + n * ES
      let r = Math.min(pa - a, pb - pa)
      this.vecswap(a, pb - r, r)
      r = Math.min(pd - pc, pn - pd - ES)
      this.vecswap(pb, pn - r, r)
      r = pb - pa
      if (r > ES && overlaps(a, a + r - 1, lrange, rrange)) this.run(a, r / ES, lrange, rrange)
      r = pd - pc
      if (!(r > ES && overlaps(pn - r, pn - r + r - 1, lrange, rrange))) return
      a = pn - r
      n = r / ES
    }
  }

  private cmp(i: number, j: number): number {
    return this.compare(this.xs[i / ES] as T, this.xs[j / ES] as T)
  }

  private swap(i: number, j: number): void {
    const x = this.xs[i / ES] as T
    this.xs[i / ES] = this.xs[j / ES] as T
    this.xs[j / ES] = x
  }

  private vecswap(i: number, j: number, bytes: number): void {
    for (let k = 0; k < bytes; k += ES) this.swap(i + k, j + k)
  }

  private med3(a: number, b: number, c: number): number {
    return this.cmp(a, b) < 0 ? (this.cmp(b, c) < 0 ? b : this.cmp(a, c) < 0 ? c : a) : this.cmp(b, c) > 0 ? b : this.cmp(a, c) < 0 ? a : c
  }
}

/** pqsort's test: the partition [l, r] is skipped when the range lies wholly on one side of it. */
function overlaps(l: number, r: number, lrange: number, rrange: number): boolean {
  return !((lrange < l && rrange < l) || (lrange > r && rrange > r))
}
