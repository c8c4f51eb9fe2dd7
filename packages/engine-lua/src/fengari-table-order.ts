import type { SourcePatch } from './fengari-loader.js'

/**
 * Iteration order of table constructors, in both number modes. C Lua stores a constructor's
 * list items (`{'a', 'b', f()}`) in the table's array part, which `next` visits first and in
 * index order: `pairs({'a','b','c'})` yields 1, 2, 3 and `next({1,2,3}, 2)` is 3. fengari has
 * no array part: a table is one insertion-ordered list of entries, and OP_SETLIST assigned
 * the items from last to first, so they came out 3, 2, 1 — after the constructor's keyed
 * fields (`{1, 2, x = 1}` yielded x first), which the VM sets before it flushes the items.
 * Now the items are inserted in increasing order, each placed right after the previous item:
 * the first flush at the front of the list, a later flush (every 50 items) after the last
 * item so far.
 */
export const TABLE_ORDER_PATCHES: readonly SourcePatch[] = [
  {
    file: 'lvm.js',
    why: "table order: a constructor's list items are stored in index order, before its keyed fields (as C Lua's array part)",
    find: '                for (; n > 0; n--) {\n                    ltable.luaH_setint(h, last--, L.stack[ra + n]);\n                }',
    replace: '                ltable.luaH_setlist(h, last - n + 1, L.stack, ra + 1, n);',
  },
  {
    file: 'ltable.js',
    why: "table order: luaH_setlist stores a constructor's list items where C Lua's next finds them",
    find: 'module.exports.invalidateTMcache = invalidateTMcache;\n',
    replace: [
      '/* Moves entry e of t to just after anchor (null: to the front). */',
      'const relink = function(t, e, anchor) {',
      '    let prev = e.p, next = e.n;',
      '    if (prev) prev.n = next; else t.f = next;',
      '    if (next) next.p = prev; else t.l = prev;',
      '    let after = anchor ? anchor.n : t.f;',
      '    e.p = anchor || void 0;',
      '    e.n = after;',
      '    if (anchor) anchor.n = e; else t.f = e;',
      '    if (after) after.p = e; else t.l = e;',
      '};',
      '',
      '/* The entry of the last list item of a constructor whose items are flushed in parts (50 at a',
      '   time): the next part goes after it. Only the VM reaches the table until it is built. */',
      'const listTails = new WeakMap();',
      '',
      '/* Sets t[first + j] = stack[from + j] for j < n, in index order, each new entry placed after the',
      "   previous item: the list items of a constructor come first, as in C Lua's array part. */",
      'const luaH_setlist = function(t, first, stack, from, n) {',
      '    let anchor = first === 1 ? null : listTails.get(t) || null;',
      '    for (let j = 0; j < n; j++) {',
      '        let key = first + j;',
      '        let had = t.strong.has(key);',
      '        luaH_setint(t, key, stack[from + j]);',
      '        let e = t.strong.get(key);',
      '        if (!e) continue;  /* a nil item makes no entry */',
      '        if (!had && (e.p || null) !== anchor) relink(t, e, anchor);',
      '        anchor = e;',
      '    }',
      '    if (n === 50) listTails.set(t, anchor);  /* LFIELDS_PER_FLUSH: more may follow */',
      '};',
      '',
      'module.exports.luaH_setlist = luaH_setlist;',
      'module.exports.invalidateTMcache = invalidateTMcache;',
      '',
    ].join('\n'),
  },
]
