import type { CorpusArg, CorpusCase } from '../differential.js'
import { cmds } from './helpers.js'

const shebang = (name: string, src: string): CorpusCase => cmds(name, ['EVAL', src, '0'], ['EVAL_RO', src, '0'])
const bytes = (s: string): CorpusArg => ({ hex: Buffer.from(s, 'latin1').toString('hex') })

/**
 * EVAL's `#!lua` line as Redis 7.0 reads it (`evalExtractShebangFlags`): split by
 * `sdssplitargs` (quotes, escapes, tokens ending only at space, tab, CR, LF), names compared
 * as C strings, the line ended by the first newline of a C string. FUNCTION LOAD's line too.
 */
export const SHEBANG_CASES: CorpusCase[] = [
  shebang('shebang flags in double quotes', '#!lua flags="no-writes"\nreturn 1'),
  shebang('shebang option quoted whole', '#!lua "flags=no-writes,allow-oom"\nreturn 1'),
  shebang('shebang flags in single quotes', "#!lua flags='no-writes'\nreturn 1"),
  shebang('shebang engine quoted', '#!"lua"\nreturn 1'),
  shebang('shebang flag with a hex escape', '#!lua "flags=\\x6eo-writes"\nreturn 1'),
  shebang('shebang flag with a \\n escape', '#!lua "flags=no-writes\\n"\nreturn 1'),
  shebang('shebang with an unclosed quote', '#!lua flags="no-writes\nreturn 1'),
  shebang('shebang with text after a closing quote', '#!lua flags="no-writes"x\nreturn 1'),
  shebang('shebang with an empty quoted option', '#!lua "" \nreturn 1'),
  shebang('shebang engine ending in a form feed', '#!lua\f\nreturn 1'),
  shebang('shebang flag with a vertical tab', '#!lua flags=no-writes\vx\nreturn 1'),
  shebang('shebang with a NUL before its newline', '#!lua flags=no-writes\0\nreturn 1'),
  shebang('shebang single quotes with an escaped quote', "#!lua flags='no-writes\\'s'\nreturn 1"),
  shebang('shebang with tabs and CRs between options', '#!lua\tflags=no-writes\r flags=allow-oom\nreturn 1'),
  shebang('shebang flag with a quoted NUL', '#!lua "flags=no-writes\\x00junk"\nreturn 1'),
  shebang('shebang engine with a quoted NUL', '#!"lua\\x00x"\nreturn 1'),
  shebang('shebang unknown option with a quoted NUL', '#!lua "x\\x00y"\nreturn 1'),
  shebang('shebang with an empty flag', '#!lua flags=no-writes,\nreturn 1'),
  shebang('shebang with flags= alone', '#!lua flags=\nreturn 1'),
  shebang('shebang option with a quote inside', '#!lua fl"ags=no-writes"\nreturn 1'),
  shebang('shebang that is only #!', '#!\nreturn 1'),
  shebang('shebang without a newline', '#!lua'),
  cmds('shebang flag with a byte that is not UTF-8', ['EVAL', bytes('#!lua flags=\xe9\nreturn 1'), '0']),
  cmds('shebang engine with a byte that is not UTF-8', ['EVAL', bytes('#!lu\xe9\nreturn 1'), '0']),
  cmds('FUNCTION LOAD with a NUL before the newline', [
    'FUNCTION',
    'LOAD',
    "#!lua name=lib\0\nredis.register_function('f', function() return 1 end)",
  ]),
  cmds('FUNCTION LOAD with a quoted NUL in an option', [
    'FUNCTION',
    'LOAD',
    '#!lua "x\\x00y"\nredis.register_function(\'f\', function() return 1 end)',
  ]),
]
