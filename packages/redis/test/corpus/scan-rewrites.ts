import type { CorpusCase } from '../differential.js'
import { script } from './helpers.js'

/**
 * A script that SCANs the keyspace and rewrites each key it is given (renames it, deletes and
 * re-creates it, copies it back under its name) ends on Redis: its cursor walks a table of
 * fixed size, so a rewritten key is met again at most by chance. With a cursor in creation
 * order, each rewritten key came last again and the scan never reached 0 (the script ran to
 * its time limit). Each script stops itself after 5,000 keys and says whether the scan ended;
 * key names are not compared, as Redis may rename one key more than once, nor the key count
 * where keys are added (Redis returns some of the added keys, by chance).
 */
function rewriting(name: string, rewrite: string, count = 10, size = true): CorpusCase {
  return script(
    `SCAN while ${name} each key returned ends`,
    `for i = 1, 50 do redis.call('SET', 'k' .. i, i) end
     local cur, n = '0', 0
     repeat
       local r = redis.call('SCAN', cur, 'COUNT', ${count})
       cur = r[1]
       for _, k in ipairs(r[2]) do n = n + 1 ${rewrite} end
     until cur == '0' or n > 5000
     return {n > 5000 and 'never ended' or 'ended', ${size ? "redis.call('DBSIZE')" : "'-'"}}`,
  )
}

export const SCAN_REWRITE_CASES: CorpusCase[] = [
  rewriting('renaming', `redis.call('RENAME', k, k .. 'x')`),
  rewriting('deleting and re-creating', `redis.call('DEL', k) redis.call('SET', k, 'new')`),
  rewriting('copying back under its name', `redis.call('COPY', k, 'c' .. k) redis.call('DEL', k) redis.call('RENAME', 'c' .. k, k)`),
  rewriting('renaming, one key a call', `redis.call('RENAME', k, k .. 'x')`, 1),
  rewriting('adding a key per key', `redis.call('SET', k .. ':more', 1)`, 10, false),
  rewriting('re-setting (same key) and adding one', `redis.call('SET', k, 'v') redis.call('SET', 'n' .. n, 1)`, 10, false),
]
