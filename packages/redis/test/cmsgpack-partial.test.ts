import { describeCases } from './corpus-runner.js'
import { CMSGPACK_PARTIAL_CASES } from './corpus/cmsgpack-partial.js'

describeCases('cmsgpack.unpack_one and unpack_limit', CMSGPACK_PARTIAL_CASES)
