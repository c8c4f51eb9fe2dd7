/**
 * Redis's `__redis__err__handler` (eval.c), the message handler its runs are called under,
 * and a global scripts can call. Part of the prelude chunk (uses CORE's `BASE`, `raise`,
 * `rawpcall`, and assigns its `onError` and `newRun`); runs after LUA51_NAMES (it wraps
 * `loadstring`) and before LUA_ERROR (which removes `debug`).
 *
 * Redis's handler reads the frame that raised with `debug.getinfo(2, 'nSl')`, or its caller
 * when that is a C function, and adds the frame's `source` and `currentline` to the error
 * table (a non-table error becomes `{err = 'ERR ' .. tostring(err)}`): the reply then ends
 * with `script: <sha>, on <source>:<line>.` — `@user_script`, a `loadstring` chunk's name
 * (its text when it has none), or `=[C]` and -1 for a C function.
 *
 * The engine offers only `debug.traceback`, which names a frame by its short source
 * (`[string "..."]`, `mine` for both `=mine` and `@mine`). So `loadstring` records the chunk
 * names of the run (the newest first wins when two share a short source), and the handler
 * reads the traceback as Redis's stack: a prelude function stands for the C function Redis
 * has there (with the engine functions it calls, and the prelude functions it calls), an
 * engine function called from a script is a C frame of its own, and the reply converter
 * (`__redis_reply`, `__redis_library`, with the `xpcall` they call) is the bottom.
 */
export const LUA_ERR_HANDLER = `
do
  local traceback, type, tostring, ssub, sbyte, gmatch, tonumber = debug.traceback, type, tostring, string.sub, string.byte, string.gmatch, tonumber
  local rawloadstring = BASE.loadstring
  local PRELUDE = 'init.lua'
  local BOTTOM = { ["function '__redis_reply'"] = true, ["function '__redis_library'"] = true }
  local OWN = { user_script = '@user_script', user_function = '@user_function' }
  -- the chunk names loadstring was given in this run, newest last (bounded: a script may
  -- load chunks in a loop; the oldest are forgotten)
  local KEEP = 64
  -- (a table made while the prelude runs is frozen with it: the list is made in a run)
  local chunks, count = nil, 0
  newRun = function() count = 0 end
  BASE.loadstring = function(...)
    local s, name = ...
    local ts, tn = type(s), type(name)
    if ts ~= 'string' and ts ~= 'number' then
      raise("bad argument #1 to 'loadstring' (string expected, got " .. (select('#', ...) == 0 and 'no value' or ts) .. ')', 2)
    end
    if name ~= nil and tn ~= 'string' and tn ~= 'number' then
      raise("bad argument #2 to 'loadstring' (string expected, got " .. tn .. ')', 2)
    end
    if count == 0 then chunks = {} end
    if count == KEEP then
      for i = 1, KEEP - 1 do chunks[i] = chunks[i + 1] end
      count = KEEP - 1
    end
    count = count + 1
    if name == nil then name = s end
    chunks[count] = tostring(name)
    -- Redis's Lua parses every chunk as text (no bytecode): a leading ESC is a symbol there,
    -- and a space before it leaves the chunk's lines and error as they are
    if ts == 'string' and sbyte(s, 1) == 27 then s = ' ' .. s end
    return rawloadstring(s, name)
  end

  -- the source a frame's short source stands for
  local function sourceOf(src)
    if OWN[src] then return OWN[src] end
    for i = count, 1, -1 do
      local name = chunks[i]
      local f = rawloadstring('error("", 1)', name)
      local _, m = rawpcall(f)
      if type(m) == 'string' and ssub(m, 1, #m - 4) == src then return name end
    end
  end

  -- Redis's frames from the traceback 'text' (from the raising frame outwards): each
  -- { src, line } or false for a C function; at most 'want'
  local function frames(text, want)
    local list, n = {}, 0
    for line in gmatch(text, '\\n\\t([^\\n]*)') do
      if line == '...' then break end
      if ssub(line, 1, 1) ~= '(' then
        n = n + 1
        list[n] = tracebackFrame(line)
      end
    end
    local out, k, i = {}, 0, 1
    local function prelude(j) return list[j] and list[j].src == PRELUDE end
    local function ownedC(j) return list[j] and list[j].src == '[C]' and prelude(j + 1) end
    while i <= n and k < want do
      local f = list[i]
      if prelude(i) or ownedC(i) then
        while prelude(i) or ownedC(i) do
          if BOTTOM[list[i].name] then return out end
          i = i + 1
        end
        k = k + 1
        out[k] = false
      else
        k = k + 1
        out[k] = f.src ~= '[C]' and f
        i = i + 1
      end
    end
    return out
  end

  -- Redis's handler is a chunk of its own, '@err_handler_def', setting the fields at its line
  -- 10: a read-only error table (a library's) fails there, and the handler, called again for
  -- that error, names its own line
  local OWN_FAILURE = 'err_handler_def:10: Attempt to modify a readonly table'
  local function set(t, k, v)
    if not rawpcall(rawset, t, k, rawget(t, k)) then error(OWN_FAILURE, 0) end
    t[k] = v
  end

  -- the handler's own frame is level 1 of the traceback it takes
  local function handle(err, text)
    if err == OWN_FAILURE then return { err = 'ERR ' .. err, source = '@err_handler_def', line = 10 } end
    local fs = frames(text, 2)
    local i = fs[1]
    if i == false then i = fs[2] end
    if type(err) ~= 'table' then err = { err = 'ERR ' .. tostring(err) } end
    if i == false then
      set(err, 'source', '=[C]')
      set(err, 'line', -1)
    elseif i then
      local source = sourceOf(i.src)
      if source then
        set(err, 'source', source)
        set(err, 'line', tonumber(i.line) or -1)
      end
    end
    return err
  end
  BASE.__redis__err__handler = function(err) return handle(err, traceback('', 2)) end
  -- the runs' handler: the same, marking the tables it made from a message (the host words
  -- some engine messages as Redis does)
  onError = function(err)
    local made = type(err) ~= 'table'
    err = handle(err, traceback('', 2))
    if made then err.made = true end
    return err
  end
end
`
