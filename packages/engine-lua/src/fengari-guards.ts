// Over 250 lines: one list of fengari patches, each with the reason it is needed (see fengari-loader.ts).
import { FENGARI_BUILTIN_PATCHES } from './fengari-builtin-guards.js'
import { FENGARI_CCALLS_PATCHES } from './fengari-ccalls-patches.js'
import { FENGARI_SLICE_PATCHES } from './fengari-slice-patches.js'
import { FENGARI_SPEED_PATCHES } from './fengari-speed-patches.js'
import type { SourcePatch } from './fengari-loader.js'

/**
 * fengari files replaced wholesale. `lualib.js` loads every library (io, debug, package,
 * fengari interop) just so that lstrlib/ltablib can call its no-op `lua_assert`; the
 * sandbox opens libraries one by one, so those never load at all.
 */
export const FENGARI_SUBSTITUTES: Readonly<Record<string, unknown>> = {
  'lualib.js': Object.freeze({ lua_assert: () => undefined }),
}

/**
 * Every change Polyhost makes to fengari 0.1.5, in one list. The patched code calls the
 * guard runtime (`__polyhost`, see guard-runtime.ts); each entry says why fengari needs it.
 * Each patch must match exactly once, or loading fails (fengari-loader.ts).
 */
export const FENGARI_PATCHES: readonly SourcePatch[] = [
  // --- strings -----------------------------------------------------------------------------
  {
    file: 'lstring.js',
    why: 'string keys: the un-padded hex hash collides ("\\1\\1" == "\\17") and costs ~2 s for a 16 MB key',
    find: '    let len = str.length;\n    let s = "|";\n    for (let i=0; i<len; i++)\n        s += str[i].toString(16);\n    return s;',
    replace: '    return __polyhost.hash(str);',
  },
  {
    file: 'lstring.js',
    why: 'memory: every Lua string is accounted when it is created',
    find: '    lua_assert(str instanceof Uint8Array);\n    return new TString(L, str);',
    replace: '    lua_assert(str instanceof Uint8Array);\n    __polyhost.string(str.length);\n    return new TString(L, str);',
  },
  {
    file: 'lstring.js',
    why: 'time: `s == u` of two long equal-length strings compared them byte by byte in JS (20 MB: ~30 ms, hundreds of them between two hooks); natively now, charged as heavy work',
    find: '    return a == b || luastring_eq(a.realstring, b.realstring);',
    replace: '    return a == b || __polyhost.sameBytes(a.realstring, b.realstring);',
  },
  {
    file: 'lvm.js',
    why: 'memory: `a .. b` is checked before its buffer is allocated (`s = s .. s` reaches 1 GiB in under a second)',
    find: '            let buff = new Uint8Array(tl);',
    replace: '            __polyhost.alloc(L, tl);\n            let buff = new Uint8Array(tl);',
  },
  {
    file: 'lauxlib.js',
    why: 'memory: luaL_Buffer growth (string.rep, table.concat, string.format, gsub, char, pack) is checked before allocating',
    find: '        let newsize = Math.max(B.b.length * 2, newend);  /* double buffer size */\n',
    replace: '        let newsize = Math.max(B.b.length * 2, newend);  /* double buffer size */\n        __polyhost.alloc(B.L, newsize);\n',
  },
  // --- tables ------------------------------------------------------------------------------
  {
    file: 'ltable.js',
    why: 'frozen/watched tables: a per-table guard slot, present on every table so the shape stays monomorphic',
    find: '        this.flags = ~0;\n    }',
    replace:
      '        this.flags = ~0;\n        this.polyhost = undefined;  /* guard: frozen or watched */\n        this.dead_weak_n = 0;  /* entries in dead_weak (a WeakMap has no size) */\n    }',
  },
  {
    file: 'ltable.js',
    why: 'memory: deleted keys that are objects stay in a WeakMap the memory walk cannot size; the table counts them',
    find: '            t.dead_weak.set(hash, e);',
    replace: '            t.dead_weak.set(hash, e);\n            t.dead_weak_n++;',
  },
  {
    file: 'ltable.js',
    why: 'memory: the dead-entry count drops with the dead entries at the next insertion',
    find: '    t.dead_weak = void 0;\n    let prev = null;',
    replace: '    t.dead_weak = void 0;\n    t.dead_weak_n = 0;\n    let prev = null;',
  },
  {
    file: 'ltable.js',
    why: 'memory: tables are accounted when created',
    find: 'const luaH_new = function(L) {\n    return new Table(L);',
    replace: 'const luaH_new = function(L) {\n    __polyhost.table();\n    return new Table(L);',
  },
  {
    file: 'ltable.js',
    why: 'memory: table growth is accounted per new entry',
    find: 'const add = function(t, hash, key, value) {\n',
    replace: 'const add = function(t, hash, key, value) {\n    __polyhost.entry();\n',
  },
  {
    file: 'ltable.js',
    why: 'read-only library tables: every VM and API write path (t[k] = v, rawset, lua_setfield...) ends here',
    find: 'const luaH_setfrom = function(L, t, key, value) {\n',
    replace: 'const luaH_setfrom = function(L, t, key, value) {\n    if (t.polyhost !== undefined) __polyhost.write(L, t);\n',
  },
  {
    file: 'lapi.js',
    why: 'read-only library tables: lua_rawseti bypasses luaH_setfrom',
    find: '    api_check(L, o.ttistable(), "table expected");\n    ltable.luaH_setint(o.value, n, L.stack[L.top - 1]);',
    replace:
      '    api_check(L, o.ttistable(), "table expected");\n    if (o.value.polyhost !== undefined) __polyhost.write(L, o.value);\n    ltable.luaH_setint(o.value, n, L.stack[L.top - 1]);',
  },
  {
    file: 'lapi.js',
    why: 'read-only library tables: setmetatable on a shared table would change it for later executions',
    find: '        case LUA_TTABLE: {\n            obj.value.metatable = mt;',
    replace:
      '        case LUA_TTABLE: {\n            if (obj.value.polyhost !== undefined) __polyhost.write(L, obj.value);\n            obj.value.metatable = mt;',
  },
  // --- calls, hooks, stacks, coroutines ----------------------------------------------------
  {
    file: 'lapi.js',
    why: 'hooks: lua_pcallk never set CIST_OAH, so after a caught error in a coroutine hooks stopped firing',
    find: '        ci.callstatus &= ~lstate.CIST_OAH | L.allowhook;',
    replace: '        ci.callstatus = (ci.callstatus & ~lstate.CIST_OAH) | (L.allowhook ? lstate.CIST_OAH : 0);',
  },
  {
    file: 'lstate.js',
    why: 'stack depth: fengari runs Lua-to-Lua calls without a depth limit short of 1e6 stack slots',
    find: 'const luaE_extendCI = function(L) {\n    let ci = new CallInfo();',
    replace:
      'const luaE_extendCI = function(L) {\n    if (L.ci.depth >= __polyhost.maxDepth) __polyhost.tooDeep(L);\n    let ci = new CallInfo();\n    ci.depth = L.ci.depth + 1;',
  },
  {
    file: 'ldebug.js',
    why: 'stack depth: an error handler runs in the room past the depth limit, as C Lua grows the stack for it after an overflow (the handler of a stack overflow never ran)',
    find: '        ldo.luaD_callnoyield(L, L.top - 2, 1);\n    }\n\n    ldo.luaD_throw(L, LUA_ERRRUN);',
    replace:
      '        __polyhost.errorHandlers++;\n        try {\n            ldo.luaD_callnoyield(L, L.top - 2, 1);\n        } finally {\n            __polyhost.errorHandlers--;\n        }\n    }\n\n    ldo.luaD_throw(L, LUA_ERRRUN);',
  },
  {
    file: 'ldo.js',
    why:
      "limits: a trip is thrown as the execution's fatal error (meter.ts raise) and passes every protected call " +
      '(pcall, xpcall and its handler, resume, load, a host pcall): caught, a loop of pcalls went on after it',
    find: '            /* error was not thrown via luaD_throw, i.e. it is a JS error */\n            /* run user error handler (if it exists) */',
    replace:
      '            /* error was not thrown via luaD_throw, i.e. it is a JS error */\n' +
      '            if (e === __polyhost.trip) {  /* a limit trip: uncatchable, the state is discarded */\n' +
      '                L.errorJmp = lj.previous;\n' +
      '                L.nCcalls = oldnCcalls;\n' +
      '                throw e;\n' +
      '            }\n' +
      '            /* run user error handler (if it exists) */',
  },
  {
    file: 'lstate.js',
    why: 'stack depth: every CallInfo carries its depth (monomorphic shape)',
    find: '        this.func = null;\n        this.funcOff = NaN;',
    replace: '        this.depth = 0;\n        this.func = null;\n        this.funcOff = NaN;',
  },
  {
    file: 'lstate.js',
    why: 'memory: coroutines (threads and their stacks) are accounted',
    find: '    let L1 = new lua_State(g);',
    replace: '    __polyhost.thread();\n    let L1 = new lua_State(g);',
  },
  {
    file: 'lvm.js',
    why: 'memory: closures and their upvalues are accounted when created (a chain of closures allocates nothing else)',
    find: '    let ncl = new lobject.LClosure(L, nup);',
    replace: '    __polyhost.closure(nup);\n    let ncl = new lobject.LClosure(L, nup);',
  },
  {
    file: 'lstrlib.js',
    why: 'memory: a gmatch iterator holds its match state (~480 bytes) beside the closure: 200k iterators took 131 MB against 34 MB counted',
    find: '    let gm = new GMatchState();',
    replace: '    __polyhost.alloc(L, __polyhost.sizes.gmatch);\n    let gm = new GMatchState();',
  },
  {
    file: 'lcode.js',
    why: 'memory: every instruction a compile emits is accounted as it is emitted (a `load` of a 2 MB table constructor is ~1e6 instructions, ~112 MB of host heap, which nothing charged)',
    find: '    f.code[fs.pc] = i;\n    f.lineinfo[fs.pc] = fs.ls.lastline;',
    replace: '    __polyhost.instruction(fs.ls.L);\n    f.code[fs.pc] = i;\n    f.lineinfo[fs.pc] = fs.ls.lastline;',
  },
  {
    file: 'ldo.js',
    why: 'memory: stack growth is checked before the stack is enlarged',
    find: '        else\n            luaD_reallocstack(L, newsize);',
    replace: '        else {\n            __polyhost.stack(L, newsize - size);\n            luaD_reallocstack(L, newsize);\n        }',
  },
  {
    file: 'ldo.js',
    why: 'instructions: count hooks are per thread; account partial counts when control moves between coroutines',
    find: '    let status = luaD_rawrunprotected(L, resume, nargs);',
    replace: '    __polyhost.switchTo(L, from);\n    let status = luaD_rawrunprotected(L, resume, nargs);',
  },
  {
    file: 'ldo.js',
    why: 'instructions: see above (back to the resumer)',
    find: "    L.nny = oldnny;  /* restore 'nny' */",
    replace: "    __polyhost.switchTo(from, L);\n    L.nny = oldnny;  /* restore 'nny' */",
  },
  {
    file: 'lstate.js',
    why: 'isolation: the closure cache lives in the state (reset for every execution), not in the prototype every state shares',
    find: '        this.ids = new WeakMap();\n',
    replace: '        this.ids = new WeakMap();\n        this.closures = new WeakMap();  /* Proto -> the last closure made of it */\n',
  },
  {
    file: 'lvm.js',
    why: "isolation: a closure is reused (C Lua 5.3's cache: `f() == f()` for a closure without fresh upvalues) only from its own state's cache",
    find: 'const getcached = function(p, encup, stack, base) {\n    let c = p.cache;',
    replace: 'const getcached = function(L, p, encup, stack, base) {\n    let c = L.l_G.closures.get(p) || null;',
  },
  {
    file: 'lvm.js',
    why: 'isolation: see above (the call site passes the state)',
    find: '                let ncl = getcached(p, cl.upvals, L.stack, base);',
    replace: '                let ncl = getcached(L, p, cl.upvals, L.stack, base);',
  },
  {
    file: 'lvm.js',
    why: "memory: the cache is emptied by every memory walk (reachableBytes), as C Lua's collector clears Proto.cache: a closure the script dropped (and what its upvalues hold) is not kept alive past the walk that finds it unreachable",
    find: '    p.cache = ncl;  /* save it on cache for reuse */',
    replace: "    L.l_G.closures.set(p, ncl);  /* in the state's cache (emptied by memory walks) */",
  },
  // --- builtins that run long without hooks ------------------------------------------------
  {
    file: 'lstrlib.js',
    why: 'pattern matching: a step budget per match call (".-.-.-b" backtracking ran 0.7 s without hooks)',
    find: '    if (ms.matchdepth-- === 0)\n        luaL_error(ms.L, to_luastring("pattern too complex"));',
    replace: '    __polyhost.step(ms.L);\n    if (ms.matchdepth-- === 0)\n        luaL_error(ms.L, to_luastring("pattern too complex"));',
  },
  {
    file: 'lstrlib.js',
    why: 'pattern matching: the greedy scan of x* counts its steps',
    find: '    while (singlematch(ms, s + i, p, ep))\n        i++;',
    replace: '    while (singlematch(ms, s + i, p, ep))\n        i++;\n    __polyhost.steps(ms.L, i);',
  },
  {
    file: 'lstrlib.js',
    why: 'pattern matching: %b scans count their steps',
    find: '        while (++s < ms.src_end) {\n            if (ms.src[s] === e) {',
    replace: '        while (++s < ms.src_end) {\n            __polyhost.step(ms.L);\n            if (ms.src[s] === e) {',
  },
  {
    file: 'lstrlib.js',
    why: 'plain find: the naive O(n*m) search becomes Buffer.indexOf',
    find: 'const find_subarray = function(arr, subarr, from_index) {\n',
    replace: 'const find_subarray = function(arr, subarr, from_index) {\n    return __polyhost.indexOf(arr, subarr, from_index);\n',
  },
  {
    file: 'lstrlib.js',
    why: 'string.rep("", 2^31) looped 2^31 times to build an empty string',
    find: '        let totallen = n * l + (n - 1) * lsep;\n',
    replace: '        let totallen = n * l + (n - 1) * lsep;\n        if (totallen === 0) { lua_pushliteral(L, ""); return 1; }\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.sort: each comparison is a step (sorting 1e6 numbers ran ~6 s without hooks)',
    find: 'const sort_comp = function(L, a, b) {\n',
    replace: 'const sort_comp = function(L, a, b) {\n    __polyhost.step(L);\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.insert shifts elements without hooks',
    find: '            for (let i = e; i > pos; i--) {  /* move up elements */\n',
    replace: '            for (let i = e; i > pos; i--) {  /* move up elements */\n                __polyhost.step(L);\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.remove shifts elements without hooks',
    find: '    for (; pos < size; pos++) {\n',
    replace: '    for (; pos < size; pos++) {\n        __polyhost.step(L);\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.move(t, 1, 2^31-1, 1) loops 2^31 times without hooks',
    find: '            for (let i = 0; i < n; i++) {\n',
    replace: '            for (let i = 0; i < n; i++) {\n                __polyhost.step(L);\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.move, backwards copy',
    find: '            for (let i = n - 1; i >= 0; i--) {\n',
    replace: '            for (let i = n - 1; i >= 0; i--) {\n                __polyhost.step(L);\n',
  },
  {
    file: 'ltablib.js',
    why: 'table.concat loops without hooks',
    find: '    for (; i < last; i++) {\n        addfield(L, b, i);',
    replace: '    for (; i < last; i++) {\n        __polyhost.step(L);\n        addfield(L, b, i);',
  },
  {
    file: 'llex.js',
    why: 'load(): parsing a huge chunk runs without hooks; each token is a step',
    find: 'const luaX_next = function(ls) {\n',
    replace: 'const luaX_next = function(ls) {\n    __polyhost.step(ls.L);\n',
  },
  // --- host escapes ------------------------------------------------------------------------
  {
    file: 'loslib.js',
    why: 'os.exit/execute/getenv/remove/rename/tmpname are never even defined',
    find: 'if (typeof process === "undefined") {',
    replace: 'if (true) {  /* polyhost: the Node-only os functions reach the host */',
  },
  // --- builtins whose work grows with their input (fengari-builtin-guards.ts) ---------------
  ...FENGARI_BUILTIN_PATCHES,
  ...FENGARI_SPEED_PATCHES,
  // --- time slices through script-made coroutines (fengari-slice-patches.ts) ---------------
  ...FENGARI_SLICE_PATCHES,
  // --- the C-call count across the engine's own yields (fengari-ccalls-patches.ts) ---------
  ...FENGARI_CCALLS_PATCHES,
]
