import { describeCases } from './corpus-runner.js'
import { BITFIELD_CASES } from './corpus/bitfield.js'
import { BIT_CASES, randomBitCases } from './corpus/bits.js'

describeCases('bit commands', [...BIT_CASES, ...BITFIELD_CASES, ...[1, 2, 3, 4].map((seed) => randomBitCases(seed, 400))])
