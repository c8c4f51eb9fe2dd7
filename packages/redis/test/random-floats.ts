import { type Family, maybe } from './random-tools.js'

/**
 * Shapes for number formatting and the commands the first table leaves out, for the random
 * differential hunt: INCRBYFLOAT, HINCRBYFLOAT, ZINCRBY and ZADD INCR with exponents,
 * infinities, 1e308, -0 and texts `strtold` half-reads; SET of such a text then a read of
 * its encoding; the blocking pops (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP, BZMPOP,
 * BZPOPMIN/MAX) with a timeout that ends at once (0, or -0.001 which is 0 ms, would block
 * redis-server's connection for good); lists and integer strings for the encodings.
 */
export const floatShapes: Family = (t) => {
  const { pick, key, member, value, some } = t
  const float = () =>
    pick([
      '1e308',
      '-1e308',
      '1.7976931348623157e308',
      '1e309',
      '2.5e-3',
      '1E5',
      '1e+2',
      '-0',
      '0.1',
      '0.2',
      '3.0000000000000004',
      '123456789.123456789',
      '1e-320',
      '5e-324',
      '1e17',
      '9007199254740993',
      '1.e5',
      'e5',
      '1e',
      '0x1p3',
      '1_0',
      '+.5',
      '-.5e1',
      '  2',
      'inf',
      '-inf',
      '1.1',
      '100',
    ])
  const timeout = () => pick(['0.01', '0.001', '-1', '-5', 'x', '1e-3'])
  const dir = () => pick(['LEFT', 'RIGHT'])
  return [
    () => ({ argv: ['SET', key(), float()] }),
    () => ({ argv: ['INCRBYFLOAT', key(), float()] }),
    () => ({ argv: ['HINCRBYFLOAT', key(), pick(['f', member()]), float()] }),
    () => ({ argv: ['HSET', key(), 'f', float()] }),
    () => ({ argv: ['ZINCRBY', key(), float(), pick(['m1', member()])] }),
    () => ({ argv: ['ZADD', key(), ...maybe(t, 0.5, () => ['INCR']), float(), pick(['m1', member()])] }),
    () => ({ argv: [pick(['ZSCORE', 'ZMSCORE']), key(), 'm1', ...maybe(t, 0.3, () => [member()])] }),
    () => ({ argv: ['OBJECT', 'ENCODING', key()] }),
    () => ({ argv: [pick(['INCRBY', 'DECRBY', 'HINCRBY']), key(), ...(t.chance(0.3) ? ['f'] : []), float()] }),
    // blocking pops, answered at once where Redis has something or the timeout ends at once
    () => ({ argv: [pick(['BLPOP', 'BRPOP', 'BZPOPMIN', 'BZPOPMAX']), ...some(key, 2), timeout()] }),
    () => ({ argv: ['BLMOVE', key(), key(), dir(), dir(), timeout()] }),
    () => ({ argv: ['BRPOPLPUSH', key(), key(), timeout()] }),
    () => ({
      argv: [
        pick(['BLMPOP', 'BZMPOP']),
        timeout(),
        pick(['1', '2', '0', '-1']),
        key(),
        key(),
        pick(['LEFT', 'RIGHT', 'MIN', 'MAX']),
        ...maybe(t, 0.5, () => ['COUNT', pick(['0', '1', '3', '-1', 'x'])]),
      ],
    }),
    () => ({ argv: ['RPUSH', key(), ...some(value, 5)] }),
    () => ({ argv: ['SET', key(), pick(['12345', '-7', '1234567890123456789', 'x'.repeat(pick([20, 44, 45, 100]))])] }),
    () => ({ argv: ['APPEND', key(), pick(['1', 'x', ''])] }),
  ]
}
