import type { SourcePatch } from './fengari-loader.js'

/** The sizing functions, placed in ltable.js before `add` (C Lua's ltable.c, in its terms). */
const SIZES_SOURCE = `/* C Lua's array/hash sizes (fengari-table-length.ts) */
const len_arrayindex = function(key) {  /* an integer key's value, else 0 */
    let k = key.value;
    return (key.type & 15) === 3 && k >= 1 && k <= 2147483648 && Math.floor(k) === k ? k : 0;
};
const len_ceillog2 = function(x) {  /* x <= 2^31 */
    return x <= 1 ? 0 : 32 - Math.clz32(x - 1);
};
const len_fb2int = function(x) {
    return x < 8 ? x : ((x & 7) + 8) * Math.pow(2, (x >> 3) - 1);
};
const len_resize = function(t, nasize, nhsize) {
    t.sa = nasize;
    t.hn = nhsize > 0 ? Math.pow(2, len_ceillog2(nhsize)) : 0;
    t.nn = void 0;  /* a resize keeps only keys with values */
    let hu = 0;
    for (let e = t.f; e; e = e.n) {
        let k = len_arrayindex(e.key);
        if (k === 0 || k > nasize) hu++;
    }
    t.hu = hu;
};
const len_rehash = function(t, ek) {  /* ek: the new key's array index, or 0 */
    let nums = [], na = 0, total = 1;
    for (let i = 0; i <= 31; i++) nums[i] = 0;
    if (ek !== 0) { nums[len_ceillog2(ek)]++; na++; }
    for (let e = t.f; e; e = e.n) {
        total++;
        let k = len_arrayindex(e.key);
        if (k !== 0) { nums[len_ceillog2(k)]++; na++; }
    }
    /* O(entries) work inside one instruction: the deadline is checked at the next one (a
       script deleting one key and adding another rehashes a full table every other time) */
    __polyhost.scanned(total * 16);
    let a = 0, inarray = 0, optimal = 0;
    for (let i = 0, twotoi = 1; twotoi <= 2147483648 && na > twotoi / 2; i++, twotoi *= 2) {
        if (nums[i] > 0) {
            a += nums[i];
            if (a > twotoi / 2) { optimal = twotoi; inarray = a; }
        }
    }
    len_resize(t, optimal, total - inarray);
};
/* A key not in the table gets a node (C's luaH_newkey), also when set to nil; a key whose node
   holds nil (set to nil before) reuses it. k: the key's array index, or 0. */
const len_newkey = function(t, hash, k) {
    if (k !== 0 && k <= t.sa) return;  /* the array part */
    if (t.nn !== void 0 && t.nn.delete(hash)) return;
    if (t.hu >= t.hn) {
        len_rehash(t, k);
        if (k !== 0 && k <= t.sa) return;
    }
    t.hu++;
};
/* t[key] = nil: an absent key still takes a node, and the node stays, holding nil */
const len_setnil = function(t, hash, k) {
    if (k !== 0 && k <= t.sa) return;
    if (!t.strong.has(hash)) len_newkey(t, hash, k);
    if (k !== 0 && k <= t.sa) return;
    if (t.nn === void 0) t.nn = new Set();
    t.nn.add(hash);
};

`

/**
 * The length operator as C Lua computes it (5.3 and 5.1 alike). `#t` may be any border of a
 * table with holes, and C Lua's choice follows its array part: `#{nil, nil, 3}` is 3,
 * `#{1, nil, nil, 4}` 4, `select('#', table.unpack({nil, nil, 3}))` 3, and table.concat of
 * `{1, nil, nil, 4}` fails at index 2. fengari has no array part and searched from the
 * table's entry count (0, 1, 0 and "1" there). Scripts count `{...}` with nils this way.
 *
 * Each table now carries the sizes C Lua would have given it: `sa` (array part), `hn` (hash
 * nodes, a power of two or 0) and `hu` (hash nodes in use). They change where C Lua's do: a
 * constructor's size hints (OP_NEWTABLE's B and C) and `lua_createtable`, OP_SETLIST growing
 * the array to its last item, and a rehash when a new key finds the hash part full (the
 * optimal array size of luaH_resize's computesizes over the keys then present). `#` then
 * searches as luaH_getn does. A key set to nil keeps its node holding nil, as in C Lua, and
 * takes it again when set again. What stays different: C Lua also gives such a node to any
 * new key whose main position (hash position) it is, where this count takes another node
 * and may rehash sooner; for string keys that position depends on a per-state random seed,
 * so native Lua itself varies there. Measured: 0 of 1,000 generated table histories without
 * nil assignments differ from native lua5.3 and lua5.1, ~1 % of those with them.
 */
