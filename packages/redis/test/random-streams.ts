import { type Family, maybe, oneOf } from './random-tools.js'

/**
 * Stream shapes for the random differential hunt, past the plain XADD/XRANGE ones in
 * `random-commands.ts`: XADD with explicit and `ms-*` IDs, NOMKSTREAM, MAXLEN/MINID with `=`,
 * `~` and LIMIT; consumer groups (XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/DELCONSUMER with
 * MKSTREAM and ENTRIESREAD, XREADGROUP with `>` and history, NOACK), XACK, XPENDING (summary,
 * range, IDLE, consumer), XCLAIM and XAUTOCLAIM with their options, XSETID, XINFO. Idle and
 * delivery times are compared within a few seconds (`idle`); no `*` ID, whose time differs.
 */
export const streamShapes: Family = (t) => {
  const { pick, chance, member, value, some } = t
  // mostly a key of their own, so that groups live long enough to be read, claimed and acked
  const key = () => (chance(0.75) ? 'st' : chance(0.5) ? 'st2' : t.key())
  const id = () =>
    pick(['0', '0-0', '1', '1-1', '2-0', '3-5', '5', '5-0', '7-*', '9-1', '$', '-', '+', 'x', '18446744073709551615-18446744073709551615'])
  const rangeId = () => pick(['-', '+', '0', '1-1', '(1-1', '3', '5-0', '(5', '9'])
  const group = () => (chance(0.75) ? 'g1' : pick(['g2', 'G']))
  const consumer = () => pick(['c1', 'c1', 'c2', 'c3'])
  // mostly an entry the ordered XADD below may have made
  const entry = () => (chance(0.7) ? `${1 + t.int(9)}-${t.int(3)}` : id())
  const countOpt = (p = 0.4) => maybe(t, p, () => ['COUNT', pick(['1', '2', '2', '0', '-1', '100', 'x'])])
  const fields = () => some(() => `${member()}\u0000${value()}`, 2).flatMap((p) => p.split('\u0000'))
  const trim = () =>
    maybe(t, 0.35, () => [
      pick(['MAXLEN', 'MINID']),
      ...maybe(t, 0.6, () => [pick(['=', '~'])]),
      pick(['0', '1', '2', '3-0', '-1', 'x']),
      ...maybe(t, 0.2, () => ['LIMIT', pick(['0', '1', '100', '-1'])]),
    ])
  return [
    () => ({ argv: ['XADD', key(), ...maybe(t, 0.15, () => ['NOMKSTREAM']), ...trim(), id(), ...fields()] }),
    // entries in order, so that groups have something to deliver, and a group to deliver them
    () => ({ argv: ['XADD', key(), `${1 + t.int(9)}-${t.int(3)}`, ...fields()] }),
    () => ({ argv: ['XGROUP', 'CREATE', key(), group(), pick(['0', '0', '$', '3-0']), 'MKSTREAM'] }),
    () => ({ argv: ['XTRIM', key(), ...trim(), pick(['MAXLEN', 'MINID']), pick(['1', '2', '5-0'])] }),
    () => ({
      argv: [
        'XGROUP',
        'CREATE',
        key(),
        group(),
        pick(['0', '$', '1-1', '5', 'x', '-']),
        ...maybe(t, 0.5, () => ['MKSTREAM']),
        ...maybe(t, 0.3, () => ['ENTRIESREAD', pick(['0', '1', '3', '-1', '-2', 'x'])]),
      ],
    }),
    () => ({
      argv: [
        'XGROUP',
        ...oneOf(
          t,
          () => [
            'SETID',
            key(),
            group(),
            pick(['0', '$', '3-0', 'x']),
            ...maybe(t, 0.3, () => ['ENTRIESREAD', pick(['0', '2', '-1', 'x'])]),
          ],
          () => ['DESTROY', key(), group()],
          () => [pick(['CREATECONSUMER', 'DELCONSUMER']), key(), group(), consumer()],
          () => [pick(['HELP', 'NOPE', 'CREATE', 'SETID'])],
        ),
      ],
    }),
    () => ({
      argv: [
        'XREADGROUP',
        'GROUP',
        group(),
        consumer(),
        ...countOpt(0.2),
        ...maybe(t, 0.2, () => ['NOACK']),
        'STREAMS',
        ...oneOf(
          t,
          () => [key(), pick(['>', '>', '0', '2-0', 'x', '$'])],
          () => [key(), key(), '>', pick(['>', '0'])],
        ),
      ],
      random: 'idle',
    }),
    () => ({ argv: ['XACK', key(), group(), ...some(entry, 3)] }),
    () => ({ argv: ['XPENDING', key(), group()] }),
    () => ({
      argv: [
        'XPENDING',
        key(),
        group(),
        ...maybe(t, 0.3, () => ['IDLE', pick(['0', '100000', '-1', 'x'])]),
        rangeId(),
        rangeId(),
        pick(['10', '10', '1', '0', '-1', 'x']),
        ...maybe(t, 0.4, () => [consumer()]),
      ],
      random: 'idle',
    }),
    () => ({
      argv: [
        'XCLAIM',
        key(),
        group(),
        consumer(),
        pick(['0', '0', '0', '100000', '-1', 'x']),
        ...some(entry, 3),
        ...maybe(t, 0.3, () => ['JUSTID']),
        ...maybe(t, 0.2, () => ['FORCE']),
        ...maybe(t, 0.2, () => ['RETRYCOUNT', pick(['0', '5', '-1', 'x'])]),
        ...maybe(t, 0.15, () => ['IDLE', pick(['0', '100000', '-5'])]),
        ...maybe(t, 0.1, () => ['LASTID', pick(['0', '9-9', 'x'])]),
      ],
      random: 'idle',
    }),
    () => ({
      argv: [
        'XAUTOCLAIM',
        key(),
        group(),
        consumer(),
        pick(['0', '0', '0', '100000', '-1', 'x']),
        pick(['0-0', '0', '0', '2-0', '-', 'x']),
        ...countOpt(),
        ...maybe(t, 0.3, () => ['JUSTID']),
      ],
      random: 'idle',
    }),
    () => ({
      argv: [
        'XSETID',
        key(),
        pick(['0-0', '5-0', '9-9', '100', 'x']),
        ...maybe(t, 0.3, () => [pick(['ENTRIESADDED', 'MAXDELETEDID']), pick(['5', '0-1', '100', 'x'])]),
      ],
    }),
    () => ({
      argv: [
        'XINFO',
        ...oneOf(
          t,
          () => ['STREAM', key()],
          () => ['STREAM', key(), 'FULL', ...maybe(t, 0.4, () => ['COUNT', pick(['1', '0', '-1'])])],
          () => ['GROUPS', key()],
          () => ['CONSUMERS', key(), group()],
          () => [pick(['HELP', 'NOPE', 'STREAM'])],
        ),
      ],
      random: 'idle',
    }),
    () => ({
      argv: [
        pick(['XADD', 'XGROUP', 'XREADGROUP', 'XACK', 'XPENDING', 'XCLAIM', 'XAUTOCLAIM', 'XSETID', 'XINFO', 'XTRIM']),
        ...maybe(t, 0.5, () => [key()]),
      ],
    }),
    () => ({
      argv: ['XREAD', ...countOpt(), 'STREAMS', ...(chance(0.3) ? [key(), key(), '0', '2'] : [key(), pick(['0', '$', '1-1', 'x', '+'])])],
    }),
  ]
}
