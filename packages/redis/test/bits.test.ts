import { describeCases } from './corpus-runner.js'
import { BITFIELD_CASES } from './corpus/bitfield.js'
import { BIT_CASES } from './corpus/bits.js'

describeCases('bit commands', [...BIT_CASES, ...BITFIELD_CASES])