export const TABLE_LENGTH_PATCHES: readonly SourcePatch[] = [
  {
    file: 'ltable.js',
    why: "length: a table's C Lua sizes (array part, hash nodes, hash nodes used)",
    find: '        this.dead_weak_n = 0;  /* entries in dead_weak (a WeakMap has no size) */\n    }',
    replace:
      '        this.dead_weak_n = 0;  /* entries in dead_weak (a WeakMap has no size) */\n' +
      '        this.sa = 0;  /* C Lua sizes (fengari-table-length.ts): array part, */\n' +
      '        this.hn = 0;  /* hash nodes (0: none), */\n' +
      '        this.hu = 0;  /* hash nodes in use */\n' +
      '        this.nn = void 0;  /* keys whose node holds nil (a Set, when there are some) */\n    }',
  },
  {
    file: 'ltable.js',
    why: 'length: a new key takes a hash node, or rehashes a full hash part as C Lua does',
    find: 'const add = function(t, hash, key, value) {\n',
    replace: `${SIZES_SOURCE}const add = function(t, hash, key, value) {\n    len_newkey(t, hash, len_arrayindex(key));\n`,
  },
  {
    file: 'ltable.js',
    why: 'length: t[i] = nil takes a node for an absent key, as C Lua (luaH_setint)',
    find: '    let hash = key; /* table_hash known result */\n    if (value.ttisnil()) {\n        mark_dead(t, hash);',
    replace:
      '    let hash = key; /* table_hash known result */\n    if (value.ttisnil()) {\n' +
      '        len_setnil(t, hash, key >= 1 && key <= 2147483648 ? key : 0);\n        mark_dead(t, hash);',
  },
  {
    file: 'ltable.js',
    why: 'length: t[k] = nil takes a node for an absent key, as C Lua (luaV_finishset, luaH_set)',
    find: '    if (value.ttisnil()) { /* delete */\n        mark_dead(t, hash);',
    replace: '    if (value.ttisnil()) { /* delete */\n        len_setnil(t, hash, len_arrayindex(key));\n        mark_dead(t, hash);',
  },
  {
    file: 'ltable.js',
    why: "length: '#' searches as C Lua's luaH_getn (the array part first, then unbound_search)",
    find: '    let i = 0;\n    let j = t.strong.size + 1; /* use known size of Map to kick start search */\n',
    replace:
      '    let j = t.sa;\n' +
      '    if (j > 0 && luaH_getint(t, j).ttisnil()) {  /* a border in the array part: binary search */\n' +
      '        let i = 0;\n' +
      '        while (j - i > 1) {\n' +
      '            let m = Math.floor((i+j)/2);\n' +
      '            if (luaH_getint(t, m).ttisnil()) j = m;\n' +
      '            else i = m;\n' +
      '        }\n' +
      '        return i;\n' +
      '    }\n' +
      '    if (t.hn === 0) return j;  /* no hash part */\n' +
      '    let i = j;\n' +
      '    j++;\n',
  },
  {
    file: 'ltable.js',
    why: "length: OP_SETLIST grows the array part to the constructor's last item",
    find: '    let anchor = first === 1 ? null : listTails.get(t) || null;\n',
    replace:
      '    if (first + n - 1 > t.sa) len_resize(t, first + n - 1, t.hn);\n    let anchor = first === 1 ? null : listTails.get(t) || null;\n',
  },
  {
    file: 'ltable.js',
    why: 'length: the sizes are set by the VM and lua_createtable',
    find: 'module.exports.luaH_setlist = luaH_setlist;\n',
    replace:
      'module.exports.luaH_setlist = luaH_setlist;\nmodule.exports.len_resize = len_resize;\nmodule.exports.len_fb2int = len_fb2int;\n',
  },
  {
    file: 'lvm.js',
    why: "length: a constructor's size hints (B: list items, C: fields, as luaO_int2fb encodes them)",
    find: '            case OP_NEWTABLE: {\n                L.stack[ra].sethvalue(ltable.luaH_new(L));',
    replace:
      '            case OP_NEWTABLE: {\n' +
      '                let t = ltable.luaH_new(L);\n' +
      '                if (i.B !== 0 || i.C !== 0) ltable.len_resize(t, ltable.len_fb2int(i.B), ltable.len_fb2int(i.C));\n' +
      '                L.stack[ra].sethvalue(t);',
  },
  {
    file: 'lapi.js',
    why: 'length: lua_createtable sizes the table as C Lua does (table.pack, library results)',
    find: '    let t = new lobject.TValue(LUA_TTABLE, ltable.luaH_new(L));\n    L.stack[L.top] = t;',
    replace:
      '    let h = ltable.luaH_new(L);\n' +
      '    if (narray > 0 || nrec > 0) ltable.len_resize(h, narray, nrec);\n' +
      '    let t = new lobject.TValue(LUA_TTABLE, h);\n    L.stack[L.top] = t;',
  },
]
