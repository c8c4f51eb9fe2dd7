import { describeCases } from './corpus-runner.js'
import { BLOCKING_POP_CASES } from './corpus/blocking-pops.js'

describeCases('blocking pops where they cannot block', BLOCKING_POP_CASES)
