import { type Family, maybe, oneOf } from './random-tools.js'

/**
 * Keyspace shapes for the random differential hunt: databases (COPY … DB, MOVE, SELECT,
 * SWAPDB, FLUSHDB), SCAN with MATCH and TYPE over the whole keyspace, RANDOMKEY, SPOP of a
 * whole set, DUMP (byte for byte where Redis's payload is ordered), PFDEBUG, PUBLISH and
 * SPUBLISH (no subscribers: 0), and their wrong arities.
 */
export const keyspaceShapes: Family = (t) => {
  const { pick, key } = t
  const type = () => pick(['string', 'list', 'set', 'zset', 'hash', 'stream', 'LIST', 'nope'])
  return [
    // SPOP whose count takes the whole set (a smaller one would leave a random remainder),
    // answered in the order of the set Redis builds of it: its hash table's
    () => ({ argv: ['SPOP', key(), pick(['100', '-1', 'x', '0'])], random: 'sorted' }),
    () => ({ argv: ['RANDOMKEY'], random: 'size' }),
    () => ({
      argv: [
        ...oneOf(
          t,
          () => ['COPY', key(), key(), 'DB', pick(['1', '0', '16', '-1', 'x']), ...maybe(t, 0.4, () => ['REPLACE'])],
          () => ['COPY', key(), key(), pick(['REPLACE', 'DB', 'x'])],
          () => ['MOVE', key(), pick(['1', '0'])],
          () => ['SELECT', pick(['1', '0', '0', '16', 'x'])],
          () => ['SWAPDB', pick(['0', '1', 'x']), pick(['1', '0', '16'])],
        ),
      ],
    }),
    // rarely: it empties the sequence's database
    () =>
      t.chance(0.2)
        ? { argv: ['FLUSHDB', ...maybe(t, 0.5, () => [pick(['ASYNC', 'SYNC', 'x'])])] }
        : { argv: ['KEYS', '*'], random: 'sorted' },
    // from cursor 0 with a count past the keyspace: the whole of it in one call, cursor 0 (keys in
    // hash order); another cursor's part of the table follows the server's hash seed
    () => ({
      argv: [
        'SCAN',
        pick(['0', '0', '0', '00', 'x', '-']),
        ...maybe(t, 0.4, () => ['MATCH', pick(['*', '?', 'w_*', '[a-c]', 'st*'])]),
        'COUNT',
        pick(['1000', '1000', '1000', '0', 'x']),
        ...maybe(t, 0.5, () => ['TYPE', type()]),
      ],
      random: 'scan',
    }),
    // strings, lists and small collections: DUMP's payload is determined
    () => ({ argv: ['DUMP', key()], random: 'dump' }),
    () => ({ argv: ['PFDEBUG', pick(['GETREG', 'ENCODING', 'DECODE', 'TODENSE', 'x']), pick([key(), 'hll'])] }),
    () => ({ argv: [pick(['PUBLISH', 'SPUBLISH']), pick(['ch', key()]), t.value()] }),
    // (RANDOMKEY's key is random: its shape compared)
    () => ({
      argv: [
        pick(['SCAN', 'COPY', 'MOVE', 'SWAPDB', 'SELECT', 'PFDEBUG', 'DUMP', 'RANDOMKEY', 'FLUSHDB', 'PUBLISH']),
        ...maybe(t, 0.5, () => [key()]),
      ],
      random: 'size',
    }),
  ]
}
