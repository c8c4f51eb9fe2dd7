import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createRedisScripting, memoryStore, type RedisScripting } from '../src/index.js'
import { COLLECTION_CASES } from './corpus/collections.js'
import { COMMAND_CASES } from './corpus/commands.js'
import { CONNECTION_CASES } from './corpus/connection.js'
import { RANDOM_CASES } from './corpus/random.js'
import { RESP3_CASES } from './corpus/resp3.js'
import { FUNCTION_CASES } from './corpus/functions.js'
import { STREAM_CASES } from './corpus/streams.js'
import { ZSET_CASES } from './corpus/zsets.js'
import { SCRIPT_CASES } from './corpus/scripting.js'
import { STICKY_ENCODING_CASES } from './corpus/sticky-encodings.js'
import { OBJECT_ENCODING_CASES } from './corpus/object-encodings.js'
import { WATCH_CASES } from './corpus/watch.js'
import { type CorpusCase, jsonSorted, type Normal, onPolyhost, onReal, sorted } from './differential.js'
import { CMSGPACK_CASES, LIBRARY_CASES, STRUCT_CASES } from './corpus/libraries.js'
import { LIBRARY_EDGE_CASES } from './corpus/library-edges.js'
import { ENVIRONMENT_CASES } from './corpus/environment.js'
import { ERROR_LEVEL_CASES, RESULT_COUNT_CASES } from './corpus/error-levels.js'
import { LIBRARY_NUMBER_CASES } from './corpus/library-numbers.js'
import { FUNCTION_LOAD_CASES } from './corpus/function-load.js'
import { HOSTILE_INPUT_CASES, HOSTILE_LIBRARY_CASES } from './corpus/hostile-inputs.js'
import { REPLY_EDGE_CASES } from './corpus/reply-edges.js'
import { ADMIN_COMMAND_CASES } from './corpus/admin-commands.js'
import { SCRIPT_BYTES_CASES } from './corpus/script-bytes.js'
import { ERROR_SOURCE_CASES } from './corpus/error-sources.js'
import { SHEBANG_CASES } from './corpus/shebangs.js'
import { LIBRARY_FIELD_CASES } from './corpus/library-fields.js'
import { SCRIPT_CALL_CHECK_CASES } from './corpus/script-call-checks.js'
import { STRING_RANGE_CASES } from './corpus/string-ranges.js'
import { FLOAT_INCREMENT_CASES } from './corpus/float-increments.js'
import { SET_STORE_CASES } from './corpus/set-stores.js'
import { ZSET_STORE_CASES } from './corpus/zset-stores.js'
import { KEY_STRING_EXTRA_CASES } from './corpus/key-strings-extra.js'
import { CONTAINER_HELP_CASES } from './corpus/container-help.js'
import { MULTI_POP_CASES } from './corpus/multi-pops.js'
import { RANDOM_PICK_CASES } from './corpus/random-picks.js'
import { COLLECTION_SCAN_CASES } from './corpus/collection-scans.js'
import { READONLY_TABLE_CASES } from './corpus/readonly-tables.js'
import { DATABASE_CASES } from './corpus/databases.js'
import { LCS_PUBSUB_CASES } from './corpus/lcs-pubsub.js'
import { hasRedisServer, type RealRedis, startRedis } from './real-redis.js'

const CASES: CorpusCase[] = [
  ...COMMAND_CASES,
  ...COLLECTION_CASES,
  ...ZSET_CASES,
  ...STREAM_CASES,
  ...SCRIPT_CASES,
  ...LIBRARY_CASES,
  ...CMSGPACK_CASES,
  ...STRUCT_CASES,
  ...LIBRARY_EDGE_CASES,
  ...ENVIRONMENT_CASES,
  ...FUNCTION_CASES,
  ...CONNECTION_CASES,
  ...RANDOM_CASES,
  ...RESP3_CASES,
  ...WATCH_CASES,
  ...ERROR_LEVEL_CASES,
  ...RESULT_COUNT_CASES,
  ...LIBRARY_NUMBER_CASES,
  ...FUNCTION_LOAD_CASES,
  ...HOSTILE_INPUT_CASES,
  ...HOSTILE_LIBRARY_CASES,
  ...REPLY_EDGE_CASES,
  ...ADMIN_COMMAND_CASES,
  ...SCRIPT_BYTES_CASES,
  ...ERROR_SOURCE_CASES,
  ...SHEBANG_CASES,
  ...LIBRARY_FIELD_CASES,
  ...SCRIPT_CALL_CHECK_CASES,
  ...STRING_RANGE_CASES,
  ...FLOAT_INCREMENT_CASES,
  ...SET_STORE_CASES,
  ...ZSET_STORE_CASES,
  ...KEY_STRING_EXTRA_CASES,
  ...CONTAINER_HELP_CASES,
  ...MULTI_POP_CASES,
  ...RANDOM_PICK_CASES,
  ...COLLECTION_SCAN_CASES,
  ...READONLY_TABLE_CASES,
  ...STICKY_ENCODING_CASES,
  ...OBJECT_ENCODING_CASES,
  ...DATABASE_CASES,
  ...LCS_PUBSUB_CASES,
]

describe.skipIf(!hasRedisServer)('differential: redis-server 7.0 vs @polyhost/redis', () => {
  let real: RealRedis
  let redis: RedisScripting
  const tally = { identical: 0, compared: 0 }

  beforeAll(async () => {
    real = await startRedis()
    redis = await createRedisScripting({ store: memoryStore(), limits: { timeoutMs: 10_000 } })
  })

  afterAll(async () => {
    console.log(`${tally.identical}/${tally.compared} identical`)
    await redis?.close()
    await real?.stop()
  })

  for (const c of CASES) {
    it(c.name, async () => {
      // a case that failed half-way may have left another database selected
      await real.client.call('SELECT', '0')
      await redis.command(['SELECT', '0'])
      await real.client.call('FLUSHALL')
      await real.client.call('SCRIPT', 'FLUSH')
      await redis.command(['FLUSHALL'])
      await redis.command(['SCRIPT', 'FLUSH'])
      await real.client.call('FUNCTION', 'FLUSH')
      await redis.command(['FUNCTION', 'FLUSH'])
      const differences: string[] = []
      for (const [i, argv] of c.run.entries()) {
        const summary = c.summaries?.[i]
        const fix = (x: Normal) => (summary ? summary(x) : c.unordered ? sorted(x) : c.json ? jsonSorted(x) : x)
        const want = JSON.stringify(fix(await onReal(real.client, argv)))
        const got = JSON.stringify(fix(await onPolyhost(redis, argv)))
        if (want !== got) differences.push(`${JSON.stringify(argv)}\n   redis-server: ${want}\n   polyhost:     ${got}`)
      }
      tally.compared++
      expect(differences.join('\n')).toBe('')
      tally.identical++
    })
  }
})
