import type { SourcePatch } from './fengari-loader.js'

/**
 * Changes to fengari that make it faster without changing what any call returns, each
 * tested against unpatched fengari (fengari-speed-patches.test.ts).
 *
 * Call frames: fengari allocated a new CallInfo for every call and a new nil TValue for
 * every register of every frame, again each time a call returned (its caller's frame was
 * re-filled after the callee's slots were deleted): ~40 % of what a call-heavy script
 * (Redis scripts, ~250 KB per BullMQ script run) allocated, and the young-generation
 * collections that go with it. Now, as C Lua does, a frame's CallInfo is reused by the
 * next call at the same depth, and a popped stack slot keeps its TValue (set to nil, so it
 * holds nothing alive) for the next frame to reuse. Why that is safe: a slot's TValue is
 * shared only with an open upvalue, and upvalues are closed (the slot gets a fresh TValue,
 * the closure keeps the old one) before their frame's slots are popped — on return
 * (OP_RETURN/OP_TAILCALL of a function with nested functions), at block exits (OP_JMP)
 * and when an error unwinds (luaD_pcall, recover).
 *
 * fengari popped values with `delete L.stack[i]`, a slow path in V8 that leaves a holey
 * array (~15 % of the VM's time on call-heavy scripts).
 */
export const FENGARI_SPEED_PATCHES: readonly SourcePatch[] = [
  {
    file: 'ldo.js',
    why: 'speed: adjust_top pops without `delete`, keeping the slot (nil) for reuse',
    find: '        while (L.top > newtop)\n            delete L.stack[--L.top];',
    replace:
      '        while (L.top > newtop) {\n' +
      '            const o = L.stack[--L.top];\n' +
      '            if (o !== undefined) o.setnilvalue();\n' +
      '        }',
  },
  {
    file: 'ldo.js',
    why: 'speed: adjust_top grows the stack into the slots it kept',
    find: '        while (L.top < newtop)\n            L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);',
    replace:
      '        while (L.top < newtop) {\n' +
      '            const o = L.stack[L.top];\n' +
      '            if (o === undefined) L.stack[L.top] = new lobject.TValue(LUA_TNIL, null);\n' +
      '            else o.setnilvalue();\n' +
      '            L.top++;\n' +
      '        }',
  },
  {
    file: 'ldo.js',
    why: 'speed: moveresults (LUA_MULTRET) clears without `delete`, keeping the slots (nil)',
    find: '            for (let i=L.top; i>=(res + nres); i--)\n                delete L.stack[i];',
    replace: '            for (let i=L.top; i>=(res + nres); i--)\n                if (L.stack[i] !== undefined) L.stack[i].setnilvalue();',
  },
  {
    file: 'ldo.js',
    why: 'speed: moveresults clears without `delete`, keeping the slots (nil)',
    find: '    for (let i=L.top; i>=newtop; i--)\n        delete L.stack[i];',
    replace: '    for (let i=L.top; i>=newtop; i--)\n        if (L.stack[i] !== undefined) L.stack[i].setnilvalue();',
  },
  {
    file: 'ldo.js',
    why: 'speed: a Lua function called with fewer arguments than parameters reuses the kept slots',
    find: '                    L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null); // complete missing arguments',
    replace:
      '                    if (L.stack[L.top] === undefined) L.stack[L.top++] = new lobject.TValue(LUA_TNIL, null);\n' +
      '                    else L.stack[L.top++].setnilvalue();',
  },
  {
    file: 'lstate.js',
    why: "speed: a call reuses the CallInfo of the last call at the same depth (C Lua's next_ci)",
    find: '    let ci = new CallInfo();\n    ci.depth = L.ci.depth + 1;',
    replace:
      '    let ci = L.ci.next;\n' +
      '    if (ci !== null) {\n' +
      '        L.ci = ci;\n' +
      '        return ci;\n' +
      '    }\n' +
      '    ci = new CallInfo();\n' +
      '    ci.depth = L.ci.depth + 1;',
  },
  {
    file: 'ldo.js',
    why: 'speed: a returning call keeps its CallInfo for the next call',
    find: '    L.ci = ci.previous;\n    L.ci.next = null;',
    replace: '    L.ci = ci.previous;',
  },
  {
    file: 'lvm.js',
    why: "speed: a tail call keeps the called frame's CallInfo for the next call",
    find: '                    oci.next = null;\n',
    replace: '',
  },
  {
    file: 'defs.js',
    why:
      'to_luastring (every JS string given to the Lua API: keys, lua_pushstring, names) built a JS Array ' +
      'and copied it with Uint8Array.from; an ASCII string is now written straight into its Uint8Array',
    find: '    let len = str.length;\n    let outU8Array = Array(len); /* array is at *least* going to be length of string */',
    replace:
      '    let len = str.length;\n' +
      '    let ascii = 0;\n' +
      '    while (ascii < len && str.charCodeAt(ascii) < 0x80) ascii++;\n' +
      '    if (ascii === len) {\n' +
      '        const bytes = new Uint8Array(len);\n' +
      '        for (let i = 0; i < len; i++) bytes[i] = str.charCodeAt(i);\n' +
      '        if (cache) to_luastring_cache[str] = bytes;\n' +
      '        return bytes;\n' +
      '    }\n' +
      '    let outU8Array = Array(len); /* array is at *least* going to be length of string */',
  },
  {
    file: 'lstring.js',
    why:
      'luaS_new (every string the API pushes: lua_pushstring, lua_pushlstring, type(), field names) copied its bytes ' +
      'with Uint8Array.from, the generic iterator path (~3x the time of a typed-array copy)',
    find: '    return luaS_bless(L, luastring_from(str));',
    replace: '    return luaS_bless(L, new Uint8Array(str));',
  },
  {
    file: 'lauxlib.js',
    why:
      'luaL_tolstring (tostring, print, %s) formatted a number through lua_pushfstring("%I"/"%f"), which parses ' +
      'its format and concatenates; a copy of the number converted in place by lua_tolstring is the same ' +
      'luaO_tostring of the same integer or float value',
    find:
      '            case LUA_TNUMBER: {\n' +
      '                if (lua_isinteger(L, idx))\n' +
      '                    lua_pushfstring(L, p_I, lua_tointeger(L, idx));\n' +
      '                else\n' +
      '                    lua_pushfstring(L, p_f, lua_tonumber(L, idx));\n' +
      '                break;\n' +
      '            }',
    replace: '            case LUA_TNUMBER:\n                lua_pushvalue(L, idx);\n                break;',
  },
  {
    file: 'lvm.js',
    why:
      'the VM called luaG_traceexec before every instruction while a count hook is set (always, for the limits), ' +
      'which only decrements the count until it reaches 1; the decrement is now made in the loop and ' +
      'luaG_traceexec called when the hook is due (or for a line hook), exactly where it acted before',
    find: '        if (L.hookmask & (LUA_MASKLINE | LUA_MASKCOUNT)) {\n            ldebug.luaG_traceexec(L);\n        }',
    replace:
      '        if (L.hookmask & (LUA_MASKLINE | LUA_MASKCOUNT)) {\n' +
      '            if (L.hookcount > 1 && !(L.hookmask & LUA_MASKLINE)) L.hookcount--;\n' +
      '            else ldebug.luaG_traceexec(L);\n' +
      '        }',
  },
  {
    file: 'lauxlib.js',
    why:
      'luaL_addlstring (table.concat, string.format, gsub, rep: every piece added to a luaL_Buffer) made two ' +
      'Uint8Array views per piece, the free room luaL_prepbuffsize returns and the piece cut to its length; ' +
      "a piece is now copied in at the buffer's end, the buffer grown only when full, with the same guard step",
    find: '        let b = luaL_prepbuffsize(B, l);\n' + '        b.set(s.subarray(0, l));\n' + '        luaL_addsize(B, l);',
    replace:
      '        if (B.n + l <= B.b.length) __polyhost.step(B.L); /* what luaL_prepbuffsize does when there is room */\n' +
      '        else luaL_prepbuffsize(B, l);\n' +
      '        B.b.set(l === s.length ? s : s.subarray(0, l), B.n);\n' +
      '        luaL_addsize(B, l);',
  },
  {
    file: 'ltable.js',
    why:
      "every new key of a table (constructors, t[k] = v, table.insert) cleared the table's Map of dead keys, " +
      "and V8's Map#clear allocates a fresh backing table even when the Map is empty (~50 ns and ~250 bytes " +
      'of young garbage per key); it is now cleared only when it holds dead keys',
    find: '    t.dead_strong.clear();\n',
    replace: '    if (t.dead_strong.size !== 0) t.dead_strong.clear();\n',
  },
  {
    file: 'ltable.js',
    why:
      'every table carried its own Map of dead keys, empty for nearly all of them: ~185 of the ~510 bytes ' +
      'an empty table takes in V8, all of it copied by each scavenge while the table lives (1e5 live tables ' +
      'spent 70-75% of their build in the GC); a table shares one empty Map, never written, until its first dead key',
    find: '        this.dead_strong = new Map();\n',
    replace: '        this.dead_strong = NO_DEAD_KEYS;  /* its own Map from its first dead key (mark_dead) */\n',
  },
  {
    file: 'ltable.js',
    why: 'the shared empty Map of dead keys (above), defined once for the module',
    find: 'class Table {\n',
    replace: 'const NO_DEAD_KEYS = new Map();  /* never written: mark_dead gives a table its own first */\nclass Table {\n',
  },
  {
    file: 'ltable.js',
    why: 'a table whose first dead key cannot go to dead_weak gets its own Map of dead keys (see above)',
    find: '            t.dead_strong.set(hash, e);\n',
    replace: '            if (t.dead_strong === NO_DEAD_KEYS) t.dead_strong = new Map();\n            t.dead_strong.set(hash, e);\n',
  },
]
