// Over 250 lines: C Lua's table sizing and node layout are one piece of patch source
import type { SourcePatch } from './fengari-loader.js'
import type { NumberMode } from './number-runtime.js'

/**
 * A key's hash before C Lua takes it modulo the node count, where C Lua's is known: at least
 * 2^32 when taken modulo `(size-1)|1` (hashmod: floats, and 5.1 numbers), else masked
 * (hashpow2: integers, booleans); -1 for strings (5.3 hashes them with a random per-state
 * seed, so native Lua itself varies between runs; 5.1's hash is fixed, but keeping its nodes
 * cost a 5.1 script that churns string keys 2.5× its time) and for tables, functions and
 * userdata (hashed by address).
 */
function prehashSource(numbers: NumberMode): string {
  const number =
    numbers === 'lua51'
      ? /* 5.1 hashnum: the sum of the double's two 32-bit words, node 0 for ±0 */
        `if (v === 0) return 4294967296;
            len_f64[0] = v;
            return 4294967296 + ((len_u32[0] + len_u32[1]) >>> 0);`
      : `if (Number.isInteger(v)) return v >>> 0;  /* hashint */
            return 4294967296 + len_hashfloat(v);`
  return `const len_f64 = new Float64Array(1), len_u32 = new Uint32Array(len_f64.buffer);
const len_hashfloat = function(v) {  /* 5.3 l_hashfloat: frexp's mantissa * 2^31 plus its exponent */
    if (!isFinite(v)) return 0;
    len_f64[0] = v;
    let e = (len_u32[1] >>> 20) & 2047, sh = 0;
    if (e === 0) { len_f64[0] = v * 18446744073709551616; e = (len_u32[1] >>> 20) & 2047; sh = 64; }
    len_u32[1] = (len_u32[1] & 0x800fffff) | (1022 << 20);  /* the mantissa in [0.5, 1) */
    let u = (e - 1022 - sh + Math.trunc(len_f64[0] * 2147483648)) >>> 0;
    return u <= 2147483647 ? u : (~u) >>> 0;
};
const len_prehash = function(type, v) {
    switch (type & 15) {
        case 1: return v ? 1 : 0;
        case 3: {
            ${number}
        }
    }
    return -1;
};
`
}

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
const len_mpos = function(h, n) {  /* main position */
    return h >= 4294967296 ? (h - 4294967296) % ((n - 1) | 1) : h & (n - 1);
};
/* the hash nodes: key (hash), its prehash, value not nil, next in chain (-1: none), lastfree */
const len_nodes = function(n) {
    return { k: new Array(n), h: new Float64Array(n), v: new Uint8Array(n), x: new Int32Array(n).fill(-1), lf: n };
};
const len_find = function(np, n, hash, h) {
    for (let i = len_mpos(h, n); i >= 0; i = np.x[i]) if (np.k[i] === hash) return i;
    return -1;
};
/* luaH_newkey: the node a new key takes, or -1 when there is no free node (rehash) */
const len_place = function(np, n, hash, h) {
    let K = np.k, X = np.x, mp = len_mpos(h, n);
    if (np.v[mp] === 1) {  /* main position taken (a node holding nil is not) */
        let f = -1;
        while (np.lf > 0) if (K[--np.lf] === void 0) { f = np.lf; break; }  /* getfreepos */
        if (f < 0) return -1;
        let o = len_mpos(np.h[mp], n);
        if (o !== mp) {  /* the colliding key moves to the free node */
            while (X[o] !== mp) o = X[o];
            X[o] = f;
            K[f] = K[mp]; np.h[f] = np.h[mp]; np.v[f] = 1; X[f] = X[mp]; X[mp] = -1;
        } else {  /* the new key goes to the free node */
            X[f] = X[mp]; X[mp] = f; mp = f;
        }
    }
    K[mp] = hash; np.h[mp] = h; np.v[mp] = 1;
    return mp;
};
const len_tocount = function(t) {  /* a key without a known position: count nodes from now on */
    let np = t.np, hu = 0;
    t.np = void 0;
    __polyhost.scanned(t.hn);
    for (let i = 0; i < t.hn; i++) {
        if (np.k[i] === void 0) continue;
        hu++;
        if (np.v[i] === 0) { if (t.nn === void 0) t.nn = new Set(); t.nn.add(np.k[i]); }
    }
    t.hu = hu;
};
const len_keyhash = function(key) { return (key.type & 15) === 4 ? luaS_hashlongstr(key.value) : key.value; };
/* luaH_resize: the vanishing array slice, then the old nodes from the last down, then the rest */
const len_resize = function(t, nasize, nhsize) {
    let oldsa = t.sa, old = t.np, oldn = t.hn;
    t.sa = nasize;
    t.hn = nhsize > 0 ? Math.pow(2, len_ceillog2(nhsize)) : 0;
    t.nn = void 0;  /* a resize keeps only keys with values */
    t.np = void 0;
    let hu = 0, pos = t.hn > 0, slice = void 0;
    for (let e = t.f; e; e = e.n) {
        let k = len_arrayindex(e.key);
        if (k !== 0 && k <= nasize) continue;
        hu++;
        if (pos && len_prehash(e.key.type, e.key.value) < 0) pos = false;
        if (k > nasize && k <= oldsa) (slice || (slice = [])).push(k);
    }
    t.hu = hu;
    if (!pos) return;
    let np = t.np = len_nodes(t.hn), n = t.hn, placed = 0;
    if (slice !== void 0) {
        slice.sort((a, b) => a - b);
        for (let k of slice) if (len_place(np, n, k, len_prehash(3, k)) >= 0) placed++;
    }
    if (old !== void 0) for (let j = oldn - 1; j >= 0; j--) {
        let hk = old.k[j];
        if (old.v[j] === 0 || (typeof hk === 'number' && hk >= 1 && hk <= nasize && Math.floor(hk) === hk) || !t.strong.has(hk)) continue;
        if (len_place(np, n, hk, old.h[j]) >= 0) placed++;
    }
    if (placed < hu) for (let e = t.f; e; e = e.n) {  /* keys no node held (the old part counted) */
        let k = len_arrayindex(e.key);
        if (k !== 0 && k <= nasize) continue;
        let hash = len_keyhash(e.key), h = len_prehash(e.key.type, e.key.value);
        if (len_find(np, n, hash, h) < 0) len_place(np, n, hash, h);
    }
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
   holds nil (set to nil before) takes it again. k: the key's array index, or 0. Returns the
   node where positions are kept, else -1. */
const len_newkey = function(t, hash, type, v, k) {
    if (k !== 0 && k <= t.sa) return -1;  /* the array part */
    let np = t.np;
    if (np !== void 0) {
        let h = len_prehash(type, v);
        if (h >= 0) {
            let i = len_find(np, t.hn, hash, h);
            if (i < 0) i = len_place(np, t.hn, hash, h);
            else np.v[i] = 1;
            if (i >= 0) return i;
            len_rehash(t, k);
            return len_newkey(t, hash, type, v, k);
        }
        len_tocount(t);
    }
    if (t.nn !== void 0 && t.nn.delete(hash)) return -1;
    if (t.hu >= t.hn) {
        len_rehash(t, k);
        return len_newkey(t, hash, type, v, k);
    }
    t.hu++;
    return -1;
};
/* t[key] = nil: an absent key still takes a node, and the node stays, holding nil */
const len_setnil = function(t, hash, type, v, k) {
    if (k !== 0 && k <= t.sa) return;
    let i = -1;
    if (!t.strong.has(hash)) i = len_newkey(t, hash, type, v, k);
    else if (t.np !== void 0) {
        let h = len_prehash(type, v);
        if (h >= 0) i = len_find(t.np, t.hn, hash, h);
    }
    if (k !== 0 && k <= t.sa) return;
    if (t.np !== void 0) {
        if (i >= 0) t.np.v[i] = 0;
        return;
    }
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
 * searches as luaH_getn does. A key set to nil keeps its node holding nil, as in C Lua.
 *
 * A rehash comes when a new key finds no node, and which node is free depends on where keys
 * sit: so the hash nodes are kept as C Lua lays them out (`np`: key, next in chain, value nil
 * or not, `lastfree`), as luaH_newkey places keys (the main position if it holds nil, taking
 * it from a key set to nil there; else a node whose key is empty, found by lastfree going
 * down; the colliding key moved there when it is not in its own main position) and as
 * luaH_resize reinserts them (the vanishing array slice, then the old nodes from the last down).
 * Main positions are C Lua's for integers, floats (5.3 l_hashfloat, 5.1's sum of the double's
 * words) and booleans. A 5.3 string is hashed with a per-state random seed and a table,
 * function or userdata by its address, so native Lua itself varies between runs there; a 5.1
 * string's hash is fixed, but hashing each new string key and keeping its node cost a 5.1
 * script churning string keys 2.5× its CPU (a Redis script's records are string-keyed). A
 * table holding a string, table, function or userdata key in its hash part counts nodes
 * instead (`hu`, and `nn`: the keys whose node holds nil, taken again only by the same key)
 * until a rehash leaves none. Measured: 0 of 2,000 generated histories with nil assignments
 * of integer, float and boolean keys differ from native lua5.3 and lua5.1, nor of 2,000
 * larger ones; with 5.3 string keys and nils ~2.4 % do, and with 5.1 string keys some do.
 */
export function tableLengthPatches(numbers: NumberMode): readonly SourcePatch[] {
  return [
    {
      file: 'ltable.js',
      why: "length: a table's C Lua sizes (array part, hash nodes, hash nodes used)",
      find: '        this.dead_weak_n = 0;  /* entries in dead_weak (a WeakMap has no size) */\n    }',
      replace:
        '        this.dead_weak_n = 0;  /* entries in dead_weak (a WeakMap has no size) */\n' +
        '        this.sa = 0;  /* C Lua sizes (fengari-table-length.ts): array part, */\n' +
        '        this.hn = 0;  /* hash nodes (0: none), */\n' +
        '        this.hu = 0;  /* hash nodes in use */\n' +
        '        this.nn = void 0;  /* keys whose node holds nil (a Set, when there are some) */\n' +
        "        this.np = void 0;  /* the hash nodes, where C Lua's positions are known */\n    }",
    },
    {
      file: 'ltable.js',
      why: 'length: a new key takes a hash node, or rehashes a full hash part as C Lua does',
      find: 'const add = function(t, hash, key, value) {\n',
      replace: `${prehashSource(numbers)}${SIZES_SOURCE}const add = function(t, hash, key, value) {\n    len_newkey(t, hash, key.type, key.value, len_arrayindex(key));\n`,
    },
    {
      file: 'ltable.js',
      why: 'length: t[i] = nil takes a node for an absent key, as C Lua (luaH_setint)',
      find: '    let hash = key; /* table_hash known result */\n    if (value.ttisnil()) {\n        mark_dead(t, hash);',
      replace:
        '    let hash = key; /* table_hash known result */\n    if (value.ttisnil()) {\n' +
        '        len_setnil(t, hash, LUA_TNUMINT, key, key >= 1 && key <= 2147483648 ? key : 0);\n        mark_dead(t, hash);',
    },
    {
      file: 'ltable.js',
      why: 'length: t[k] = nil takes a node for an absent key, as C Lua (luaV_finishset, luaH_set)',
      find: '    if (value.ttisnil()) { /* delete */\n        mark_dead(t, hash);',
      replace:
        '    if (value.ttisnil()) { /* delete */\n        len_setnil(t, hash, key.type, key.value, len_arrayindex(key));\n        mark_dead(t, hash);',
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
}
