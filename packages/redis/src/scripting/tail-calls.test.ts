import { describe, expect, it } from 'vitest'
import { protectTailCalls } from './tail-calls.js'

describe('protectTailCalls', () => {
  it('wraps library calls returned in tail position', () => {
    expect(protectTailCalls("return redis.call('GET', KEYS[1])")).toBe("return __redis_select(1,  redis.call('GET', KEYS[1]))")
    expect(protectTailCalls('return cjson.decode(x)')).toBe('return __redis_select(1,  cjson.decode(x))')
    expect(protectTailCalls('return cmsgpack.unpack(x)')).toBe('return __redis_select(1,  cmsgpack.unpack(x))')
    expect(protectTailCalls('return cmsgpack.unpack_one(x)')).toBe('return __redis_select(1,  cmsgpack.unpack_one(x))')
    expect(protectTailCalls('local u = cmsgpack.unpack_limit return u(x, 1)')).toBe(
      'local u = cmsgpack.unpack_limit return __redis_select(1,  u(x, 1))',
    )
    expect(protectTailCalls("return math.log10('x')")).toBe("return __redis_select(1,  math.log10('x'))")
    expect(protectTailCalls('return rawset(t, 1, 2)')).toBe('return __redis_select(1,  rawset(t, 1, 2))')
    expect(protectTailCalls('return math.log(x)')).toBe('return math.log(x)')
  })

  it('keeps every value, or none, of error, pcall and the redis functions that return nothing', () => {
    expect(protectTailCalls("return error('m', 2)")).toBe("return __redis_select(1,  error('m', 2))")
    expect(protectTailCalls('return pcall(f, 1)')).toBe('return __redis_select(1,  pcall(f, 1))')
    expect(protectTailCalls("return redis.log(redis.LOG_WARNING, 'x')")).toBe(
      "return __redis_select(1,  redis.log(redis.LOG_WARNING, 'x'))",
    )
    expect(protectTailCalls('return redis.setresp(3)')).toBe('return __redis_select(1,  redis.setresp(3))')
    expect(protectTailCalls('return math.randomseed(1)')).toBe('return __redis_select(1,  math.randomseed(1))')
    expect(protectTailCalls("return redis.logx('x')")).toBe("return __redis_select(1,  redis.logx('x'))")
    expect(protectTailCalls('return cjson.encode_sparse_array()')).toBe('return __redis_select(1,  cjson.encode_sparse_array())')
    expect(protectTailCalls("return error_reply('x')")).toBe("return error_reply('x')")
  })

  it('wraps tail calls of locals holding those functions, keeping every value', () => {
    expect(protectTailCalls('local rf = redis.register_function\nreturn rf(1)')).toBe(
      'local rf = redis.register_function\nreturn __redis_select(1,  rf(1))',
    )
    expect(protectTailCalls('local c = redis . call return c("GET")')).toBe('local c = redis . call return __redis_select(1,  c("GET"))')
    // a call's or a field's result is not the function: its name is left alone
    for (const src of [
      'local c = redis.call("GET") return c(1)',
      'local c = redis.x.y return c(1)',
      'local cc = redis.callx return c(1)',
    ]) {
      expect(protectTailCalls(src)).toBe(src)
    }
  })

  it('wraps calls whose argument is a string, a long string or a table constructor', () => {
    expect(protectTailCalls("return redis.call 'GET'")).toBe("return __redis_select(1,  redis.call 'GET')")
    expect(protectTailCalls('return redis.call"G\\"ET" .. 1')).toBe('return __redis_select(1,  redis.call"G\\"ET") .. 1')
    expect(protectTailCalls('return redis.call[==[G]]ET]==]')).toBe('return __redis_select(1,  redis.call[==[G]]ET]==])')
    expect(protectTailCalls("return redis.call{'GET', {'}'}}")).toBe("return __redis_select(1,  redis.call{'GET', {'}'}})")
    expect(protectTailCalls("local c = redis.call return c 'GET'")).toBe("local c = redis.call return __redis_select(1,  c 'GET')")
    // comments inside the alias's declaration
    expect(protectTailCalls("local c --[[a]] = redis --[[x]] . -- b\n call return c 'GET'")).toBe(
      "local c --[[a]] = redis --[[x]] . -- b\n call return __redis_select(1,  c 'GET')",
    )
    expect(protectTailCalls("local c = redis.call --[[x]] ('PING') return c 'GET'")).toBe(
      "local c = redis.call --[[x]] ('PING') return c 'GET'",
    )
    expect(protectTailCalls("return --[[a]] -- b\n redis.call('GET')")).toBe("return __redis_select(1,  --[[a]] -- b\n redis.call('GET'))")
    // comments between the parts of the name and before the arguments are blanks too
    expect(protectTailCalls("return redis --[[x]] .call('GET')")).toBe("return __redis_select(1,  redis --[[x]] .call('GET'))")
    expect(protectTailCalls("return redis.--c\ncall 'GET'")).toBe("return __redis_select(1,  redis.--c\ncall 'GET')")
    expect(protectTailCalls('return math . --[==[ ]==] random --[[x]] (1)')).toBe(
      'return __redis_select(1,  math . --[==[ ]==] random --[[x]] (1))',
    )
    for (const src of ["return redis .. 'x'", 'return redis --[[x]] .. f(1)', "return error --[[x]] .x('m')"]) {
      expect(protectTailCalls(src)).toBe(src)
    }
    // not closed: left for the compiler to report as written
    for (const src of ["return redis.call 'GET", 'return redis.call [[x', 'return redis.call {1', 'return redis.call[1]']) {
      expect(protectTailCalls(src)).toBe(src)
    }
  })

  it('finds the matching parenthesis past strings, long strings and comments', () => {
    const src = 'return redis.call(\'a)\', [[b)]], "c)" --[[ d) ]]\n, f(g(1)))'
    expect(protectTailCalls(src)).toBe(`return __redis_select(1,  ${src.slice(7)})`)
  })

  it('leaves strings, comments and other calls alone', () => {
    for (const src of [
      "local s = 'return redis.call(1)'",
      '-- return redis.call(1)',
      'return f(redis.call(1))',
      'return myredis.call(1)',
      '--[[ return redis.call(1) ]]',
    ]) {
      expect(protectTailCalls(src)).toBe(src)
    }
  })

  it('stays linear in the source: unclosed calls cannot stall the host before the time limit applies', () => {
    // 380 KB of `return redis.call(` with no `)`: quadratic rewriting took 18-22 s here
    const src = 'return redis.call(\n'.repeat(20_000)
    const started = performance.now()
    expect(protectTailCalls(src)).toBe(src)
    expect(performance.now() - started).toBeLessThan(3_000)
  })

  it('nested tail calls are each wrapped', () => {
    const src = 'return redis.call("GET", (function() return redis.call("GET", "k") end)())'
    expect(protectTailCalls(src)).toBe(
      'return __redis_select(1,  redis.call("GET", (function() return __redis_select(1,  redis.call("GET", "k")) end)()))',
    )
  })
})
