import type { CorpusArg, CorpusCase } from '../differential.js'
import { cmds } from './helpers.js'

/** Bytes (a JS string, one char per byte) as a corpus argument. */
const bytes = (s: string): CorpusArg => ({ hex: Buffer.from(s, 'latin1').toString('hex') })
const evalBytes = (s: string, ...rest: string[]): readonly CorpusArg[] => ['EVAL', bytes(s), '0', ...rest]

/**
 * Script and library sources that are not UTF-8: Redis compiles their bytes as they are
 * (string literals keep them, SHA-1 is of them, FUNCTION LIST WITHCODE shows them).
 */
export const SCRIPT_BYTES_CASES: CorpusCase[] = [
  cmds('non-UTF-8 string literal', evalBytes("return '\xff\xfe'")),
  cmds('non-UTF-8 byte counted once', evalBytes('local s = "\xe9" return {#s, s:byte(1, -1)}')),
  cmds(
    'SCRIPT LOAD of non-UTF-8 source hashes its bytes',
    ['SCRIPT', 'LOAD', bytes("return '\xff'")],
    ['EVALSHA', '11546ad4f039230cf13f8ee4696a1d6086089aa6', '0'],
  ),
  cmds('EVALSHA of a non-UTF-8 script EVAL cached', evalBytes("return '\x80'"), [
    'EVALSHA',
    '349b144ec68341cb1b4ee04d14aa3df8a11dd4e5',
    '0',
  ]),
  cmds('non-UTF-8 byte in a comment', evalBytes('-- \xff\nreturn 2')),
  cmds('non-UTF-8 byte in a long string', evalBytes('return [[\xc3\x28]]')),
  cmds('non-UTF-8 source: error line', evalBytes("-- \xff\n\nreturn error('x')")),
  cmds('non-UTF-8 source: compile error', evalBytes("return '\xff' +")),
  cmds('non-UTF-8 source: unfinished string', evalBytes("return '\xff")),
  cmds('non-UTF-8 source with KEYS and ARGV', ['EVAL', bytes("return KEYS[1] .. ARGV[1] .. '\xfe'"), '1', 'k', 'a']),
  cmds('non-UTF-8 source: error levels', evalBytes("local function f() error('up', 2) end\n-- \xff\nf()")),
  cmds('non-UTF-8 source: no extra globals', evalBytes("return {'\xff', type(__redis_source)}")),
  cmds('non-UTF-8 source with a shebang', evalBytes("#!lua flags=no-writes\nreturn '\xff'")),
  // Redis parses every chunk as text: a leading ESC is a symbol, not bytecode
  cmds('script starting with ESC', evalBytes('\x1bLua')),
  cmds('script starting with ESC after a shebang', evalBytes('#!lua\n\x1b')),
  cmds(
    'loadstring of a chunk starting with ESC',
    evalBytes('return {select(2, loadstring("\\27Lua")), select(2, loadstring("\\27", "=n"))}'),
  ),
  // Lua 5.1 writes a byte token of a compile error as the byte itself
  cmds('compile error near a UTF-8 letter', ['EVAL', 'x é', '0']),
  cmds('compile error near a byte that is not UTF-8', evalBytes('x = \xc8')),
  cmds('compile error near a byte after a name', evalBytes('local \xff')),
  cmds('compile error near a control character', evalBytes('x \x01')),
  cmds(
    'FUNCTION LOAD of a non-UTF-8 library',
    ['FUNCTION', 'LOAD', bytes("#!lua name=lib\nredis.register_function('f', function() return '\xff' end)")],
    ['FCALL', 'f', '0'],
    ['FUNCTION', 'LIST', 'WITHCODE'],
  ),
  cmds('FUNCTION LOAD of a non-UTF-8 library that does not compile', [
    'FUNCTION',
    'LOAD',
    bytes("#!lua name=lib\nredis.register_function('f', function() return '\xff' .. end)"),
  ]),
  cmds('FUNCTION LOAD of a non-UTF-8 library that raises', ['FUNCTION', 'LOAD', bytes("#!lua name=lib\nlocal s = '\xff'\nerror(s)")]),
]
