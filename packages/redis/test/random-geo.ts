import { type Family, maybe, oneOf } from './random-tools.js'

/**
 * GEO and HyperLogLog shapes for the random differential hunt: GEOADD with its options and
 * coordinates at the edges Redis accepts (±180, ±85.05112878) and past them, GEODIST in each
 * unit, GEOPOS, GEOHASH, GEOSEARCH/GEOSEARCHSTORE (from a member or a point, by radius or
 * box, ordered, counted, ANY, WITH*), GEORADIUS(_RO)/GEORADIUSBYMEMBER(_RO) with STORE and
 * STOREDIST; PFADD, PFCOUNT over several keys, PFMERGE. Members are the generator's own, so
 * geo sets meet plain sorted sets, and every key may hold another type.
 */
export const geoShapes: Family = (t) => {
  const { pick, chance, member, some } = t
  // mostly keys of their own, so that points and registers pile up
  const key = () => (chance(0.5) ? pick(['geo', 'geo2', 'hll']) : t.key())
  const lon = () =>
    chance(0.6)
      ? `${13 + t.int(5) / 10}`
      : pick(['0', '13.361389', '15.087269', '-180', '180', '180.0000001', '-73.9857', '2.35', 'x', '1e2', '179.9999999', ' 1'])
  const lat = () =>
    chance(0.6)
      ? `${38 + t.int(5) / 10}`
      : pick(['0', '38.115556', '37.502669', '85.05112878', '-85.05112878', '85.06', '40.7484', '48.85', 'nan', '-0', '1e1'])
  const radius = () =>
    chance(0.6) ? pick(['20', '50', '100']) : pick(['0', '1', '100', '200', '5000', '20000000', '-1', 'x', '1e3', '0.5', 'inf'])
  const unit = () => (chance(0.6) ? 'km' : pick(['m', 'km', 'ft', 'mi', 'KM', 'yd']))
  const count = () => [...(chance(0.35) ? ['COUNT', pick(['1', '2', '0', '-1', 'x', '100'])] : []), ...maybe(t, 0.2, () => ['ANY'])]
  const withs = () => [...maybe(t, 0.4, () => ['WITHCOORD']), ...maybe(t, 0.4, () => ['WITHDIST']), ...maybe(t, 0.3, () => ['WITHHASH'])]
  const order = () => maybe(t, 0.5, () => [pick(['ASC', 'DESC', 'asc'])])
  const from = () =>
    oneOf(
      t,
      () => ['FROMMEMBER', member()],
      () => ['FROMLONLAT', lon(), lat()],
      ['FROMLONLAT', '1'],
      () => ['FROMMEMBER', member()],
    )
  const by = () =>
    oneOf(
      t,
      () => ['BYRADIUS', radius(), unit()],
      () => ['BYBOX', radius(), radius(), unit()],
      ['BYRADIUS', '5'],
      () => ['BYRADIUS', radius(), unit()],
    )
  const points = (n: number) => Array.from({ length: n }, () => [lon(), lat(), member()]).flat()
  return [
    () => ({
      argv: [
        'GEOADD',
        key(),
        ...maybe(t, 0.3, () => [pick(['NX', 'XX', 'CH', 'nx', 'GT'])]),
        ...maybe(t, 0.2, () => ['CH']),
        ...points(1 + t.int(3)),
      ],
    }),
    // a valid cluster of points near each other, so searches find some
    () => ({
      argv: ['GEOADD', key(), ...some(() => `${13 + t.int(5) / 10} ${38 + t.int(5) / 10} ${member()}`, 4).flatMap((p) => p.split(' '))],
    }),
    () => ({ argv: ['GEODIST', key(), member(), member(), ...maybe(t, 0.6, () => [unit()]), ...maybe(t, 0.05, () => ['x'])] }),
    () => ({ argv: [pick(['GEOPOS', 'GEOHASH']), key(), ...some(member, 3)] }),
    () => ({ argv: ['GEOSEARCH', key(), ...from(), ...by(), ...order(), ...count(), ...withs()] }),
    () => ({
      argv: [
        'GEOSEARCHSTORE',
        key(),
        key(),
        ...from(),
        ...by(),
        ...order(),
        ...count(),
        ...maybe(t, 0.4, () => ['STOREDIST']),
        ...maybe(t, 0.1, withs),
      ],
    }),
    () => ({
      argv: [
        pick(['GEORADIUS', 'GEORADIUS_RO']),
        key(),
        lon(),
        lat(),
        radius(),
        unit(),
        ...withs(),
        ...order(),
        ...count(),
        ...maybe(t, 0.2, () => [pick(['STORE', 'STOREDIST']), key()]),
      ],
    }),
    () => ({
      argv: [
        pick(['GEORADIUSBYMEMBER', 'GEORADIUSBYMEMBER_RO']),
        key(),
        member(),
        radius(),
        unit(),
        ...withs(),
        ...order(),
        ...count(),
        ...maybe(t, 0.2, () => [pick(['STORE', 'STOREDIST']), key()]),
      ],
    }),
    // HyperLogLog: adds, counts over keys (merged on the fly), merges
    () => ({ argv: ['PFADD', key(), ...maybe(t, 0.9, () => some(() => pick([member(), t.value()]), 5))] }),
    () => ({ argv: ['PFADD', key(), ...Array.from({ length: pick([10, 200, 3000]) }, (_, i) => `e${i}`)] }),
    () => ({ argv: ['PFCOUNT', ...some(key, 3)] }),
    () => ({ argv: ['PFMERGE', key(), ...maybe(t, 0.8, () => some(key, 3))] }),
    () => ({
      argv: [
        pick(['GEOADD', 'GEODIST', 'GEOSEARCH', 'GEOSEARCHSTORE', 'GEORADIUS', 'PFMERGE', 'PFCOUNT', 'GEOPOS']),
        ...maybe(t, 0.5, () => [key()]),
      ],
    }),
  ]
}
